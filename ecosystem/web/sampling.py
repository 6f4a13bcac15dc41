"""Choosing pages in proportion to a weight (their site's rank), without a cap and without scanning the web.

Crawlers fetch pages the way search exposes them: a page is picked with probability proportional to its
weight, without replacement. Drawing rows uniformly and accepting each with probability w / w_max, then
keeping each row's first acceptance, is exactly successive sampling in proportion to w (each new distinct
page is chosen among the rest in proportion to its weight), and it costs O(n * w_max / mean w) whatever the
size of the web. Where the range is small, or acceptances are too rare, the exact Efraimidis-Spirakis keys
over the whole range give the same law.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

EXACT_BELOW = 8  # ranges at most this many times n are sampled exactly over every row
MAX_ROUNDS = 20

WeightOfRows = Callable[[np.ndarray], np.ndarray]


def weighted_rows(
    start: int, stop: int, n: int, *, weight: WeightOfRows, max_weight: float, rng: np.random.Generator
) -> np.ndarray:
    """Up to n distinct rows of [start, stop), in the order successive weighted sampling picks them.

    ``weight(rows)`` gives each row's non-negative weight; ``max_weight`` bounds it from above. Rows of
    weight 0 are never chosen; fewer than n rows come back only when fewer have a positive weight.
    """
    size = stop - start
    if n <= 0 or size <= 0 or max_weight <= 0:
        return np.empty(0, dtype=np.int64)
    if size > EXACT_BELOW * n:
        picked = _by_rejection(start, stop, n, weight=weight, max_weight=max_weight, rng=rng)
        if picked is not None:
            return picked
    return _exact(np.arange(start, stop), n, weight=weight, rng=rng)


def _by_rejection(
    start: int, stop: int, n: int, *, weight: WeightOfRows, max_weight: float, rng: np.random.Generator
) -> np.ndarray | None:
    accepted = np.empty(0, dtype=np.int64)
    batch, rate = 2 * n, 1.0
    for _ in range(MAX_ROUNDS):
        draws = rng.integers(start, stop, size=batch)
        keep = rng.random(batch) * max_weight < weight(draws)
        accepted = np.concatenate([accepted, draws[keep]])
        _, first = np.unique(accepted, return_index=True)
        if len(first) >= n:
            return accepted[np.sort(first)[:n]]
        rate = max(keep.mean(), 1.0 / batch)
        batch = int(min((n - len(first)) / rate * 1.5 + 64, 4 * (stop - start)))
    return None  # too few acceptances: the range may hold almost no allowed pages


def _exact(rows: np.ndarray, n: int, *, weight: WeightOfRows, rng: np.random.Generator) -> np.ndarray:
    """Efraimidis-Spirakis: the n largest log(u) / w are a weighted sample without replacement."""
    w = weight(rows)
    positive = w > 0
    rows, w = rows[positive], w[positive]
    keys = np.log(rng.random(len(rows))) / w
    n = min(n, len(rows))
    top = np.argpartition(-keys, n - 1)[:n] if n < len(rows) else np.arange(len(rows))
    return rows[top[np.argsort(-keys[top])]]
