"""Text in: decoding files and standard input, paragraphs and headings, line layout."""
