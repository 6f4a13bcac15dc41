"""Linear regression retrained on labels produced by its previous generation: replace vs accumulate.

Gerstgrasser et al., "Is model collapse inevitable? Breaking the curse of recursion by accumulating
real and synthetic data" (2024). A fixed design X (T x d, rows N(0, I)) is relabelled each generation
by the last model plus noise of variance s^2. Replacing the data makes the test error grow linearly,
s^2 d n / (T-d-1); accumulating it keeps the error below pi^2/6 times the first generation's,
s^2 d/(T-d-1) sum_{i<=n} 1/i^2. The rows each generation trains on are chosen by the vendors' data
policy (``training_indices``). The fit is ordinary least squares solved by ``numpy.linalg.lstsq``: what
scikit-learn's ``LinearRegression(fit_intercept=False)`` computes, without its per-call input checks,
which dominated the run time (the power tests fit thousands of chains).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ecosystem.replication.common import (
    POLICIES,
    DataPool,
    check_choices,
    check_float,
    check_int,
    seed_generators,
    summarise,
)


def regression(
    *,
    seed: int = 0,
    samples: int = 50,
    dim: int = 5,
    noise: float = 1.0,
    generations: int = 30,
    seeds: int = 200,
    policies: tuple[str, ...] = POLICIES,
) -> pl.DataFrame:
    """``samples`` is T, the rows of the design; quantity test_error = ||w_n - w*||^2 (excess test MSE)."""
    dim = check_int("dim", dim, minimum=1)
    samples = check_int("samples", samples, minimum=dim + 2)
    noise = check_float("noise", noise, low=0.0, high=1e6, open_low=True)
    generations = check_int("generations", generations, minimum=1)
    seeds = check_int("seeds", seeds, minimum=1)
    policies = check_choices("policies", policies, POLICIES)
    frames = []
    for policy in policies:
        error = _simulate(seed, samples, dim, noise, generations, seeds, policy)
        theory, limit = theory_curve(samples, dim, noise, generations, policy)
        frames.append(summarise(policy, {"test_error": error}, theory={"test_error": theory},
                                limit={"test_error": limit}))
    return pl.concat(frames)


def _simulate(seed: int, t: int, d: int, noise: float, generations: int, n_seeds: int,
              policy: str) -> np.ndarray:
    error = np.zeros((n_seeds, generations + 1))  # generation 0 is the truth itself
    for i, rng in enumerate(seed_generators(seed, n_seeds)):
        design = rng.standard_normal((t, d))
        w_true = rng.standard_normal(d)
        w = w_true
        pool = DataPool(policy, size=t)
        for n in range(1, generations + 1):
            labels = design @ w + noise * rng.standard_normal(t)
            pool.add(np.column_stack([design, labels]))
            train = pool.training_set(rng)
            w = np.linalg.lstsq(train[:, :d], train[:, d], rcond=None)[0]
            error[i, n] = float(np.sum((w - w_true) ** 2))
    return error


def theory_curve(t: int, d: int, noise: float, generations: int,
                 policy: str) -> tuple[np.ndarray | None, float | None]:
    """Expected excess test error per generation, and its limit (accumulate only).

    With A = (X'X)^-1 X', generation n's error is e_n = e_{n-1} + A eps_n under replace and
    e_n = e_{n-1} + A eps_n / n under accumulate (the OLS fit on n stacked copies of X averages the n
    label vectors). E||A eps||^2 = s^2 E tr((X'X)^-1) = s^2 d / (T-d-1) for Gaussian rows (inverse
    Wishart mean), and the steps are independent, so their variances add.
    """
    n = np.arange(generations + 1, dtype=np.float64)
    first = noise**2 * d / (t - d - 1) if t - d - 1 > 0 else np.inf
    if policy == "replace":
        return first * n, None
    if policy == "accumulate":
        inverse_squares = np.concatenate([[0.0], np.cumsum(1.0 / n[1:] ** 2)])
        return first * inverse_squares, first * np.pi**2 / 6
    return None, None
