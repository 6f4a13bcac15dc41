"""Pure-speed changes to the refits and the scores give exactly what they replaced (issue 26): the k-means start
of EM draws the same numbers and finds the same labels as scikit-learn's KMeans, and a model's metric rows are
the ones ``dataclasses.asdict`` gave."""

from __future__ import annotations

import dataclasses
import inspect

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.cluster._kmeans import _kmeans_single_lloyd
from sklearn.mixture import GaussianMixture

from ecosystem.learning.em import BatchedGaussianMixture
from ecosystem.learning.kmeans import kmeans_labels
from ecosystem.learning.scoring import ModelScores


def _documents(seed: int, n: int = 1500, topics: int = 12) -> np.ndarray:
    rng = np.random.default_rng(seed)
    labels = rng.choice(topics, size=n, p=rng.dirichlet(np.full(topics, 0.7)))
    centres = rng.normal(3.0, 3.0, size=(topics, 8))
    return centres[labels] + rng.normal(scale=rng.uniform(0.3, 1.5, size=(topics, 1)), size=(topics, 8))[labels] \
        * rng.standard_normal((n, 8))


@pytest.mark.parametrize(("seed", "k"), [(0, 20), (1, 5), (2, 12), (3, 2)])
def test_kmeans_start_is_scikit_learns_to_the_bit(seed, k):
    X = _documents(seed)
    ours, theirs = np.random.RandomState(seed), np.random.RandomState(seed)
    expected = KMeans(n_clusters=k, n_init=1, random_state=theirs).fit(X).labels_
    np.testing.assert_array_equal(kmeans_labels(X, k, ours), expected)
    assert ours.uniform() == theirs.uniform()  # the same numbers were drawn from the fit's random state


@pytest.mark.parametrize("dtype", [np.float64, np.float32])  # float32 keeps scikit-learn's own start
def test_refit_with_the_kmeans_start_equals_the_one_with_scikit_learns(monkeypatch, dtype):
    X = _documents(4, n=3000).astype(dtype)
    settings = dict(n_components=15, max_iter=100, tol=1e-3, reg_covar=1e-6, random_state=4)
    ours = BatchedGaussianMixture(**settings).fit(X)
    monkeypatch.setattr(BatchedGaussianMixture, "_initialize_parameters", GaussianMixture._initialize_parameters)
    theirs = BatchedGaussianMixture(**settings).fit(X)
    assert ours.n_iter_ == theirs.n_iter_
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_"):
        np.testing.assert_array_equal(getattr(ours, name), getattr(theirs, name))


def test_lloyd_iterations_keep_the_private_signature_kmeans_calls():
    """kmeans.py calls scikit-learn's compiled Lloyd iterations by their private name (pyproject pins the minor
    release): a release that changed them must fail here, not in a refit."""
    parameters = list(inspect.signature(_kmeans_single_lloyd).parameters)
    assert parameters == ["X", "sample_weight", "centers_init", "max_iter", "verbose", "tol", "n_threads"]


def test_metric_rows_are_the_fields_asdict_gave():
    rng = np.random.default_rng(0)
    names = [f.name for f in dataclasses.fields(ModelScores)]
    values = {name: float(rng.normal()) for name in names if name not in ("topic_mass_ratio", "topic_excess_nll")}
    for drift in (np.nan, 0.5):
        scores = ModelScores(**(values | {"drift_excess_nll": drift}), topic_mass_ratio=rng.random(5),
                             topic_excess_nll=rng.random(5))
        kept = dataclasses.asdict(scores).items()
        former = {k: v for k, v in kept if k not in ("topic_mass_ratio", "topic_excess_nll")
                  and not (k == "drift_excess_nll" and np.isnan(v))}
        assert list(scores.as_dict().items()) == list(former.items())
