"""The one rule every command that writes follows: it owns its output folder before it writes.

A command writes only into a folder that is new, empty, or provably its own: one holding the marker
``.ecosim-output.json`` that the same kind of command wrote there. The folder may not be a symbolic
link, and its files are never reached through one. The marker lists every file the command put in the
folder, and a command removes or replaces only files on that list: a file a user added, even inside
``figures/``, is never touched. Everything is checked before the first run starts, and a folder that is
refused is left exactly as it was (no lock file, no staging folder, nothing removed).

Results are written into a staging folder inside and swapped in together by ``commit``; the file that
says a result is complete (a manifest) is moved in last, so a reader never sees a mix of two results.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ecosystem.io import LOCK_NAME, FolderLock, OutputError, check_output_folder, clip, probe_writable, write_text

MARKER_NAME = ".ecosim-output.json"
STAGING_PREFIX = ".staging-"
EVERYTHING = "."  # ``commit(replaces=(EVERYTHING,))``: every file the command wrote before may be replaced
_OURS = (LOCK_NAME, MARKER_NAME)


class OutputFolder:
    """The results folder of one command of kind ``kind`` (``"run"``, ``"compare"``...), owned from
    ``__enter__`` (checked, locked, marked) to ``__exit__``. ``check()`` refuses a folder without
    writing anything, for the checks made before any work starts."""

    def __init__(self, path: str | Path, kind: str, *, option: str = "--out",
                 own_names: re.Pattern[str] | None = None) -> None:
        self.path = Path(path)
        self.kind = kind
        self.option = option
        self.own_names = own_names  # names that prove a folder without a marker is ours (a cache's hashed files)
        self._lock: FolderLock | None = None
        self._stagings: list[Path] = []

    # -- ownership ---------------------------------------------------------------------------------

    def check(self) -> Path:
        """Refuse, creating and removing nothing, a folder this command may not write into."""
        check_output_folder(self.path)
        if self.path.is_symlink():
            raise OutputError(f"{self.path}: is a symbolic link; give a real folder for {self.option}")
        probe_writable(self.path, option=self.option)
        if not self.path.exists():
            return self.path
        try:
            entries = sorted(p.name for p in self.path.iterdir())
        except OSError as err:
            raise OutputError(f"{self.path}: cannot be read ({err.strerror or err}); choose another "
                              f"{self.option}") from None
        if not [name for name in entries if name not in _OURS]:
            return self.path
        marker = read_marker(self.path)
        if marker is None and self.own_names is not None and all(
                self.own_names.match(name) for name in entries if name not in _OURS):
            return self.path
        if marker is None:
            listed = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
            raise OutputError(f"{self.path}: holds files that ecosim did not write ({clip(listed, 120)}); "
                              f"choose a new or empty folder for {self.option}")
        if marker["kind"] != self.kind:
            raise OutputError(f"{self.path}: holds the results of `ecosim {marker['kind']}`, not of `ecosim "
                              f"{self.kind}`; choose a new or empty folder for {self.option}")
        return self.path

    def __enter__(self) -> OutputFolder:
        self.check()
        self._lock = FolderLock(self.path)
        self._lock.__enter__()
        try:
            self.check()  # again, now that nobody else can write here
            if read_marker(self.path) is None:
                self._write_marker(set())
            self._remove_leftovers()
        except BaseException:
            self._lock.__exit__()
            self._lock = None
            raise
        return self

    def claim(self) -> Path:
        """Check, create and mark the folder without locking it: for a cache that many processes fill at
        once, each file written atomically under a name that says what it holds."""
        self.check()
        self.path.mkdir(parents=True, exist_ok=True)
        if read_marker(self.path) is None:
            self._write_marker(set())
        return self.path

    def __exit__(self, *exc: object) -> None:
        for staging in self._stagings:
            shutil.rmtree(staging, ignore_errors=True)
        self._stagings.clear()
        if self._lock is not None:
            self._lock.__exit__()
            self._lock = None

    # -- writing -----------------------------------------------------------------------------------

    def staging(self) -> Path:
        """A fresh, empty folder inside, for the files of one ``commit``."""
        self._require_owned()
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.path))
        self._stagings.append(staging)
        return staging

    def commit(self, staging: Path, *, replaces: Iterable[str] = (), last: Iterable[str] = ()) -> None:
        """Move every file of ``staging`` into the folder. Files this kind of command wrote before under
        the paths ``replaces`` names (a file, or a folder such as ``figures``) and that this commit does
        not write again are removed, so a folder never shows an old figure beside new tables. Files named
        in ``last`` are removed first and moved in last: while they are absent the result is incomplete.

        A file at one of the new paths that this command did not write is never overwritten: the commit
        stops before moving anything, says which file, and leaves the new files in ``staging``."""
        self._require_owned()
        new = _files_below(staging)
        recorded = set(read_marker(self.path)["files"])
        foreign = [p for p in new if (_exists(self.path / p) and p not in recorded) or _through_link(self.path, p)]
        if foreign:
            self._stagings.remove(staging)  # keep the new files for the user
            raise OutputError(f"{self.path / foreign[0]}: a file ecosim did not write is in the way; move it "
                              f"and run again (the new results are in {staging})")
        last = set(last)
        stale = [p for p in recorded if p not in new and any(_below(p, root) for root in replaces)]
        self._write_marker(recorded | set(new))  # first: a crash below leaves nothing unlisted
        for path in [p for p in new if p in last] + stale:
            _remove(self.path, path)
        for path in sorted(new, key=lambda p: p in last):
            target = self.path / path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / path, target)
        _remove_empty_folders(self.path, [*stale, *new])
        self._write_marker((recorded - set(stale)) | set(new))
        shutil.rmtree(staging, ignore_errors=True)
        self._stagings.remove(staging)

    def remove_own(self, paths: Iterable[str]) -> None:
        """Remove files this command wrote (relative paths listed in the marker); others are left."""
        self._require_owned()
        recorded = set(read_marker(self.path)["files"])
        gone = [p for p in paths if p in recorded]
        for path in gone:
            _remove(self.path, path)
        _remove_empty_folders(self.path, gone)
        self._write_marker(recorded - set(gone))

    # -- inside --------------------------------------------------------------------------------------

    def _require_owned(self) -> None:
        if self._lock is None:
            raise RuntimeError("OutputFolder used outside its with block")

    def _write_marker(self, files: set[str]) -> None:
        record = {"written_by": "ecosim", "kind": self.kind, "files": sorted(files)}
        write_text(self.path / MARKER_NAME, json.dumps(record, indent=1) + "\n")

    def _remove_leftovers(self) -> None:
        """Staging folders of a command killed before it finished (we hold the lock: nobody uses them).
        A staging folder is made only inside an owned folder, so it is ours."""
        for entry in self.path.glob(f"{STAGING_PREFIX}*"):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)


def read_marker(folder: Path) -> dict | None:
    """The folder's ownership record, or None when it has none (or one that is not ecosim's)."""
    path = folder / MARKER_NAME
    try:
        if path.is_symlink() or not path.is_file():
            return None
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("written_by") != "ecosim" or not isinstance(record.get("kind"), str):
        return None
    files = record.get("files")
    if not isinstance(files, list) or not all(isinstance(f, str) and _is_inside(f) for f in files):
        return None
    return record


def _is_inside(relative: str) -> bool:
    """A recorded path that stays inside its folder (a tampered marker must not name ../anything)."""
    parts = Path(relative).parts
    return bool(parts) and not Path(relative).is_absolute() and ".." not in parts


def _files_below(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _below(path: str, root: str) -> bool:
    return root in (EVERYTHING, "") or path == root or path.startswith(root.rstrip("/") + "/")


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _through_link(root: Path, relative: str) -> bool:
    """Whether reaching ``relative`` from ``root`` passes through a symbolic link (which may lead out)."""
    return any((root / parent).is_symlink() for parent in Path(relative).parents if parent != Path("."))


def _remove(root: Path, relative: str) -> None:
    """Remove one file below ``root``: never a folder, never through or at the target of a symbolic link."""
    if _through_link(root, relative):
        return
    path = root / relative
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)


def _remove_empty_folders(root: Path, paths: Iterable[str]) -> None:
    """Remove folders left empty by removed files, deepest first, never ``root`` itself."""
    folders = {parent for p in paths for parent in Path(p).parents if parent != Path(".")}
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        target = root / folder
        if target.is_dir() and not target.is_symlink() and not any(target.iterdir()):
            target.rmdir()
