"""A Gaussian retrained each generation on fresh real data mixed with its own (possibly biased) samples.

Bertrand et al., "On the stability of iterative retraining of generative models on their own data"
(ICLR 2024) and Alemohammad et al., "Self-consuming generative models go MAD" (ICLR 2024): with
n_r fresh real samples and n_s synthetic ones, w = n_s / N, N = n_r + n_s, the error of the mean
settles at s^2 / (N (1 - w^2)); if synthetic samples are drawn at variance lambda * s_hat^2
(lambda < 1: sampling bias toward quality, as low temperature), the variance settles at
s^2 (1-w) / (1 - lambda w) instead of s^2. Kazdan et al. (2024) compare data policies: the same
stream of batches trained on by replace, accumulate and accumulate-subsample.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ecosystem.learning.generative import GaussianMixtureModel
from ecosystem.learning.mixture import Mixture
from ecosystem.replication.common import (
    POLICIES,
    DataPool,
    check_choices,
    check_float,
    check_int,
    seed_generators,
    summarise,
)

ESTIMATORS = ("mle", "unbiased")
TRUE_STD = 1.0


def mixing(
    *,
    seed: int = 0,
    samples: int = 100,
    real_share: float = 0.5,
    temperature: float = 1.0,
    estimator: str = "mle",
    generations: int = 60,
    seeds: int = 200,
    policies: tuple[str, ...] = POLICIES,
) -> pl.DataFrame:
    """``samples`` is N per generation; quantities mean_error_sq (mu_n - mu)^2 and variance (fitted)."""
    samples = check_int("samples", samples, minimum=2)
    real_share = check_float("real_share", real_share, low=0.0, high=1.0)
    temperature = check_float("temperature", temperature, low=0.0, high=10.0, open_low=True)
    estimator = check_choices("estimator", estimator, ESTIMATORS)[0]
    generations = check_int("generations", generations, minimum=1)
    seeds = check_int("seeds", seeds, minimum=1)
    policies = check_choices("policies", policies, POLICIES)
    n_real = int(round(real_share * samples))
    frames = []
    for policy in policies:
        values = _simulate(seed, samples, n_real, temperature, estimator, generations, seeds, policy)
        theory, limit = None, None
        if policy == "replace":  # the closed forms are for training on the latest batch only
            theory = theory_curves(samples, n_real, temperature, estimator, generations)
            limit = published_limits(samples, n_real, temperature)
        frames.append(summarise(policy, values, theory=theory, limit=limit))
    return pl.concat(frames)


def _simulate(seed: int, n: int, n_real: int, temperature: float, estimator: str, generations: int,
              n_seeds: int, policy: str) -> dict[str, np.ndarray]:
    reality = Mixture(np.ones(1), np.zeros((1, 1)), np.full((1, 1, 1), TRUE_STD**2))
    shape = (n_seeds, generations + 1)
    err, var = np.zeros(shape), np.full(shape, TRUE_STD**2)
    for i, rng in enumerate(seed_generators(seed, n_seeds)):
        previous = reality.tempered(temperature)  # generation 0 is reality, sampled with the same bias
        pool = DataPool(policy, size=n)
        for g in range(1, generations + 1):
            real = reality.sample(n_real, rng)[0]
            synthetic = previous.sample(n - n_real, rng)[0]
            pool.add(np.concatenate([real, synthetic]))
            model = GaussianMixtureModel(n_components=1, reg_covar=0.0, temperature=temperature,
                                         variance_estimator=estimator)
            model.fit(pool.training_set(rng), rng=rng)
            err[i, g] = model.fitted_.means[0, 0] ** 2
            var[i, g] = model.fitted_.covariances[0, 0, 0]
            previous = model.distribution_
    return {"mean_error_sq": err, "variance": var}


def theory_curves(n: int, n_real: int, temperature: float, estimator: str,
                  generations: int) -> dict[str, np.ndarray]:
    """Exact expectations of (mu_n - mu)^2 and of the fitted variance under replace.

    With e = mu_{n-1} - mu, S = s_{n-1}^2, lambda = temperature, and E the expectation given the past:
      E[e_n^2] = (1-w)^2 s^2/n_r + w^2 e^2 + w^2 lambda S/n_s = (1-w) s^2/N + w^2 e^2 + w lambda S/N
      E[S_n]   = c ((1-w) s^2 + w lambda S) + k w (1-w) e^2
    where c = 1 - 1/N, k = 1 for the MLE and c = 1, k = N/(N-1) for the unbiased estimator (the last
    term is the spread between real and synthetic means). Both are linear, so expectations iterate
    exactly. Their fixed point equals the published forms up to terms of relative order 1/N.
    """
    w, s2, lam = (n - n_real) / n, TRUE_STD**2, temperature
    c, k = (1.0 - 1.0 / n, 1.0) if estimator == "mle" else (1.0, n / (n - 1.0))
    err, var = np.zeros(generations + 1), np.full(generations + 1, s2)
    for g in range(1, generations + 1):
        err[g] = (1 - w) * s2 / n + w**2 * err[g - 1] + w * lam * var[g - 1] / n
        var[g] = c * ((1 - w) * s2 + w * lam * var[g - 1]) + k * w * (1 - w) * err[g - 1]
    return {"mean_error_sq": err, "variance": var}


def published_limits(n: int, n_real: int, temperature: float) -> dict[str, float | None]:
    """The steady states as published: variance s^2 (1-w)/(1-lambda w), and the mean's error
    ((1-w) s^2 + w lambda S*) / (N (1-w^2)), which is s^2 / (N (1-w^2)) at lambda = 1.
    """
    w, s2, lam = (n - n_real) / n, TRUE_STD**2, temperature
    if n_real == 0 or lam * w >= 1.0:
        return {"mean_error_sq": None, "variance": None}  # no real data: no steady state
    variance = s2 * (1 - w) / (1 - lam * w)
    return {"mean_error_sq": ((1 - w) * s2 + w * lam * variance) / (n * (1 - w**2)), "variance": variance}
