"""Errors the user can act on. The CLI prints their message on one line and exits with 2."""


class ReaderError(Exception):
    """A problem with the user's input or environment, explained in one line."""


class InputError(ReaderError):
    """A path or stream that cannot be read as Chinese text (missing, directory, binary...)."""
