"""Pure-speed changes to the mixture's row-wise work give the numbers of the formulas they replaced, to the bit.

A run's metrics stay identical only if every density and every likeliest topic is computed exactly as before;
a difference in the last bit would move EM's fixed points and the scores (issue 26)."""

from __future__ import annotations

import numpy as np
import pytest

from ecosystem.learning.mixture import LOG_2PI, Mixture, first_max_row, pair_products


def random_mixture(rng: np.random.Generator, *, k: int, d: int) -> Mixture:
    factors = rng.normal(size=(k, d, d))
    covariances = factors @ factors.transpose(0, 2, 1) + 0.5 * np.eye(d)
    weights = rng.dirichlet(np.ones(k))
    return Mixture(weights=weights, means=rng.normal(scale=3.0, size=(k, d)), covariances=covariances)


def former_block_log_densities(mixture: Mixture, X: np.ndarray) -> np.ndarray:
    """The expression ``_block_log_densities`` evaluated before it ran in place (commit 3b54383)."""
    XT = np.ascontiguousarray(X.T)
    d = XT.shape[0]
    quad = (mixture._precision_flat.T @ pair_products(XT) - 2.0 * (mixture._precision_means @ XT)
            + mixture._mean_quad[:, None])
    out = -0.5 * (d * LOG_2PI + mixture._log_det[:, None] + np.maximum(quad, 0.0))
    with np.errstate(divide="ignore"):
        out += np.log(mixture.weights)[:, None]
    return out


@pytest.mark.parametrize(("k", "d"), [(3, 2), (20, 8), (44, 8)])
def test_densities_in_place_equal_the_former_expression_bit_for_bit(k, d):
    rng = np.random.default_rng(k)
    mixture = random_mixture(rng, k=k, d=d)
    X = rng.normal(scale=4.0, size=(2_000, d))
    np.testing.assert_array_equal(mixture._block_log_densities(X, with_weights=True),
                                  former_block_log_densities(mixture, X))


def test_likeliest_component_is_the_argmax_of_the_responsibilities():
    rng = np.random.default_rng(3)
    mixture = random_mixture(rng, k=30, d=8)
    X = rng.normal(scale=4.0, size=(5_000, 8))
    log_density, likeliest = mixture.score_and_likeliest(X)
    expected_density, resp = mixture.score_and_responsibilities(X)
    np.testing.assert_array_equal(log_density, expected_density)
    np.testing.assert_array_equal(likeliest, resp.argmax(axis=1))


@pytest.mark.parametrize("k", [1, 7, 254, 300])
def test_first_max_row_is_numpys_argmax_with_ties_and_nans(k):
    """The first maximum wins a tie and a column holding a NaN gives its first NaN, as ``argmax`` does."""
    rng = np.random.default_rng(k)
    values = rng.integers(0, 4, size=(k, 500)).astype(float)  # many ties
    values[rng.integers(k, size=20), rng.integers(500, size=20)] = np.nan
    values[:, 7] = np.nan
    values[:, 8] = -np.inf
    np.testing.assert_array_equal(first_max_row(values), values.argmax(axis=0))


def test_sampled_labels_are_numpys_choice_from_the_same_draws():
    """Mixture.sample draws its labels as ``Generator.choice(K, size=n, p=weights)`` does (numpy's cumulative
    distribution and uniform draws): the same labels, and the stream left where choice leaves it."""
    for trial in range(300):
        rng = np.random.default_rng(trial)
        k = int(rng.integers(1, 50))
        weights = rng.dirichlet(np.full(k, rng.choice([0.05, 0.5, 3.0])))
        if k > 1 and trial % 5 == 0:
            weights[rng.integers(k)] = 0.0  # a component with no weight is never drawn
            weights /= weights.sum()
        mixture = Mixture(weights=weights, means=np.zeros((k, 2)), covariances=np.broadcast_to(np.eye(2), (k, 2, 2)))
        n = int(rng.integers(0, 300))
        ours, numpys = np.random.default_rng(trial + 1), np.random.default_rng(trial + 1)
        _, labels = mixture.sample(n, ours)
        expected = numpys.choice(k, size=n, p=weights)
        numpys.standard_normal((n, 2))  # sample's noise
        np.testing.assert_array_equal(labels, expected)
        assert labels.dtype == expected.dtype
        assert ours.random() == numpys.random()


def test_weights_choice_refuses_still_fail_when_sampled():
    """Weights numpy's choice refuses (not summing to 1) are still refused by sample, with choice's own error."""
    mixture = Mixture(weights=np.array([0.5, 0.4]), means=np.zeros((2, 2)),
                      covariances=np.broadcast_to(np.eye(2), (2, 2, 2)))
    with pytest.raises(ValueError, match="sum to 1"):
        mixture.sample(3, np.random.default_rng(0))
