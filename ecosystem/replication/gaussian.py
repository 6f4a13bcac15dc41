"""A Gaussian refitted, generation after generation, on samples of its own previous fit.

Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024):
with M samples per generation the variance of the maximum-likelihood fit shrinks in expectation by
(M-1)/M per generation, and even the unbiased estimator collapses (its standard deviation shrinks by
c4(M) per generation and its log-variance drifts down) while the mean wanders off as a random walk.
The model is the vendors' own ``GaussianMixtureModel`` with one component and ``reg_covar=0``.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.special import digamma, gammaln

from ecosystem.learning.generative import GaussianMixtureModel
from ecosystem.learning.mixture import Mixture
from ecosystem.replication.common import (
    POLICIES,
    DataPool,
    check_choices,
    check_int,
    seed_generators,
    summarise,
)

ESTIMATORS = ("mle", "unbiased")
TRUE_MEAN, TRUE_STD = 0.0, 1.0


def gaussian(
    *,
    seed: int = 0,
    samples: int = 100,
    generations: int = 100,
    seeds: int = 500,
    estimators: tuple[str, ...] = ESTIMATORS,
    policies: tuple[str, ...] = ("replace",),
) -> pl.DataFrame:
    """One arm per (estimator, policy); quantities variance, std, log_variance, mean_error_sq."""
    samples = check_int("samples", samples, minimum=2)
    generations = check_int("generations", generations, minimum=1)
    seeds = check_int("seeds", seeds, minimum=1)
    estimators = check_choices("estimators", estimators, ESTIMATORS)
    policies = check_choices("policies", policies, POLICIES)
    frames = []
    for estimator in estimators:
        for policy in policies:
            values = _simulate(seed, samples, generations, seeds, estimator, policy)
            theory = theory_curves(samples, generations, estimator) if policy == "replace" else None
            frames.append(summarise(f"{estimator}/{policy}", values, theory=theory))
    return pl.concat(frames)


def _simulate(seed: int, m: int, generations: int, n_seeds: int, estimator: str, policy: str) -> dict:
    reality = Mixture(np.ones(1), np.full((1, 1), TRUE_MEAN), np.full((1, 1, 1), TRUE_STD**2))
    shape = (n_seeds, generations + 1)
    var, mean = np.empty(shape), np.empty(shape)
    var[:, 0], mean[:, 0] = TRUE_STD**2, TRUE_MEAN
    for i, rng in enumerate(seed_generators(seed, n_seeds)):
        pool = DataPool(policy, size=m)
        pool.add(reality.sample(m, rng)[0])
        for n in range(1, generations + 1):
            model = GaussianMixtureModel(n_components=1, reg_covar=0.0, variance_estimator=estimator)
            model.fit(pool.training_set(rng), rng=rng)
            var[i, n], mean[i, n] = model.fitted_.covariances[0, 0, 0], model.fitted_.means[0, 0]
            if n < generations:
                pool.add(model.sample(m, rng=rng)[0])
    return {"variance": var, "std": np.sqrt(var), "log_variance": np.log(var),
            "mean_error_sq": (mean - TRUE_MEAN) ** 2}


def c4(m: int) -> float:
    """E[s] / sigma for the unbiased sample standard deviation s of m normal draws."""
    return float(np.sqrt(2.0 / (m - 1)) * np.exp(gammaln(m / 2) - gammaln((m - 1) / 2)))


def theory_curves(m: int, generations: int, estimator: str) -> dict[str, np.ndarray]:
    """Exact expectations under ``replace``.

    Each generation multiplies the variance by an independent chi2_{M-1}/k factor (k = M for the MLE,
    M-1 for the unbiased estimator), so moments of the product are powers of one generation's moments.
    The mean takes a step of variance s_{n-1}^2 / M, hence Var(mu_n - mu) = sum_{i<n} E[s_i^2] / M.
    """
    n = np.arange(generations + 1, dtype=np.float64)
    s2 = TRUE_STD**2
    k = m if estimator == "mle" else m - 1
    shrink = (m - 1) / k  # E[chi2_{M-1} / k]
    variance = s2 * shrink**n
    std = TRUE_STD * (c4(m) * np.sqrt((m - 1) / k)) ** n
    log_variance = np.log(s2) + n * (digamma((m - 1) / 2) + np.log(2.0 / k))
    if estimator == "mle":
        mean_error_sq = s2 * (1.0 - shrink**n)  # geometric sum of ((M-1)/M)^i / M
    else:
        mean_error_sq = s2 * n / m
    return {"variance": variance, "std": std, "log_variance": log_variance, "mean_error_sq": mean_error_sq}
