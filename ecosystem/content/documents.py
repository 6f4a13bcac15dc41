"""The columnar document store: every page on the simulated web, as numpy arrays grown in chunks.

Documents are rows, never Python objects. Rows are appended in time order, so the pages created in a
month form one contiguous slice; that is what keeps a month's cost proportional to its new pages.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Origin(IntEnum):
    HUMAN = 0
    ASSISTED = 1  # a human's document written with an AI assistant
    FARM = 2
    VENDOR = 3  # published by a vendor itself

    @classmethod
    def synthetic(cls) -> tuple[Origin, ...]:
        return (cls.ASSISTED, cls.FARM, cls.VENDOR)


class PageKind(IntEnum):
    """What a page is, as studies sample it: Graphite's articles (blogs, news, farms' and vendors' pages) or the
    posts of a Q&A community (Stack Overflow); a Common-Crawl-like crawl holds both."""

    ARTICLE = 0
    QA = 1


NO_VENDOR = -1
NO_TOPIC = -1
NO_KEY = -1  # watermark key of an unmarked page


class DocumentStore:
    """Append-only columns: vector, origin, vendor, topic, month, site, lineage depth, tokens, the
    watermark key (the marking vendor's index, or NO_KEY) with the share of the mark that survived
    edits, whether the page carries a provenance signature, the share of its text a model wrote
    (0 for human pages, 1 for farm and vendor pages, in between for assisted ones) and its ``PageKind``."""

    _COLUMNS = {
        "origin": np.int8,
        "vendor": np.int16,
        "topic": np.int32,
        "month": np.int32,
        "site": np.int32,
        "lineage": np.float32,
        "tokens": np.int32,
        "wm_key": np.int16,
        "wm_survival": np.float32,
        "signed": np.bool_,
        "ai_share": np.float32,
        "kind": np.int8,
    }

    def __init__(self, dim: int, *, chunk: int = 65_536) -> None:
        self.dim = dim
        self.chunk = chunk
        self.size = 0
        self.n_synthetic = 0  # kept as rows arrive, so the web's synthetic share costs nothing to read
        self._capacity = chunk
        self._vectors = np.empty((chunk, dim), dtype=np.float32)
        self._columns = {name: np.empty(chunk, dtype=dtype) for name, dtype in self._COLUMNS.items()}
        self._month_starts: list[int] = []  # row where each month begins

    def __len__(self) -> int:
        return self.size

    @property
    def vectors(self) -> np.ndarray:
        return self._vectors[: self.size]

    def column(self, name: str) -> np.ndarray:
        return self._columns[name][: self.size]

    def begin_month(self, step: int) -> None:
        while len(self._month_starts) <= step:
            self._month_starts.append(self.size)

    def month_rows(self, first_step: int, last_step: int | None = None) -> slice:
        """Rows created in steps first_step..last_step (inclusive; default: up to now)."""
        starts = self._month_starts
        first = starts[first_step] if 0 <= first_step < len(starts) else (0 if first_step < 0 else self.size)
        stop = self.size if last_step is None or last_step + 1 >= len(starts) else starts[last_step + 1]
        return slice(first, stop)

    def append(
        self,
        vectors: np.ndarray,
        *,
        origin: Origin | np.ndarray,
        month: int,
        site: np.ndarray,
        tokens: np.ndarray,
        vendor: int | np.ndarray = NO_VENDOR,
        topic: int | np.ndarray = NO_TOPIC,
        lineage: float | np.ndarray = 0.0,
        wm_key: int | np.ndarray = NO_KEY,
        wm_survival: float | np.ndarray = 0.0,
        signed: bool | np.ndarray = False,
        ai_share: float | np.ndarray | None = None,
        kind: int | np.ndarray = PageKind.ARTICLE,
    ) -> slice:
        """Append pages; ``ai_share`` defaults to 0 for human pages and 1 for the others."""
        n = len(vectors)
        self._reserve(self.size + n)
        rows = slice(self.size, self.size + n)
        self._vectors[rows] = vectors
        values = {"origin": origin, "vendor": vendor, "topic": topic, "month": month, "site": site,
                  "lineage": lineage, "tokens": tokens, "wm_key": wm_key, "wm_survival": wm_survival,
                  "signed": signed, "kind": kind,
                  "ai_share": np.asarray(origin) != Origin.HUMAN if ai_share is None else ai_share}
        for name, value in values.items():
            self._columns[name][rows] = value
        self.size += n
        self.n_synthetic += int(self.synthetic_mask(rows).sum())
        return rows

    def _reserve(self, needed: int) -> None:
        if needed <= self._capacity:
            return
        capacity = self._capacity
        while capacity < needed:
            capacity += max(self.chunk, capacity // 2)
        self._vectors = _grow(self._vectors, capacity)
        self._columns = {name: _grow(col, capacity) for name, col in self._columns.items()}
        self._capacity = capacity

    def synthetic_mask(self, rows: slice | np.ndarray) -> np.ndarray:
        return self._columns["origin"][: self.size][rows] != Origin.HUMAN


def _grow(array: np.ndarray, capacity: int) -> np.ndarray:
    grown = np.empty((capacity, *array.shape[1:]), dtype=array.dtype)
    grown[: len(array)] = array
    return grown
