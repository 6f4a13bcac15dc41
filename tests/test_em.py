"""The vendors' EM is scikit-learn's, step for step: the batched steps must not change what a refit finds."""

import inspect
import tomllib
from pathlib import Path

import numpy as np
import pytest
import sklearn
from packaging.requirements import Requirement
from sklearn.mixture import GaussianMixture

from ecosystem.learning.em import BatchedGaussianMixture


def _documents(n: int = 4000, topics: int = 30, seed: int = 0) -> np.ndarray:
    """Overlapping topics of unequal size and shape in 8 dimensions, far from the origin, as vendors see."""
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.full(topics, 0.7))
    labels = rng.choice(topics, size=n, p=weights)
    centres = rng.normal(3.0, 3.0, size=(topics, 8))
    shapes = rng.normal(scale=0.6, size=(topics, 8, 8))
    return centres[labels] + np.einsum("nij,nj->ni", shapes[labels], rng.standard_normal((n, 8)))


def _pair(seed: int, **params) -> tuple[GaussianMixture, BatchedGaussianMixture]:
    X = _documents(seed=seed)
    settings = dict(n_components=20, max_iter=100, tol=1e-3, reg_covar=1e-6, random_state=seed) | params
    return GaussianMixture(**settings).fit(X), BatchedGaussianMixture(**settings).fit(X)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_full_covariance_fit_matches_scikit_learn(seed):
    # 1e-9 is a thousand times below reg_covar (1e-6): a step that dropped or doubled the regularisation, or
    # used N_k - 1, would fail here.
    stock, batched = _pair(seed)
    assert batched.n_iter_ == stock.n_iter_
    np.testing.assert_allclose(batched.weights_, stock.weights_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(batched.means_, stock.means_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(batched.covariances_, stock.covariances_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(batched.precisions_cholesky_, stock.precisions_cholesky_, rtol=1e-9, atol=1e-9)
    assert batched.lower_bound_ == pytest.approx(stock.lower_bound_, abs=1e-9)


def test_fitted_model_scores_and_predicts_new_documents_like_scikit_learn():
    # The training set's cached products must not leak into scoring other documents.
    stock, batched = _pair(3)
    new = _documents(n=500, seed=99)
    np.testing.assert_allclose(batched.score_samples(new), stock.score_samples(new), rtol=0, atol=1e-8)
    np.testing.assert_array_equal(batched.predict(new), stock.predict(new))


@pytest.mark.parametrize("covariance_type", ["diag", "spherical", "tied"])
def test_other_covariance_types_fit_as_scikit_learn_does(covariance_type):
    stock, batched = _pair(4, covariance_type=covariance_type, n_components=5)
    assert batched.n_iter_ == stock.n_iter_
    np.testing.assert_allclose(batched.means_, stock.means_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(batched.covariances_, stock.covariances_, rtol=0, atol=1e-9)


def test_collapsed_component_fails_as_scikit_learn_does():
    X = np.vstack([np.zeros((20, 3)), np.random.default_rng(0).normal(size=(20, 3))])
    means = np.vstack([np.zeros(3), np.ones(3)])
    with pytest.raises(ValueError, match="ill-defined empirical covariance"):
        BatchedGaussianMixture(2, reg_covar=0.0, means_init=means, random_state=0).fit(X)


# The private scikit-learn methods BatchedGaussianMixture overrides, with the parameters it accepts. pyproject pins
# scikit-learn to the minor release these were read from; a release that renames one would leave the override
# unused (the fit still right, silently slow) or call it with other arguments.
OVERRIDDEN = {
    "_initialize": ["self", "X", "resp", "xp"],
    "_m_step": ["self", "X", "log_resp", "xp"],
    "_estimate_log_prob": ["self", "X", "xp"],
    "_estimate_log_prob_resp": ["self", "X", "xp"],
}


@pytest.mark.parametrize("name", sorted(OVERRIDDEN))
def test_overridden_private_methods_keep_their_scikit_learn_signature(name):
    stock = getattr(GaussianMixture, name, None)
    assert stock is not None, f"scikit-learn {sklearn_version()} has no GaussianMixture.{name}: em.py overrides it"
    assert list(inspect.signature(stock).parameters) == OVERRIDDEN[name], (
        f"GaussianMixture.{name} changed its parameters in scikit-learn {sklearn_version()}: check em.py's override")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # tol=0: ten iterations, never "converged"
def test_every_override_is_called_by_scikit_learns_em_loop(monkeypatch):
    """If scikit-learn's loop stopped calling an override (renamed it, or computes the step elsewhere), the fit
    would stay right but fall back to the per-component loop: count the calls of each during one fit."""
    calls = dict.fromkeys(OVERRIDDEN, 0)
    for name in OVERRIDDEN:
        original = getattr(BatchedGaussianMixture, name)

        def counted(self, *args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(BatchedGaussianMixture, name, counted)
    fitted = BatchedGaussianMixture(n_components=5, max_iter=10, tol=0.0, random_state=0).fit(_documents(n=400))
    assert calls["_initialize"] == 1
    assert calls["_m_step"] == fitted.n_iter_ == 10
    assert calls["_estimate_log_prob_resp"] == fitted.n_iter_ + 1  # one E step an iteration, and the final one
    assert calls["_estimate_log_prob"] == 0  # the E step goes through _estimate_log_prob_resp, batched


def test_installed_scikit_learn_is_in_the_range_pyproject_pins():
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    pins = [Requirement(dep) for dep in pyproject["project"]["dependencies"]]
    (pin,) = [req for req in pins if req.name == "scikit-learn"]
    assert pin.specifier.contains(sklearn_version()), f"scikit-learn {sklearn_version()} is outside {pin}"
    assert "<" in str(pin.specifier), f"{pin}: em.py overrides private methods, so the range needs an upper bound"


def sklearn_version() -> str:
    return sklearn.__version__
