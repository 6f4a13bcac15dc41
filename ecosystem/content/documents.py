"""The columnar document store: every page on the simulated web, as numpy arrays that grow in place.

Documents are rows, never Python objects. Rows are appended in time order, so the pages created in a
month form one contiguous slice; that is what keeps a month's cost proportional to its new pages, and it
makes a page's month a fact of its row (read from where months begin, not stored). Columns live in reserved
address space (``reserved.reserve``), so growing never copies the web, and each is as narrow as its values
allow: a large run's memory is its pages' bytes, at most 59 per page with 8 dimensions. A column's rows are
written only if they are not all zero (its reservation starts as zeros), so a column a scenario never sets
(watermarks, signatures) costs no memory. Given a ``ScratchFolder``, the columns are files on disk instead.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from ecosystem.content.reserved import reserve
from ecosystem.content.scratch import ScratchFolder


class Origin(IntEnum):
    HUMAN = 0
    ASSISTED = 1  # a human's document written with an AI assistant
    FARM = 2
    VENDOR = 3  # published by a vendor itself

    @classmethod
    def synthetic(cls) -> tuple[Origin, ...]:
        return (cls.ASSISTED, cls.FARM, cls.VENDOR)


class PageKind(IntEnum):
    """What a page is, as studies sample it: Graphite's articles (blogs, news, farms' and vendors' pages), the
    posts of a Q&A community (Stack Overflow) or the rest of a crawl (shops, listings, directories, forums); a
    Common-Crawl-like crawl holds all three."""

    ARTICLE = 0
    QA = 1
    OTHER = 2


NO_VENDOR = -1
NO_TOPIC = -1
NO_KEY = -1  # watermark key of an unmarked page


MAX_ROWS = 2**31 - 1  # row indices fit in int32 (the crawl index by site stores them so)
RESERVED_ROWS = 2**30  # address space reserved per column up front: a billion pages grow without a copy


class DocumentStore:
    """Append-only columns: vector, origin, vendor, topic, month, site, lineage depth, tokens, the
    watermark key (the marking vendor's index, or NO_KEY) with the share of the mark that survived
    edits, whether the page carries a provenance signature, the share of its text a model wrote
    (0 for human pages, 1 for farm and vendor pages, in between for assisted ones) and its ``PageKind``.

    ``capacity`` rows are reserved up front; a store that outgrows them moves once to a reservation twice as
    large (the only copy it ever makes). ``column("month")`` is computed from where each month begins. With a
    ``scratch`` folder, every column is a file-backed mapping in it (a web larger than memory)."""

    _COLUMNS = {
        "origin": np.int8,
        "vendor": np.int8,  # at most 50 vendors (ScenarioConfig.vendors), NO_VENDOR = -1
        "topic": np.int16,  # at most 500 topics at the start, plus those reality adds
        "site": np.int32,
        "lineage": np.float32,
        "tokens": np.int32,
        "wm_key": np.int8,  # a vendor's index, or NO_KEY
        "wm_survival": np.float32,
        "signed": np.bool_,
        "ai_share": np.float32,
        "kind": np.int8,
    }

    def __init__(self, dim: int, *, capacity: int = RESERVED_ROWS, scratch: ScratchFolder | None = None) -> None:
        self.dim = dim
        self.scratch = scratch
        self.size = 0
        self.n_synthetic = 0  # kept as rows arrive, so the web's synthetic share costs nothing to read
        self._allocate(capacity)
        self._month_starts: list[int] = []  # row where each month begins

    def _allocate(self, capacity: int) -> None:
        """Reserve room for ``capacity`` rows (or as many as the system grants, at least the rows held)."""
        least = max(self.size, 1)
        vectors = reserve(capacity, np.float32, width=self.dim, least=least, scratch=self.scratch)
        columns = {name: reserve(len(vectors), dtype, least=least, scratch=self.scratch)
                   for name, dtype in self._COLUMNS.items()}
        if self.size:  # outgrown: the one copy
            vectors[: self.size] = self._vectors[: self.size]
            for name, column in columns.items():
                column[: self.size] = self._columns[name][: self.size]
        self._vectors, self._columns = vectors, columns
        self._capacity = min(len(vectors), *(len(c) for c in columns.values()))

    def __len__(self) -> int:
        return self.size

    @property
    def capacity(self) -> int:
        """Rows the store holds before it must move to a larger reservation."""
        return self._capacity

    @property
    def vectors(self) -> np.ndarray:
        return self._vectors[: self.size]

    def column(self, name: str) -> np.ndarray:
        if name == "month":
            return self._months()
        return self._columns[name][: self.size]

    def _months(self) -> np.ndarray:
        """Each row's month, from where months begin (every row's month has begun: ``append`` sees to it)."""
        lengths = np.diff(np.array([*self._month_starts, self.size], dtype=np.int64))
        return np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)

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
        """Append pages of ``month`` (the month begun last, or a later one, which then begins);
        ``ai_share`` defaults to 0 for human pages and 1 for the others."""
        if month < len(self._month_starts) - 1:
            raise ValueError(f"pages of month {month} appended after month {len(self._month_starts) - 1} began; "
                             "a month's pages are one slice of rows")
        self.begin_month(month)
        n = len(vectors)
        self._reserve(self.size + n)
        rows = slice(self.size, self.size + n)
        self._vectors[rows] = vectors
        values = {"origin": origin, "vendor": vendor, "topic": topic, "site": site,
                  "lineage": lineage, "tokens": tokens, "wm_key": wm_key, "wm_survival": wm_survival,
                  "signed": signed, "kind": kind,
                  "ai_share": np.asarray(origin) != Origin.HUMAN if ai_share is None else ai_share}
        for name in ("vendor", "topic", "wm_key"):
            _check_fits(name, values[name], self._COLUMNS[name])
        for name, value in values.items():
            stored = np.asarray(value, dtype=self._COLUMNS[name])
            if not _all_zero_bits(stored):  # all-zero rows are left as the reservation's zeros
                self._columns[name][rows] = stored
        self.size += n
        self.n_synthetic += int(self.synthetic_mask(rows).sum())
        return rows

    def _reserve(self, needed: int) -> None:
        if needed <= self._capacity:
            return
        if needed > MAX_ROWS:
            raise MemoryError(f"the store holds at most {MAX_ROWS:,} pages (row indices are int32); {needed:,} asked")
        self._allocate(min(MAX_ROWS, max(needed, 2 * self._capacity)))

    def synthetic_mask(self, rows: slice | np.ndarray) -> np.ndarray:
        return self._columns["origin"][: self.size][rows] != Origin.HUMAN

    def __getstate__(self) -> dict[str, object]:
        """Pickle the rows held, not the reservation."""
        state = dict(vars(self))
        state["_vectors"] = self.vectors.copy()
        state["_columns"] = {name: self.column(name).copy() for name in self._columns}
        state["scratch"] = None  # a copy lives in memory
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        vars(self).update(state)
        self._allocate(max(self.size, RESERVED_ROWS))


def _all_zero_bits(values: np.ndarray) -> bool:
    """Whether every value is stored as zero bytes (a float -0.0 is not: its sign bit is set)."""
    return not np.ascontiguousarray(np.atleast_1d(values)).view(np.uint8).any()


def _check_fits(name: str, value: int | np.ndarray, dtype: type) -> None:
    """Values of a narrow integer column must fit it (numpy would wrap them silently)."""
    value = np.asarray(value)
    if value.size == 0:
        return
    info = np.iinfo(dtype)
    low, high = value.min(), value.max()
    if low < info.min or high > info.max:
        raise OverflowError(f"{name}: values {low}..{high} do not fit the store's {np.dtype(dtype).name} column")
