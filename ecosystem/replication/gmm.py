"""A two-component Gaussian mixture refitted by EM on samples of its own previous fit.

Shumailov et al. (Nature 2024, Extended Data: GMM with 1,000 samples per generation over 2,000
generations): statistical error alone makes the mixture lose its spread; components narrow, their
weights drift, and the model converges toward a narrow point estimate. No closed form exists, so the
table reports what to watch: total and within-component variance, separation, the smaller weight and
the negative log-likelihood of held-out real data (the paper's perplexity).
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
    check_int,
    seed_generators,
    summarise,
)

HALF_SEPARATION = 2.0  # reality: two unit-variance blobs at (-2, 0) and (2, 0), equal weights
HELD_OUT = 1000


def reality() -> Mixture:
    means = np.array([[-HALF_SEPARATION, 0.0], [HALF_SEPARATION, 0.0]])
    return Mixture(np.full(2, 0.5), means, np.broadcast_to(np.eye(2), (2, 2, 2)).copy())


def gmm(
    *,
    seed: int = 0,
    samples: int = 1000,
    generations: int = 2000,
    seeds: int = 3,
    policies: tuple[str, ...] = ("replace",),
) -> pl.DataFrame:
    """One arm per policy; quantities relative to reality, so every curve starts at 1 (weights at 0.5)."""
    samples = check_int("samples", samples, minimum=4)
    generations = check_int("generations", generations, minimum=1)
    seeds = check_int("seeds", seeds, minimum=1)
    policies = check_choices("policies", policies, POLICIES)
    frames = [summarise(policy, _simulate(seed, samples, generations, seeds, policy)) for policy in policies]
    return pl.concat(frames)


def _simulate(seed: int, m: int, generations: int, n_seeds: int, policy: str) -> dict[str, np.ndarray]:
    truth = reality()
    truth_var = np.trace(truth.total_covariance())
    names = ("variance_ratio", "within_variance_ratio", "separation_ratio", "min_weight", "heldout_nll")
    out = {name: np.empty((n_seeds, generations + 1)) for name in names}
    for i, rng in enumerate(seed_generators(seed, n_seeds)):
        held_out = truth.sample(HELD_OUT, rng)[0]
        row = _describe(truth, truth_var, held_out)
        for name in names:
            out[name][i, 0] = row[name]
        pool = DataPool(policy, size=m)
        pool.add(truth.sample(m, rng)[0])
        for n in range(1, generations + 1):
            model = GaussianMixtureModel(n_components=2, covariance_type="full")
            model.fit(pool.training_set(rng), rng=rng)
            row = _describe(model.fitted_, truth_var, held_out)
            for name in names:
                out[name][i, n] = row[name]
            if n < generations:
                pool.add(model.sample(m, rng=rng)[0])
    return out


def _describe(mixture: Mixture, truth_var: float, held_out: np.ndarray) -> dict[str, float]:
    within = float(np.einsum("k,kii->", mixture.weights, mixture.covariances))
    separation = float(np.linalg.norm(mixture.means[0] - mixture.means[-1]))
    return {
        "variance_ratio": float(np.trace(mixture.total_covariance())) / truth_var,
        "within_variance_ratio": within / 2.0,  # each real component has trace 2
        "separation_ratio": separation / (2.0 * HALF_SEPARATION),
        "min_weight": float(mixture.weights.min()) if mixture.n_components > 1 else 0.0,
        "heldout_nll": float(-mixture.score_samples(held_out).mean()),
    }
