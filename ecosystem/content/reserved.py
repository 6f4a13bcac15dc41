"""Arrays that grow in place: address space reserved up front, memory committed only as rows are written.

A store that grows by copying holds its old and new arrays together at each growth, so its peak is well
above what its rows need. Reserving address space for many rows (an anonymous mapping the kernel does not
count against memory until it is touched) lets a column grow to its last row without a copy; the resident
memory is the rows written, rounded up to a page. Given a ``ScratchFolder``, the reservation is a sparse file
mapped shared instead: the rows written go to disk, and the page cache keeps those being read.
"""

from __future__ import annotations

import mmap
import platform
import sys

import numpy as np

from ecosystem.content.scratch import ScratchError, ScratchFolder

# Linux's MAP_NORESERVE (Python exposes it only from 3.12): a reservation larger than the machine's memory is
# granted, since only the pages written are ever backed.
_NORESERVE = getattr(mmap, "MAP_NORESERVE", 0x4000 if sys.platform == "linux"
                     and platform.machine() in ("x86_64", "AMD64", "aarch64", "arm64") else 0)

_HUGE = 4 * 2**20  # numpy's own threshold for asking for transparent huge pages


def reserve(rows: int, dtype: np.dtype | type, *, width: int | None = None, least: int = 1,
            scratch: ScratchFolder | None = None) -> np.ndarray:
    """An array of ``rows`` zero rows (each of ``width`` values, or one value) whose memory is committed as it
    is written (in a file of ``scratch``, if given). If the system refuses that much address space, the largest
    reservation of at least ``least`` rows it grants, halving; MemoryError if not even that."""
    dtype = np.dtype(dtype)
    per_row = dtype.itemsize * (width or 1)
    while True:
        try:
            nbytes = max(rows * per_row, 1)
            buffer = _map(nbytes) if scratch is None else scratch.map(nbytes)
            break
        except ScratchError:  # no folder to put any reservation in: halving would not help
            raise
        except (OSError, ValueError, OverflowError):
            if rows // 2 < least:
                raise MemoryError(f"could not reserve {rows:,} rows of {per_row} bytes") from None
            rows //= 2
    array = np.frombuffer(buffer, dtype=dtype, count=rows * (width or 1))
    return array if width is None else array.reshape(rows, width)


def _map(nbytes: int) -> mmap.mmap | np.ndarray:
    if not hasattr(mmap, "MAP_ANONYMOUS"):  # Windows: ordinary memory, which most systems commit when written
        return np.zeros(nbytes, dtype=np.uint8)
    buffer = mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | _NORESERVE)
    if nbytes >= _HUGE and hasattr(mmap, "MADV_HUGEPAGE"):  # as numpy asks for its large arrays: random reads
        buffer.madvise(mmap.MADV_HUGEPAGE)  # (crawl picks, training gathers) then miss the TLB far less
    return buffer
