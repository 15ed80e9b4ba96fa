"""Errors the user can act on. The CLI prints their message on one line and exits with 2."""


class ReaderError(Exception):
    """A problem with the user's input or environment, explained in one line."""


class InputError(ReaderError):
    """A path or stream that cannot be read as Chinese text (missing, directory, binary...)."""


class StorageError(ReaderError):
    """A file of the learner's (settings, rules, positions) could not be saved: its folder
    cannot be written, the disk is full, or the file cannot be parsed and so is left as it is.
    The app keeps running and says so once; the CLI prints it and exits with 2."""
