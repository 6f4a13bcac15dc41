"""The store's pages grouped by site, month by month, so a crawler picks pages by their site's weight
without touching the rest of the web.

A crawl draws pages in proportion to their site's search weight. Drawing a site in proportion to its
weight times its number of pages in the range, then one of those pages uniformly, draws each page in
proportion to its site's weight exactly, at a cost that depends on the number of sites and draws, not on
the number of pages (a rejection sampler over rows costs max / mean weight draws a page, and that ratio
grows with the web). Months are indexed once, when they are complete.
"""

from __future__ import annotations

import numpy as np

from ecosystem.content.documents import DocumentStore
from ecosystem.content.reserved import reserve


class SitePages:
    """For months ``[0, sealed)``: the rows of each month sorted by site, and per site and month the
    number of its pages before that month (``cum``) and where its rows of the month begin in that order
    (``first``). A site's months are contiguous in memory, so finding a page's month reads a few cache lines.
    Rows and counts are int32 (the store holds at most ``MAX_ROWS`` pages), and the rows grow in place in as
    much reserved address space as the store's (on disk beside the store's columns, if they are), so indexing
    never copies them."""

    def __init__(self, store: DocumentStore) -> None:
        self.store = store
        self.sealed = 0  # months indexed
        # month by month, each month's rows sorted by site
        self._rows = reserve(store.capacity, np.int32, scratch=store.scratch)
        self._cum = np.zeros((0, 1), dtype=np.int32)  # (sites, months + 1): pages of a site in months < m
        self._first = np.zeros((0, 0), dtype=np.int32)  # (sites, months): position in _rows of its first row
        self._sites = 0
        self._sealed_stop = 0  # the store's size when the last month was indexed

    def seal(self, months: int) -> None:
        """Index months up to ``months`` (exclusive). They must be complete: crawls come after every page of
        their month is published (``EcosystemModel.step``), and a page added later is an error."""
        store = self.store
        if self.sealed and store.month_rows(self.sealed - 1, self.sealed - 1).stop != self._sealed_stop:
            raise RuntimeError(f"pages were added to month {self.sealed - 1} after it was indexed")
        for month in range(self.sealed, months):
            rows = store.month_rows(month, month)
            site = store.column("site")[rows]
            order = np.argsort(site, kind="stable")
            self._grow(month + 1, int(site.max(initial=-1)) + 1)
            counts = np.bincount(site, minlength=self._sites)
            self._cum[: self._sites, month + 1] = self._cum[: self._sites, month] + counts
            self._first[: self._sites, month] = rows.start + np.cumsum(counts) - counts
            if len(self._rows) < rows.stop:  # the store outgrew its reservation, and so must the index
                self._rows = _moved(self._rows, max(rows.stop, store.capacity), self._sealed_stop, store)
            self._rows[rows] = rows.start + order
            self.sealed, self._sealed_stop = month + 1, rows.stop

    def counts(self, first_month: int, stop_month: int, n_sites: int) -> np.ndarray:
        """Pages of each site in months ``[first_month, stop_month)``, for ``n_sites`` sites."""
        out = np.zeros(n_sites, dtype=np.int64)
        have = min(n_sites, self._sites)
        out[:have] = self._cum[:have, stop_month] - self._cum[:have, first_month]
        return out

    def pick(self, sites: np.ndarray, nth: np.ndarray, first_month: int, stop_month: int) -> np.ndarray:
        """The ``nth`` page (0-based, in row order by month) of each given site within the months."""
        cum = self._cum
        target = cum[sites, first_month] + nth
        lo = np.full(len(sites), first_month)
        hi = np.full(len(sites), stop_month)  # invariant: cum[lo] <= target < cum[hi]
        while (hi - lo > 1).any():
            mid = (lo + hi) // 2
            right = cum[sites, mid] <= target
            lo, hi = np.where(right, mid, lo), np.where(right, hi, mid)
        return self._rows[self._first[sites, lo] + (target - cum[sites, lo])]

    def _grow(self, months: int, sites: int) -> None:
        """Room for ``months`` months and ``sites`` sites (capacities double); sites new to the index had no
        pages before, so their counts start at zero."""
        self._sites = max(sites, self._sites)
        site_cap, month_cap = self._cum.shape
        if months + 1 <= month_cap and self._sites <= site_cap:
            return
        month_cap = max(months + 1, 2 * month_cap) if months + 1 > month_cap else month_cap
        site_cap = max(self._sites, 2 * site_cap) if self._sites > site_cap else site_cap
        cum = np.zeros((site_cap, month_cap), dtype=np.int32)
        first = np.zeros((site_cap, month_cap), dtype=np.int32)
        cum[: self._cum.shape[0], : self._cum.shape[1]] = self._cum
        first[: self._first.shape[0], : self._first.shape[1]] = self._first
        self._cum, self._first = cum, first


def _moved(rows: np.ndarray, capacity: int, held: int, store: DocumentStore) -> np.ndarray:
    """A larger reservation holding the first ``held`` rows."""
    moved = reserve(capacity, rows.dtype, least=capacity, scratch=store.scratch)
    moved[:held] = rows[:held]
    return moved
