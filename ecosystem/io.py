"""Files the user relies on: written whole or not at all, into folders checked before work starts.

- ``write_text`` / ``write_with``: atomic writes (a temporary file beside the target, flushed to disk,
  then one rename), so a killed run never leaves half a result.
- ``safe_file_name``: a user's name (a scenario's ``name:``) as a file name that stays inside its folder.
- ``check_output_folder`` / ``prepare_output_folder``: refuse a results folder that cannot be written
  (a file, a path through a file, no permission) before anything is simulated.
- ``FolderLock``: one owner at a time for a results folder; the lock dies with its process.
  ``reading``: a shared lock for a command that reads another's results folder.
- The rule of which folders a command may write into, and how its files are swapped in, is in
  ``ecosystem.output_folder``.
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


def probe_writable(folder: str | Path, *, option: str = "--out") -> None:
    """Prove that ``folder`` (or, when it does not exist yet, its nearest existing parent) accepts a new
    file, by creating one and removing it: permissions alone do not tell (root ignores them; /proc and
    read-only file systems refuse anyway)."""
    folder = Path(folder)
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-test.", dir=existing)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise OutputError(f"{clip(str(folder))}: cannot write in {clip(str(existing))} ({err.strerror or err}); "
                          f"choose another {option}") from None


def check_replaceable(path: str | Path, *, starts_with: str | None = None,
                      parquet_columns: tuple[str, ...] = (), option: str = "--out") -> None:
    """Refuse, before any work, to replace a file that is not provably this command's own output: a
    file that exists must be a regular file starting with ``starts_with`` (text) or a Parquet table
    with ``parquet_columns``. A file that does not exist yet only needs a folder that accepts it."""
    path = Path(path)
    probe_writable(path.parent, option=option)
    if not path.exists() and not path.is_symlink():
        return
    problem = "is a symbolic link" if path.is_symlink() else file_problem(path)
    if problem is None and starts_with is not None:
        with open(path, encoding="utf-8", errors="replace") as handle:
            if handle.read(len(starts_with)) != starts_with:
                problem = "was not written by ecosim"
    if problem is None and parquet_columns:
        import polars as pl

        try:
            columns = pl.read_parquet_schema(path)
        except Exception:  # noqa: BLE001 - any unreadable file is simply not ours
            columns = {}
        if not all(c in columns for c in parquet_columns):
            problem = "was not written by ecosim"
    if problem is not None:
        raise OutputError(f"{clip(str(path))}: {problem}; it would be replaced: move it or choose another {option}")


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


@contextmanager
def reading(folder: str | Path) -> Iterator[None]:
    """Read a results folder under a shared lock: refused at once while an ecosim command is writing
    there (it holds ``FolderLock``), and no command can start writing there until the reading is done."""
    try:
        fd = os.open(Path(folder) / LOCK_NAME, os.O_RDONLY)
    except OSError:  # no lock file: no ecosim command has ever written there
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"{folder}: an ecosim command is writing these results; wait for it to finish "
                              "and run this again") from None
        yield
    finally:
        os.close(fd)


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
