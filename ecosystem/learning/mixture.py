"""Gaussian mixtures as plain arrays: the one distribution type for both reality and vendor models.

Reality and every fitted model are the same kind of object, so a model is scored against reality
with the same vectorized log-density code that it samples with.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np

LOG_2PI = np.log(2.0 * np.pi)
# Row-wise work runs in blocks of this many rows, so its temporaries stay small and in cache and its cost per
# row does not grow with the batch: gathering (rows, d, d) Cholesky factors for 400,000 rows at once costs
# about three times as much per row as in blocks (a month's pages at 64 times the baseline's volume).
ROWS_PER_BLOCK = 32_768
Tempering = Literal["weights", "exact"]  # how a temperature acts on the weights (Mixture.tempered)


def row_blocks(n: int) -> Iterator[slice]:
    """Consecutive blocks of at most ``ROWS_PER_BLOCK`` rows that cover rows 0..n-1."""
    return (slice(start, start + ROWS_PER_BLOCK) for start in range(0, n, ROWS_PER_BLOCK))


def component_points(means: np.ndarray, chol: np.ndarray, labels: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """mu_c + L_c z for each row: the point of Gaussian component c = ``labels[i]`` (Cholesky factor L_c) for
    the standard normal ``noise[i]``."""
    out = np.empty((len(labels), means.shape[1]))
    for rows in row_blocks(len(labels)):
        c = labels[rows]
        out[rows] = means[c] + np.einsum("nij,nj->ni", chol[c], noise[rows])
    return out


@dataclass(frozen=True)
class Mixture:
    """A Gaussian mixture with full covariances: weights (K,), means (K, d), covariances (K, d, d)."""

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray

    def __post_init__(self) -> None:
        # Cholesky factors, their inverses and log-determinants serve every density evaluation.
        chol = np.linalg.cholesky(self.covariances)
        object.__setattr__(self, "_chol", chol)
        object.__setattr__(self, "_inv_chol", np.linalg.inv(chol))
        object.__setattr__(self, "_log_det", 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1))
        precision = np.einsum("kji,kjl->kil", self._inv_chol, self._inv_chol)  # Sigma^-1 = L^-T L^-1
        precision_means = np.einsum("kij,kj->ki", precision, self.means)
        object.__setattr__(self, "_precision_flat", precision.reshape(len(precision), -1).T)  # (d*d, K)
        object.__setattr__(self, "_precision_means", precision_means)
        # -2 P mu: scaling by a power of two is exact, so (-2 P mu)' x is bit for bit -2 (P mu)' x.
        object.__setattr__(self, "_minus_two_precision_means", -2.0 * precision_means)
        object.__setattr__(self, "_mean_quad", np.einsum("ki,ki->k", self.means, precision_means))
        object.__setattr__(self, "_log_norm", self.dim * LOG_2PI + self._log_det)  # d log 2 pi + log|Sigma_k|
        # The weights' cumulative distribution exactly as numpy's Generator.choice builds it on every call, when
        # the weights are ones choice accepts (well inside its tolerance); otherwise sample() leaves them to choice.
        weights = np.asarray(self.weights, dtype=np.float64)
        valid = len(weights) > 0 and bool(np.all(weights >= 0)) and abs(weights.sum() - 1.0) <= 1e-9
        cdf = np.cumsum(weights) if valid else None
        if cdf is not None:
            cdf /= cdf[-1]  # by the running total, as choice divides (not by the pairwise sum)
        object.__setattr__(self, "_label_cdf", cdf)

    @property
    def n_components(self) -> int:
        return len(self.weights)

    @property
    def dim(self) -> int:
        return self.means.shape[1]

    def components(self, keep: np.ndarray) -> Mixture:
        """The mixture of the components ``keep`` only, their weights renormalised."""
        weights = self.weights[keep]
        return Mixture(weights=weights / weights.sum(), means=self.means[keep], covariances=self.covariances[keep])

    def component_log_densities(self, X: np.ndarray) -> np.ndarray:
        """log N(x | mu_k, Sigma_k) for every row and component: shape (n, K)."""
        X = _as_rows(X)
        out = np.empty((self.n_components, len(X)))
        for rows in row_blocks(len(X)):
            out[:, rows] = self._block_log_densities(X[rows], with_weights=False)
        return out.T

    def _block_log_densities(self, X: np.ndarray, *, with_weights: bool) -> np.ndarray:
        """log N(x | mu_k, Sigma_k), plus log w_k if asked, for one block of rows, laid out (K, n): every sum
        over components is then a sum of K contiguous rows, which numpy vectorizes across points (a sum along
        short rows of an (n, K) array does not).

        (x - mu)' P (x - mu) = vec(x x') . vec(P) - 2 x' P mu + mu' P mu, for all components at once: two
        matrix products (BLAS) and a (K, n) result, never a (K, n, d) array. The sums run in place on that
        result, in the order of -0.5 (d log 2 pi + log|Sigma_k| + max(quad, 0)) + log w_k."""
        XT = np.ascontiguousarray(X.T)  # points as columns
        out = self._precision_flat.T @ pair_products(XT)
        out += self._minus_two_precision_means @ XT
        out += self._mean_quad[:, None]
        np.maximum(out, 0.0, out=out)
        out += self._log_norm[:, None]
        out *= -0.5
        if with_weights:
            with np.errstate(divide="ignore"):
                out += np.log(self.weights)[:, None]
        return out

    def score_samples(self, X: np.ndarray) -> np.ndarray:
        """Per-row log-density, as scikit-learn's ``score_samples``."""
        X = _as_rows(X)
        log_density = np.empty(len(X))
        for rows in row_blocks(len(X)):
            log_density[rows] = _logsumexp_parts(self._block_log_densities(X[rows], with_weights=True))[0]
        return log_density

    def responsibilities(self, X: np.ndarray) -> np.ndarray:
        """Posterior probability of each component for each row: shape (n, K), rows sum to 1."""
        return self.score_and_responsibilities(X)[1]

    def score_and_responsibilities(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``score_samples`` and ``responsibilities`` from one pass over the components (the same numbers)."""
        X = _as_rows(X)
        log_density, resp = np.empty(len(X)), np.empty((self.n_components, len(X)))  # (K, n), as the densities
        for rows in row_blocks(len(X)):
            log_density[rows], exps, total = _logsumexp_parts(self._block_log_densities(X[rows], with_weights=True))
            np.divide(exps, total, out=resp[:, rows])
        return log_density, resp.T

    def score_and_likeliest(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``score_samples`` and each row's likeliest component (``responsibilities(X).argmax(axis=1)``, the same
        numbers), without laying the responsibilities out by row: an argmax across rows of a (K, n) array
        costs more than the densities."""
        X = _as_rows(X)
        log_density, likeliest = np.empty(len(X)), np.empty(len(X), dtype=np.intp)
        for rows in row_blocks(len(X)):
            log_density[rows], exps, total = _logsumexp_parts(self._block_log_densities(X[rows], with_weights=True))
            likeliest[rows] = first_max_row(np.divide(exps, total, out=exps))
        return log_density, likeliest

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Draw n points and their component labels, vectorized over points. The labels are
        ``rng.choice(K, size=n, p=weights)``'s, from the same uniform draws, without its checks of p on every
        call (more than half the cost of a farm's monthly sample of a few dozen pages)."""
        if self._label_cdf is None:
            labels = rng.choice(self.n_components, size=n, p=self.weights)  # which fails as it always did
        else:
            labels = np.searchsorted(self._label_cdf, rng.random(n), side="right")
        return self.sample_components(labels, rng), labels

    def sample_components(self, labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One point from each given component (labels may repeat), vectorized."""
        return self.points(labels, rng.standard_normal((len(labels), self.dim)))

    def points(self, labels: np.ndarray, noise: np.ndarray) -> np.ndarray:
        """The point of component ``labels[i]`` for the standard normal ``noise[i]``, for each row."""
        return component_points(self.means, self._chol, labels, noise)

    def total_covariance(self) -> np.ndarray:
        """Covariance of the whole mixture, exactly: sum_k w_k (Sigma_k + mu_k mu_k^T) - mu mu^T."""
        mean = self.weights @ self.means
        second = np.einsum("k,kij->ij", self.weights, self.covariances)
        second += np.einsum("k,ki,kj->ij", self.weights, self.means, self.means)
        return second - np.outer(mean, mean)

    def tempered(self, temperature: float, tempering: Tempering = "weights") -> Mixture:
        """The released model at temperature tau: each component keeps its mean and its covariance is scaled by
        tau (N(x | mu, Sigma)^(1/tau) is proportional to N(x | mu, tau Sigma)); the weights depend on
        ``tempering``.

        ``"weights"``: w_k^(1/tau), renormalised: temperature acts on how often each topic is written, as
        low-temperature decoding does to token frequencies, so tau < 1 makes rare components rarer.
        ``"exact"``: (w_k N_k(x))^(1/tau) integrated per component, w_k^(1/tau) |Sigma_k|^((1 - 1/tau)/2)
        (the constant (2 pi)^((d - d/tau)/2) tau^(d/2) cancels; cross terms between overlapping components are
        ignored). Its |Sigma| factor rewards narrow components, and a component fitted from few points is
        narrow by chance (its log|Sigma| is biased low): refitted generation after generation, that moves mass
        onto rare topics, an artefact of small samples, not of decoding (docs/science.md).
        """
        if temperature == 1.0:
            return self
        with np.errstate(divide="ignore"):
            log_w = np.log(self.weights)
        if tempering == "exact":
            log_w = (log_w - 0.5 * self._log_det) / temperature + 0.5 * self._log_det
        else:
            log_w = log_w / temperature
        weights = np.exp(log_w - _logsumexp_parts(log_w[:, None].copy())[0])
        return Mixture(weights=weights, means=self.means, covariances=self.covariances * temperature)


def _as_rows(X: np.ndarray) -> np.ndarray:
    return np.atleast_2d(np.asarray(X, dtype=np.float64))


def pair_products(XT: np.ndarray) -> np.ndarray:
    """vec(x x') of every point, the points given as the columns of XT (d, n): shape (d * d, n). A quadratic
    form x' A x of every point is then one matrix product, vec(A)' @ pairs."""
    d = XT.shape[0]
    return (XT[:, None, :] * XT[None, :, :]).reshape(d * d, -1)


def first_max_row(values: np.ndarray) -> np.ndarray:
    """``values.argmax(axis=0)`` for a (K, n) array (the first maximum of each column; a column holding a NaN
    gives its first NaN), at a third of its cost: numpy's argmax across rows walks each column apart, while
    the column maxima, the test for equality and the smallest index are passes along contiguous rows."""
    k = len(values)
    small = np.uint8 if k < 255 else np.intp
    none = np.iinfo(small).max  # a column whose maximum no entry equals holds a NaN
    found = np.where(values == values.max(axis=0), np.arange(k, dtype=small)[:, None], none).min(axis=0)
    out = found.astype(np.intp)
    odd = np.flatnonzero(found == none)
    if len(odd):
        out[odd] = values[:, odd].argmax(axis=0)
    return out


def _logsumexp_parts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """log(sum(exp(column))) for each column, with the shifted exponentials and their column sums it came from
    (their ratio is the column's softmax). Shifted by the column's maximum so it cannot overflow; scipy's
    ``logsumexp`` does the same with more checks, which cost more than the sum on short columns. ``values`` is
    overwritten by the exponentials."""
    peak = values.max(axis=0)
    peak[~np.isfinite(peak)] = 0.0
    values -= peak
    exps = np.exp(values, out=values)
    total = exps.sum(axis=0)
    with np.errstate(divide="ignore"):
        return peak + np.log(total), exps, total
