"""The text every page carries, as token ids in one growing int32 array with an offset per page row.

Kept beside the document store and aligned with its rows (page ``i`` of the store is text ``i`` here), so a
vendor's training set is one gather of ids, never Python strings per page. Pages arrive in time order, so
the array only grows at its end; it doubles its room when full, so appending costs what the new text costs.
"""

from __future__ import annotations

import numpy as np

from ecosystem.learning.tokens import TokenDocs


class PageTexts:
    """Append-only ragged columns: ``ids`` (every page's tokens end to end) and ``offsets`` (pages + 1)."""

    def __init__(self, *, capacity_tokens: int = 1 << 16, capacity_pages: int = 1 << 12) -> None:
        self._ids = np.empty(capacity_tokens, dtype=np.int32)
        self._offsets = np.zeros(capacity_pages + 1, dtype=np.int64)
        self._pages = 0

    def __len__(self) -> int:
        return self._pages

    @property
    def n_tokens(self) -> int:
        return int(self._offsets[self._pages])

    def append(self, docs: TokenDocs) -> None:
        """The texts of the next ``len(docs)`` pages."""
        start, tokens = self._pages, self.n_tokens
        self._ids = _room(self._ids, tokens + docs.n_tokens)
        self._offsets = _room(self._offsets, start + len(docs) + 1)
        self._ids[tokens:tokens + docs.n_tokens] = docs.ids
        self._offsets[start + 1:start + len(docs) + 1] = tokens + docs.offsets[1:]
        self._pages += len(docs)

    def take(self, rows: np.ndarray) -> TokenDocs:
        """The texts of the pages at ``rows`` (in that order)."""
        return self.all().take(rows)

    def all(self) -> TokenDocs:
        return TokenDocs(self._ids[:self.n_tokens], self._offsets[:self._pages + 1])

    @property
    def nbytes(self) -> int:
        """Bytes the texts held use (ids and offsets), not the room reserved."""
        return self.n_tokens * 4 + (self._pages + 1) * 8


def _room(array: np.ndarray, needed: int) -> np.ndarray:
    """``array``, moved to one twice as large (or as large as needed) when it holds fewer than ``needed``."""
    if needed <= len(array):
        return array
    grown = np.empty(max(needed, 2 * len(array)), dtype=array.dtype)
    grown[:len(array)] = array
    return grown
