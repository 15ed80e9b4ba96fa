"""reader: a keyboard-first terminal reader for learners of Chinese."""

__version__ = "0.1.0"
