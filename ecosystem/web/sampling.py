"""Choosing pages in proportion to their site's weight (its rank), without a cap and without scanning the web.

Crawlers fetch pages the way search exposes them: a page is picked with probability proportional to its
weight, without replacement. Drawing pages with replacement in proportion to their weight and keeping each
page's first draw is exactly successive sampling in proportion to the weight (each new distinct page is
chosen among the rest in proportion to its weight). Where the range is small, the exact Efraimidis-Spirakis
keys over every page give the same law. Rows come back as int32 (the store's row indices fit it): crawlers keep
every page they fetched, so a crawl's rows are a few bytes per page of the web.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ecosystem.content.site_pages import SitePages

EXACT_BELOW = 8  # ranges of at most this many times n pages are sampled exactly over every page
MAX_ROUNDS = 20

WeightOfRows = Callable[[np.ndarray], np.ndarray]


def _exact(rows: np.ndarray, n: int, *, weight: WeightOfRows, rng: np.random.Generator) -> np.ndarray:
    """Efraimidis-Spirakis: the n largest log(u) / w are a weighted sample without replacement."""
    w = weight(rows)
    positive = w > 0
    rows, w = rows[positive], w[positive]
    keys = np.log(rng.random(len(rows))) / w
    n = min(n, len(rows))
    top = np.argpartition(-keys, n - 1)[:n] if n < len(rows) else np.arange(len(rows))
    return rows[top[np.argsort(-keys[top])]]


def weighted_pages(
    pages: SitePages, first_month: int, stop_month: int, n: int, *, site_weight: np.ndarray,
    page_factor: WeightOfRows | None = None, rng: np.random.Generator,
) -> np.ndarray:
    """Up to n distinct pages published in months ``[first_month, stop_month)``, in the order successive
    sampling picks them, each in proportion to its site's ``site_weight`` times ``page_factor(rows)`` (at
    most 1; default 1).

    Draws with replacement, a site by its weight times its pages in the range and then one of its pages
    uniformly, accepted with probability ``page_factor``; each page's first draw is kept. That is exactly
    successive weighted sampling, at a cost of O(sites + n) whatever the number of pages.
    """
    pages.seal(stop_month)
    counts = pages.counts(first_month, stop_month, len(site_weight))
    mass = np.where(site_weight > 0, site_weight, 0.0) * counts
    available = int(counts[mass > 0].sum())
    if n <= 0 or available == 0:
        return np.empty(0, dtype=np.int32)
    if available <= EXACT_BELOW * n:  # a small range: exact keys over each of its pages
        span = pages.store.month_rows(first_month, stop_month - 1)
        site = pages.store.column("site")

        def weight(rows: np.ndarray) -> np.ndarray:
            w = site_weight[site[rows]]
            return w if page_factor is None else w * page_factor(rows)

        return _exact(np.arange(span.start, span.stop, dtype=np.int32), n, weight=weight, rng=rng)
    cdf = np.cumsum(mass)
    picked: list[np.ndarray] = []  # each round's new pages, in draw order
    seen = np.empty(0, dtype=np.int64)  # every page picked so far, sorted
    batch, rate = int(n * 1.1) + 64, 1.0
    for _ in range(MAX_ROUNDS):
        sites = np.minimum(cdf.searchsorted(rng.random(batch) * cdf[-1], side="right"), len(cdf) - 1)
        nth = np.minimum((rng.random(batch) * counts[sites]).astype(np.int64), counts[sites] - 1)
        rows = pages.pick(sites, nth, first_month, stop_month)
        if page_factor is not None:
            keep = rng.random(batch) < page_factor(rows)
            rate, rows = max(keep.mean(), 1.0 / batch), rows[keep]
        new = _first_draws(rows, seen)
        picked.append(new)
        seen = np.sort(np.concatenate([seen, new]), kind="stable")  # two sorted runs: a merge
        if len(seen) >= n:
            break
        batch = int((n - len(seen)) / rate * 1.5 + 64)
    return np.concatenate(picked)[:n]  # after MAX_ROUNDS: most pages of a tiny range drawn


def _first_draws(rows: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """The first draw of each page in ``rows`` not already in ``seen`` (sorted), in draw order."""
    _, first = np.unique(rows, return_index=True)
    rows = rows[np.sort(first)]
    if len(seen):
        rows = rows[seen[np.minimum(seen.searchsorted(rows), len(seen) - 1)] != rows]
    return rows
