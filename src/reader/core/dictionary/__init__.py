"""CC-CEDICT: the compiled SQLite index, lookups and their text/JSON forms."""
