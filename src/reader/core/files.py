"""Writing files so that a crash or a kill never leaves a half-written one behind, and
editing the learner's files so that two instances never lose each other's changes.

An edit is: take the lock the instances share, read the file as it is now, change what the
edit is about, write the result atomically, let go of the lock (`edit_locked`). Readers need
no lock: the rename means they see the old file or the new one, never a part.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from reader.core.errors import StorageError

# Another instance holds the lock for a few milliseconds (read, edit, write a small file).
LOCK_TIMEOUT_S = 10.0
# Deeper than anything our files hold (settings: 2, positions: 2), far below the ~500 levels
# at which Python's parsers run out of stack.
MAX_NESTING = 64


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`; synced and renamed onto it only if the block succeeds.

    The rename is atomic on one file system, so readers see the old file or the new one,
    never a part. Raises OSError when the folder cannot be written.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with temporary.open("rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    finally:
        with suppress(FileNotFoundError):
            temporary.unlink()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)


def atomic_write_text(path: Path, text: str) -> None:
    """UTF-8 with LF line ends, whatever the platform."""
    atomic_write_bytes(path, text.encode("utf-8"))


def lock_path(path: Path) -> Path:
    """The lock file every instance takes before editing `path` (hidden, beside it)."""
    return path.with_name(f".{path.name}.lock")


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the lock on `path` that every reader process shares (an OS file lock, let go
    of by the kernel if the process dies). Raises OSError when it cannot be taken."""
    from filelock import FileLock  # only when saving: ~20 ms to import

    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(lock_path(path), timeout=LOCK_TIMEOUT_S):
        yield


def edit_locked(path: Path, edit: Callable[[bytes | None], bytes | None], what: str) -> None:
    """Edit `path` under its lock: `edit` gets the bytes as they are now (None: no file) and
    returns the new bytes, or None to leave the file alone. `what` names the file in errors
    ("your settings"). Raises StorageError when it cannot be written (read-only, full disk,
    locked too long); an `edit` that refuses raises StorageError itself."""
    try:
        with locked(path):
            try:
                current: bytes | None = path.read_bytes()
            except FileNotFoundError:
                current = None
            changed = edit(current)
            if changed is not None and changed != current:
                atomic_write_bytes(path, changed)
    except OSError as error:
        raise cannot_save(path, what, error) from None


def cannot_save(path: Path, what: str, error: OSError) -> StorageError:
    reason = error.strerror or str(error) or error.__class__.__name__
    return StorageError(f"{what} could not be saved to {path} ({reason})")


# Strings and comments (JSON and TOML syntax), then the brackets that nest.
_NESTING_TOKENS = re.compile(
    r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]',
    re.DOTALL,
)


def too_deep(text: str, limit: int = MAX_NESTING) -> bool:
    """True when arrays/tables/objects nest deeper than `limit` outside strings and comments.

    Checked before parsing JSON or TOML: the standard parsers recurse once per level and
    stop with RecursionError at a few hundred; our files never nest more than 2.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for token in _NESTING_TOKENS.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        elif bracket in "]}":
            depth = max(0, depth - 1)
    return False
