"""scikit-learn's k-means start of EM (``KMeans(n_clusters, n_init=1).fit(X).labels_``), without its per-call checks.

A refit starts EM from k-means labels. scikit-learn's ``KMeans.fit`` validates its input, and its k-means++ seeding
computes each round's distances through ``euclidean_distances``, whose checks cost more than the arithmetic on a
vendor's few thousand documents: the start took a fifth of a refit. Here the seeding is scikit-learn's
``_kmeans_plusplus`` operation for operation (the same random draws, the same distance expression), and Lloyd's
iterations are scikit-learn's own compiled ones, so the labels are the same to the bit (tests/test_speed_em.py).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.cluster._kmeans import _kmeans_single_lloyd
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

MAX_ITER = 300  # KMeans' defaults, which GaussianMixture keeps
TOL = 1e-4


def kmeans_labels(X: np.ndarray, n_clusters: int, random_state: np.random.RandomState) -> np.ndarray:
    """The labels ``KMeans(n_clusters, n_init=1, random_state=random_state).fit(X).labels_`` gives for a dense
    float64 X, drawing the same numbers from ``random_state``."""
    X = np.array(X, dtype=np.float64, order="C", copy=True)
    if len(X) < n_clusters:
        raise ValueError(f"n_samples={len(X)} should be >= n_clusters={n_clusters}.")
    tol = np.mean(np.var(X, axis=0)) * TOL  # scikit-learn's tolerance: relative to the data's variance
    X -= X.mean(axis=0)  # centred, as KMeans does for more accurate distances
    squared_norms = np.einsum("ij,ij->i", X, X)
    weights = np.ones(len(X))
    centers = _plus_plus(X, n_clusters, squared_norms, weights, random_state)
    labels, _, _, _ = _kmeans_single_lloyd(X, weights, centers, max_iter=MAX_ITER, verbose=False, tol=tol,
                                           n_threads=_openmp_effective_n_threads())
    if len(np.unique(labels)) < n_clusters:
        warnings.warn(f"Number of distinct clusters ({len(np.unique(labels))}) found smaller than n_clusters "
                      f"({n_clusters}). Possibly due to duplicate points in X.", ConvergenceWarning, stacklevel=2)
    return labels


def _plus_plus(X: np.ndarray, n_clusters: int, squared_norms: np.ndarray, weights: np.ndarray,
               random_state: np.random.RandomState) -> np.ndarray:
    """k-means++ seeding with 2 + log(k) local trials per centre, as scikit-learn's ``_kmeans_plusplus``."""
    centers = np.empty((n_clusters, X.shape[1]), dtype=X.dtype)
    n_local_trials = 2 + int(np.log(n_clusters))
    center_id = random_state.choice(len(X), p=weights / weights.sum())
    centers[0] = X[center_id]
    closest = _squared_distances(centers[0, np.newaxis], X, squared_norms)
    potential = closest @ weights
    for c in range(1, n_clusters):
        draws = random_state.uniform(size=n_local_trials) * potential
        candidates = np.searchsorted(np.cumsum(weights * closest), draws)
        np.clip(candidates, None, closest.size - 1, out=candidates)
        distances = _squared_distances(X[candidates], X, squared_norms)
        np.minimum(closest, distances, out=distances)
        potentials = distances @ weights.reshape(-1, 1)
        best = np.argmin(potentials)
        potential, closest = potentials[best], distances[best]
        centers[c] = X[candidates[best]]
    return centers


def _squared_distances(A: np.ndarray, X: np.ndarray, x_squared_norms: np.ndarray) -> np.ndarray:
    """|a - x|^2 for every row of A and of X, as scikit-learn's ``_euclidean_distances(squared=True)``:
    -2 a.x + |a|^2 + |x|^2, floored at 0."""
    distances = -2 * (A @ X.T)
    distances += np.einsum("ij,ij->i", A, A)[:, None]
    distances += x_squared_norms.reshape(1, -1)
    np.maximum(distances, 0.0, out=distances)
    return distances
