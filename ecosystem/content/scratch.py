"""Files for a store's columns, so that the pages of a web larger than memory live on disk and the kernel's page
cache keeps the months being read.

Safety comes from what is made, not from what is found: each file is created in a new folder (``mkdtemp``: a
name no one else holds, readable by its owner only), mapped, unlinked and its folder removed at once. An unlinked
file lives as long as its mapping, so its disk space returns when the store is dropped or the process ends, even
killed; the folder exists only while a file is being made, so a run leaves nothing on disk that a later run could
take for its own. Only the folder just made is removed, with ``rmdir``: nothing another program put there.
"""

from __future__ import annotations

import mmap
import os
import tempfile
from pathlib import Path

PREFIX = "ecosim-store-"


class ScratchError(OSError):
    """The folder for a store's files cannot be made (a reservation too large for memory is another matter)."""


class ScratchFolder:
    """Where a store's file-backed columns are made: each in a folder of its own under ``parent`` (default: the
    system's temporary folder), which is gone again once the file is mapped."""

    def __init__(self, parent: str | os.PathLike | None = None) -> None:
        self.parent = Path(tempfile.gettempdir() if parent is None else parent)
        if not self.parent.is_dir():
            raise FileNotFoundError(f"store folder: no such folder: {self.parent}")
        self.mapped_bytes = 0  # the size of every mapping made (the files are sparse: disk holds the rows written)

    def map(self, nbytes: int) -> mmap.mmap:
        """A shared, writable mapping of a new sparse file of ``nbytes`` zero bytes, its file already unlinked."""
        try:
            folder = tempfile.mkdtemp(prefix=PREFIX, dir=self.parent)
        except OSError as err:
            raise ScratchError(f"store folder: cannot make a folder in {self.parent}: {err.strerror}") from None
        try:
            fd, name = tempfile.mkstemp(prefix="column-", dir=folder)  # O_EXCL: a file this run made
            try:
                os.ftruncate(fd, nbytes)  # a hole: no disk until written
                buffer = mmap.mmap(fd, nbytes, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ | mmap.PROT_WRITE)
            finally:
                os.unlink(name)
                os.close(fd)
        finally:
            os.rmdir(folder)  # the folder just made, empty again
        self.mapped_bytes += nbytes
        return buffer
