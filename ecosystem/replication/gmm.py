"""A two-component Gaussian mixture refitted by EM on samples of its own previous fit.

Shumailov et al. (Nature 2024, Extended Data: GMM with 1,000 samples per generation over 2,000
generations): statistical error alone makes the mixture lose its spread; components narrow, their
weights drift, and the model converges toward a narrow point estimate. The table reports total and
within-component variance, separation, the smaller weight and the negative log-likelihood of held-out
real data (the paper's perplexity). One of them has an exact expectation: EM's M-step returns a mixture
whose total mean and covariance are the sample mean and the (biased) sample covariance of its training
set, plus ``reg_covar`` on the diagonal, whatever the responsibilities. So under ``replace`` the total
variance shrinks in expectation by (M-1)/M per generation, as a single Gaussian's MLE does.
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
REG_COVAR = 1e-6  # the engine's default, named here because the theory adds it once per refit


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
    frames = []
    for policy in policies:
        theory = {"variance_ratio": variance_theory(samples, generations)} if policy == "replace" else None
        frames.append(summarise(policy, _simulate(seed, samples, generations, seeds, policy), theory=theory))
    return pl.concat(frames)


def variance_theory(m: int, generations: int) -> np.ndarray:
    """E[total variance] / real total variance per generation under ``replace``.

    Given the last fit with total variance V (trace of its covariance), M samples of it have expected
    biased sample covariance trace (M-1)/M V; the M-step keeps exactly that and adds ``REG_COVAR`` to each
    of the d diagonal entries: E[V_n] = (M-1)/M E[V_{n-1}] + d REG_COVAR.
    """
    truth = reality()
    dims, truth_var = truth.means.shape[1], float(np.trace(truth.total_covariance()))
    expected = np.empty(generations + 1)
    expected[0] = truth_var
    for n in range(1, generations + 1):
        expected[n] = (m - 1) / m * expected[n - 1] + dims * REG_COVAR
    return expected / truth_var


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
            model = GaussianMixtureModel(n_components=2, covariance_type="full", reg_covar=REG_COVAR)
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
