"""Files the user relies on: written whole or not at all, into folders checked before work starts.

- ``write_text`` / ``write_with``: atomic writes (a temporary file beside the target, flushed to disk,
  then one rename), so a killed run never leaves half a result.
- ``safe_file_name``: a user's name (a scenario's ``name:``) as a file name that stays inside its folder.
- ``check_output_folder`` / ``prepare_output_folder``: refuse a results folder that cannot be written
  (a file, a path through a file, no permission) before anything is simulated.
- ``FolderLock``: one owner at a time for a results folder; the lock dies with its process.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".ecosim.lock"
MAX_NAME_LENGTH = 80


class OutputError(ValueError):
    """A results folder that cannot be used; the message is one line naming the path."""


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it is flushed to disk and replaces ``target``
    in one rename (the folder entry is flushed too, so a power cut leaves the old file or the new one)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:MAX_NAME_LENGTH]}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; results are for sharing
        _fsync(tmp)
        os.replace(tmp, target)
        _fsync(target.parent)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _fsync(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as err:  # some file systems cannot sync a folder; the file itself was synced
        if err.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(target: str | Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_with(target: str | Path, writer: Callable[[Path], None]) -> None:
    """Atomically write whatever ``writer(path)`` produces (a Parquet file, a figure...)."""
    with atomic_path(target) as tmp:
        writer(tmp)


def safe_file_name(name: str) -> str:
    """``name`` as a file name that cannot leave its folder: letters, digits, ``_ . -`` only, no leading
    dot, at most ``MAX_NAME_LENGTH`` characters. A name that had to change gets a short hash of the
    original, so two different names never share a file."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).lstrip(".")
    if cleaned == name and 0 < len(name) <= MAX_NAME_LENGTH:
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{cleaned[:MAX_NAME_LENGTH - 9] or 'unnamed'}-{digest}"


def shorten(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters: a message never echoes a huge value."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 3]}... ({len(text):,} characters)"


def clip(text: str, limit: int = 300) -> str:
    """A message part cut to ``limit`` characters."""
    return text if len(text) <= limit else f"{text[:limit - 3]}..."


def first_repeated(items: list) -> object | None:
    """The first item that also appears earlier in ``items`` (None when all differ), for "given twice" messages."""
    return next((item for i, item in enumerate(items) if item in items[:i]), None)


def file_problem(path: str | Path) -> str | None:
    """None if ``path`` is a regular file; otherwise why not, in a few words (never raises: a name too
    long for the system, a folder or a device is described, not a traceback)."""
    try:
        mode = Path(path).stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "file not found"
    except OSError as err:
        return f"cannot be read ({err.strerror or err})"
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    return None if stat.S_ISREG(mode) else "is not a regular file"


def check_output_folder(folder: str | Path) -> Path:
    """Refuse, without creating anything, a folder that could not be created or written."""
    folder = Path(folder)
    try:
        return _check_output_folder(folder)
    except OSError as err:  # e.g. a name longer than the file system allows
        raise OutputError(f"{clip(str(folder))}: cannot use this path ({err.strerror or err}); choose another "
                          "--out") from None


def _check_output_folder(folder: Path) -> Path:
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: exists and is not a folder; choose another --out")
    existing = folder
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
        if existing.exists() and not existing.is_dir():
            raise OutputError(f"{folder}: {existing} is a file, not a folder; choose another --out")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{folder}: no permission to write in {existing}; choose another --out")
    return folder


def prepare_output_folder(folder: str | Path) -> Path:
    """Create ``folder`` and prove it can be written (a file is created and removed), or refuse."""
    folder = check_output_folder(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise OutputError(f"{folder}: cannot write here ({err.strerror or err}); choose another --out") from None
    return folder


class FolderLock:
    """An exclusive lock on a results folder (``flock`` on ``.ecosim.lock``): a second command writing
    into the same folder is refused at once. The kernel drops the lock when its process ends, however
    it ends, so a killed run never leaves a stale lock."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._fd: int | None = None

    def __enter__(self) -> FolderLock:
        prepare_output_folder(self.folder)
        path = self.folder / LOCK_NAME
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666 & ~_umask())
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.read(fd, 32).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise OutputError(f"{self.folder}: another ecosim command (pid {owner}) is writing into this "
                              "folder; wait for it to finish or choose another --out") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the lock; the file stays (removing it would race)
            self._fd = None
