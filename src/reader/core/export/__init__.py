"""Getting words out: Anki notes and packages, TSV, Pleco, AnkiConnect."""
