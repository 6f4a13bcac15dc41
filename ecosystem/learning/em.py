"""scikit-learn's EM for Gaussian mixtures, with the full-covariance steps done for all components at once.

The vendors' refits are most of a run's time. scikit-learn's ``GaussianMixture`` loops over components in
Python in both steps (a small matrix product, a Cholesky factor and a triangular solve per component per
iteration); at the sizes vendors train on (thousands of 8-dimensional documents, tens of components) that
loop costs several times the arithmetic. ``BatchedGaussianMixture`` keeps everything else of scikit-learn's
estimator (its k-means start, EM loop, convergence test, warnings and API) and replaces only the two steps
(and the first M step, from the k-means labels) for ``covariance_type="full"`` with one matrix product each,
on the pairwise products x_i x_j of every document, which are computed once per fit:

- E step: (x - mu)' P (x - mu) = vec(x x') . vec(P) - 2 x' P mu + mu' P mu for every component;
- M step: Sigma_k = sum_n r_nk x x' / N_k - mu_k mu_k', then every Cholesky factor in one batched call.

Same algorithm, same fixed points; the floating-point sums run in another order, so fitted parameters
match scikit-learn's to about 1e-12 rather than bit for bit, with the same number of iterations (on the
baseline's 67 refits, and in tests/test_em.py).
Other covariance types keep scikit-learn's steps; only the normalisation of the responsibilities (a
plain log-sum-exp) is shared by all types.
"""

from __future__ import annotations

import numpy as np
from sklearn.mixture import GaussianMixture

from ecosystem.learning.kmeans import kmeans_labels
from ecosystem.learning.mixture import LOG_2PI, pair_products

_ILL_DEFINED = ("Fitting the mixture model failed because some components have ill-defined empirical covariance "
                "(for instance caused by singleton or collapsed samples). Try to decrease the number of "
                "components, increase reg_covar, or scale the input data.")  # scikit-learn's own message


class BatchedGaussianMixture(GaussianMixture):
    """``GaussianMixture`` whose full-covariance E and M steps are vectorized over components.

    Internally the log-probabilities and responsibilities are laid out (components, documents), so sums over
    components are sums of contiguous rows; scikit-learn receives them transposed, as it expects."""

    def fit_predict(self, X, y=None):
        self._pairs, self._work = None, {}  # a dict of work arrays while fitting, None otherwise
        try:
            return super().fit_predict(X, y)
        finally:
            self._pairs, self._work = None, None  # the pairwise products and the work arrays serve one fit only

    def _fitting(self) -> bool:
        return getattr(self, "_work", None) is not None

    def _work_array(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A (components, documents) work array, allocated once per fit and reused by every iteration: at
        hundreds of thousands of documents each fresh one is memory the kernel must fault in and zero, which
        took more time than the arithmetic (a refit at 64 times the baseline's volume spent 45% in the kernel)."""
        if not self._fitting():
            return np.empty(shape)
        work = self._work
        if name not in work or work[name].shape != shape:
            work[name] = np.empty(shape)
        return work[name]

    def _batched(self) -> bool:
        return self.covariance_type == "full"

    def _pairs_of(self, X: np.ndarray) -> np.ndarray:
        """vec(x x') of every row, as columns (d * d, n), kept while EM iterates on the same training set
        (scoring other documents after the fit keeps nothing)."""
        cached = getattr(self, "_pairs", None)
        if cached is not None and cached[0] is X:
            return cached[1]
        pairs = pair_products(np.ascontiguousarray(X.T))
        if self._fitting():
            self._pairs = (X, pairs)
        return pairs

    def _estimate_log_prob(self, X, xp=None):
        if not self._batched():
            return super()._estimate_log_prob(X, xp=xp)
        return self._log_prob_by_component(X).T

    def _log_prob_by_component(self, X: np.ndarray) -> np.ndarray:
        """log N(x | mu_k, Sigma_k), shape (K, n)."""
        k, d, _ = self.precisions_cholesky_.shape
        precisions = self.precisions_cholesky_ @ self.precisions_cholesky_.transpose(0, 2, 1)
        precision_means = np.einsum("kij,kj->ki", precisions, self.means_)
        shape = (k, len(X))
        # the quadratic form, then its log-density, in place (the same operations in the same order)
        quad = np.matmul(precisions.reshape(k, d * d), self._pairs_of(X), out=self._work_array("quad", shape))
        cross = np.matmul(precision_means, X.T, out=self._work_array("cross", shape))
        cross *= 2.0
        quad -= cross
        quad += np.einsum("ki,ki->k", self.means_, precision_means)[:, None]
        np.maximum(quad, 0.0, out=quad)
        quad += d * LOG_2PI
        quad *= -0.5
        quad += np.log(np.diagonal(self.precisions_cholesky_, axis1=1, axis2=2)).sum(axis=1)[:, None]
        return quad

    def _estimate_log_prob_resp(self, X, xp=None):
        # scikit-learn's array-API logsumexp checks more than a plain one costs on these short rows.
        if self._batched():
            weighted = self._log_prob_by_component(X)
            weighted += np.log(self.weights_)[:, None]
        else:
            weighted = self._estimate_weighted_log_prob(X).T
        peak = weighted.max(axis=0)
        shifted = np.subtract(weighted, peak, out=self._work_array("shifted", weighted.shape))
        log_norm = np.log(np.exp(shifted, out=shifted).sum(axis=0)) + peak
        weighted -= log_norm  # the log-responsibilities, in place
        return log_norm, weighted.T

    def _initialize_parameters(self, X, random_state, xp=None):
        # scikit-learn's k-means start, the same labels without KMeans' per-call checks (ecosystem/learning/kmeans.py)
        given = (self.weights_init, self.means_init, self.precisions_init)
        dense = isinstance(X, np.ndarray) and X.dtype == np.float64  # kmeans.py reproduces KMeans on these only
        if not self._batched() or not dense or self.init_params != "kmeans" or any(v is not None for v in given):
            return super()._initialize_parameters(X, random_state, xp=xp)
        resp = np.zeros((len(X), self.n_components), dtype=X.dtype)
        resp[np.arange(len(X)), kmeans_labels(X, self.n_components, random_state)] = 1
        self._initialize(X, resp)

    def _initialize(self, X, resp, xp=None):
        given = (self.weights_init, self.means_init, self.precisions_init)
        if not self._batched() or any(value is not None for value in given):
            return super()._initialize(X, resp, xp=xp)
        self.weights_ = self._fit_components(X, resp.T) / len(X)  # scikit-learn's start: N_k / n

    def _m_step(self, X, log_resp, xp=None):
        if not self._batched():
            return super()._m_step(X, log_resp, xp=xp)
        log_resp = log_resp.T
        counts = self._fit_components(X, np.exp(log_resp, out=self._work_array("resp", log_resp.shape)))
        self.weights_ = counts / counts.sum()

    def _fit_components(self, X: np.ndarray, resp: np.ndarray) -> np.ndarray:
        """Means, covariances and precision factors from responsibilities laid out (K, n); returns N_k."""
        counts = resp.sum(axis=1) + 10 * np.finfo(resp.dtype).eps
        means = (resp @ X) / counts[:, None]
        k, d = means.shape
        second_moments = (resp @ self._pairs_of(X).T).reshape(k, d, d) / counts[:, None, None]
        covariances = second_moments - means[:, :, None] * means[:, None, :]
        covariances.reshape(k, d * d)[:, :: d + 1] += self.reg_covar
        try:
            chol = np.linalg.cholesky(covariances)
        except np.linalg.LinAlgError:
            raise ValueError(_ILL_DEFINED) from None
        self.means_ = means
        self.covariances_ = covariances
        # scikit-learn's convention: upper-triangular U with precision = U U' (U = L^-T).
        self.precisions_cholesky_ = np.tril(np.linalg.inv(chol)).transpose(0, 2, 1)
        return counts
