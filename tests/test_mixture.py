"""Gaussian mixtures as arrays: densities as scikit-learn's, sampling, tempering, exact moments."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

import ecosystem.learning.mixture as mixture_module
from ecosystem.learning.mixture import Mixture


def random_mixture(rng: np.random.Generator, k: int = 4, d: int = 3) -> Mixture:
    weights = rng.dirichlet(np.ones(k))
    means = rng.normal(scale=3.0, size=(k, d))
    factors = rng.normal(size=(k, d, d))
    covs = factors @ factors.transpose(0, 2, 1) + 0.3 * np.eye(d)
    return Mixture(weights=weights, means=means, covariances=covs)


def sklearn_twin(mixture: Mixture) -> GaussianMixture:
    """A scikit-learn mixture holding exactly the same parameters."""
    gm = GaussianMixture(n_components=mixture.n_components, covariance_type="full")
    gm.weights_ = mixture.weights
    gm.means_ = mixture.means
    gm.covariances_ = mixture.covariances
    gm.precisions_cholesky_ = np.stack([np.linalg.inv(np.linalg.cholesky(c)).T for c in mixture.covariances])
    return gm


def test_score_samples_equals_scikit_learn():
    rng = np.random.default_rng(1)
    mixture = random_mixture(rng)
    X = rng.normal(scale=4.0, size=(500, 3))
    np.testing.assert_allclose(mixture.score_samples(X), sklearn_twin(mixture).score_samples(X), rtol=1e-10)


def test_responsibilities_equal_scikit_learn_and_sum_to_one():
    rng = np.random.default_rng(2)
    mixture = random_mixture(rng)
    X = rng.normal(scale=4.0, size=(300, 3))
    resp = mixture.responsibilities(X)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0)
    np.testing.assert_allclose(resp, sklearn_twin(mixture).predict_proba(X), atol=1e-10)


def test_single_point_and_zero_weight_component():
    mixture = Mixture(
        weights=np.array([1.0, 0.0]),
        means=np.array([[0.0, 0.0], [9.0, 9.0]]),
        covariances=np.stack([np.eye(2)] * 2),
    )
    # a 1-D input is one point; a zero-weight component contributes nothing and produces no NaN
    expected = -np.log(2 * np.pi)
    np.testing.assert_allclose(mixture.score_samples(np.zeros(2)), [expected])
    assert np.all(np.isfinite(mixture.score_samples(np.array([[9.0, 9.0]]))))
    np.testing.assert_allclose(mixture.responsibilities(np.array([[9.0, 9.0]])), [[1.0, 0.0]])


def test_sampling_is_reproducible_with_the_same_generator():
    mixture = random_mixture(np.random.default_rng(3))
    a, labels_a = mixture.sample(200, np.random.default_rng(42))
    b, labels_b = mixture.sample(200, np.random.default_rng(42))
    c, _ = mixture.sample(200, np.random.default_rng(43))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(labels_a, labels_b)
    assert not np.allclose(a, c)


def test_sampling_follows_the_weights_and_components():
    rng = np.random.default_rng(4)
    mixture = random_mixture(rng, k=3, d=2)
    n = 40_000
    X, labels = mixture.sample(n, rng)
    frequencies = np.bincount(labels, minlength=3) / n
    tolerance = 5 * np.sqrt(mixture.weights * (1 - mixture.weights) / n)
    assert np.all(np.abs(frequencies - mixture.weights) < tolerance)
    for k in range(3):
        rows = X[labels == k]
        np.testing.assert_allclose(
            rows.mean(axis=0),
            mixture.means[k],
            atol=6 * np.sqrt(np.diag(mixture.covariances[k]).max() / len(rows)),
        )
        np.testing.assert_allclose(np.cov(rows.T), mixture.covariances[k], rtol=0.1, atol=0.1)


def test_sample_components_draws_from_the_named_component():
    mixture = Mixture(
        weights=np.array([0.5, 0.5]),
        means=np.array([[-10.0, 0.0], [10.0, 0.0]]),
        covariances=np.stack([np.eye(2) * 0.01] * 2),
    )
    labels = np.array([1, 1, 0, 1, 0])
    points = mixture.sample_components(labels, np.random.default_rng(0))
    np.testing.assert_allclose(points, mixture.means[labels], atol=0.5)


def test_rows_come_out_the_same_whatever_the_batch(monkeypatch):
    """Large batches run in blocks of rows (so the cost per row stays flat); every row must come out exactly,
    to the last bit, as it does in one block, or a run's results would depend on the web's size."""
    rng = np.random.default_rng(11)
    mixture = random_mixture(rng, k=5, d=4)
    X = rng.normal(scale=3.0, size=(1_000, 4))
    labels, noise = rng.integers(5, size=1_000), rng.standard_normal((1_000, 4))

    def everything() -> list[np.ndarray]:
        return [mixture.score_samples(X), *mixture.score_and_responsibilities(X), mixture.points(labels, noise),
                mixture.component_log_densities(X)]

    whole = everything()
    monkeypatch.setattr(mixture_module, "ROWS_PER_BLOCK", 64)
    for one_block, in_blocks in zip(whole, everything(), strict=True):
        np.testing.assert_array_equal(one_block, in_blocks)


def test_total_covariance_matches_many_samples():
    rng = np.random.default_rng(5)
    mixture = random_mixture(rng)
    X, _ = mixture.sample(200_000, rng)
    exact = mixture.total_covariance()
    scale = np.sqrt(np.outer(np.diag(exact), np.diag(exact)))
    np.testing.assert_allclose(np.cov(X.T), exact, atol=0.03 * scale.max())


def test_total_covariance_of_one_component_is_its_covariance():
    mixture = random_mixture(np.random.default_rng(6), k=1)
    np.testing.assert_allclose(mixture.total_covariance(), mixture.covariances[0], atol=1e-12)


def entropy(weights: np.ndarray) -> float:
    w = weights[weights > 0]
    return float(-(w * np.log(w)).sum())


@pytest.mark.parametrize("tau", [0.5, 0.8])
def test_tempering_below_one_sharpens_weights_and_shrinks_covariances(tau):
    mixture = random_mixture(np.random.default_rng(7), k=5)
    cold = mixture.tempered(tau)
    assert entropy(cold.weights) < entropy(mixture.weights)
    np.testing.assert_allclose(cold.weights.sum(), 1.0)
    np.testing.assert_allclose(cold.covariances, tau * mixture.covariances)
    np.testing.assert_array_equal(cold.means, mixture.means)
    assert np.trace(cold.total_covariance()) < np.trace(mixture.total_covariance())


@pytest.mark.parametrize("tau", [0.5, 0.9, 1.3])
def test_exact_tempered_weights_are_the_integrals_of_each_component_to_the_power_one_over_tau(tau):
    """Quadrature of (w_k N_k(x))^(1/tau) over a grid, for separated components of different sizes. The
    weights-only w^(1/tau) (no |Sigma|^((1-1/tau)/2) factor) is off by 0.75-1.33x at tau 0.9: rejected here."""
    widths = np.array([0.3, 0.6, 1.2])
    covs = np.stack([np.diag([w**2, (1.5 * w) ** 2]) for w in widths])
    mixture = Mixture(np.array([0.5, 0.3, 0.2]), np.array([[-20.0, 0.0], [0.0, 0.0], [20.0, 0.0]]), covs)
    grid = np.linspace(-12, 12, 801)
    xx, yy = np.meshgrid(grid, grid)
    cell = (grid[1] - grid[0]) ** 2
    masses = []
    for k in range(3):
        points = np.column_stack([xx.ravel(), yy.ravel()]) + mixture.means[k]
        density = mixture.weights[k] * np.exp(mixture.component_log_densities(points)[:, k])
        masses.append((density ** (1 / tau)).sum() * cell)
    expected = np.array(masses) / np.sum(masses)
    np.testing.assert_allclose(mixture.tempered(tau, "exact").weights, expected, rtol=1e-4)
    weights_only = mixture.tempered(tau).weights
    assert np.max(np.abs(weights_only / expected - 1)) > 0.05


@pytest.mark.parametrize("tau", [0.6, 0.95, 1.4])
def test_exact_tempering_is_the_former_formula_bit_for_bit_and_weights_drops_the_determinant(tau):
    mixture = random_mixture(np.random.default_rng(9), k=6)
    log_det = np.linalg.slogdet(mixture.covariances)[1]
    former = (np.log(mixture.weights) - 0.5 * mixture._log_det) / tau + 0.5 * mixture._log_det
    former = np.exp(former - mixture_module._logsumexp_parts(former[:, None].copy())[0])
    exact, weights = mixture.tempered(tau, "exact"), mixture.tempered(tau, "weights")
    np.testing.assert_array_equal(exact.weights, former)
    np.testing.assert_array_equal(exact.covariances, weights.covariances)
    np.testing.assert_allclose(weights.weights, mixture.weights ** (1 / tau) / (mixture.weights ** (1 / tau)).sum())
    # exact rewards the narrow components when tau < 1: its weights lean toward small |Sigma|
    lean = np.log(exact.weights / weights.weights)
    assert np.corrcoef(lean, log_det)[0, 1] == pytest.approx(-1.0 if tau < 1 else 1.0)
    np.testing.assert_array_equal(mixture.tempered(tau).weights, weights.weights)  # the default


def test_tempering_above_one_flattens_and_one_is_identity():
    mixture = random_mixture(np.random.default_rng(8), k=5)
    assert mixture.tempered(1.0) is mixture
    assert entropy(mixture.tempered(1.5).weights) > entropy(mixture.weights)


def test_tempering_keeps_zero_weights_at_zero():
    mixture = Mixture(np.array([0.7, 0.3, 0.0]), np.zeros((3, 2)), np.stack([np.eye(2)] * 3))
    cold = mixture.tempered(0.5)
    assert cold.weights[2] == 0.0
    np.testing.assert_allclose(cold.weights[:2], np.array([0.49, 0.09]) / 0.58)
