"""Small statistics for comparing runs over seeds: a mean with its t-interval, and a paired difference.

Seeds are common to every scenario of a comparison (common random numbers), so differences are taken
seed by seed and their mean gets a one-sample t-interval: far narrower than comparing two means.
NaN values (a metric a run did not produce) are left out, pairwise for differences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats


@dataclass(frozen=True)
class Estimate:
    """A mean and its two-sided confidence interval; ``low``/``high`` are NaN with fewer than 2 values."""

    mean: float
    low: float
    high: float
    n: int


def mean_ci(values: ArrayLike, *, level: float = 0.95, within: tuple[float, float] | None = None) -> Estimate:
    """Mean with the Student-t interval ``mean +- t_{n-1} * s / sqrt(n)``, cut to ``within`` (a share's [0, 1]:
    on a few seeds near a bound the t-interval passes it)."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    x = np.asarray(values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if n == 1:
        return Estimate(mean, math.nan, math.nan, 1)
    half = float(stats.t.ppf(0.5 + level / 2, df=n - 1) * x.std(ddof=1) / math.sqrt(n))
    low, high = mean - half, mean + half
    if within is not None:
        low, high = max(low, within[0]), min(high, within[1])
    return Estimate(mean, low, high, n)


def median_ci(values: ArrayLike, *, level: float = 0.95, resamples: int = 10_000, seed: int = 0) -> Estimate:
    """Median with a percentile bootstrap interval: for heavy-tailed values (log-ratios of collapse) where
    one seed can move a mean and its t-interval. ``seed`` fixes the resamples, so the interval is
    reproducible. The ``mean`` field of the result holds the median."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    x = np.asarray(values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    n = len(x)
    if n < 2:
        return Estimate(float(x[0]) if n else math.nan, math.nan, math.nan, n)
    draws = np.random.default_rng(seed).integers(0, n, size=(resamples, n))
    medians = np.median(x[draws], axis=1)
    low, high = np.quantile(medians, [0.5 - level / 2, 0.5 + level / 2])
    return Estimate(float(np.median(x)), float(low), float(high), n)


def paired_difference(treatment: ArrayLike, control: ArrayLike, *, level: float = 0.95) -> Estimate:
    """Mean of ``treatment - control`` taken pair by pair (same seed), with its t-interval."""
    a = np.asarray(treatment, dtype=float).ravel()
    b = np.asarray(control, dtype=float).ravel()
    if a.shape != b.shape:
        raise ValueError(f"paired samples must have the same length, got {len(a)} and {len(b)}")
    return mean_ci(a - b, level=level)
