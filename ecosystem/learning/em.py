"""scikit-learn's EM for Gaussian mixtures, with the full-covariance steps done for all components at once.

The vendors' refits are most of a run's time. scikit-learn's ``GaussianMixture`` loops over components in
Python in both steps (a small matrix product, a Cholesky factor and a triangular solve per component per
iteration); at the sizes vendors train on (thousands of 8-dimensional documents, tens of components) that
loop costs several times the arithmetic. ``BatchedGaussianMixture`` keeps everything else of scikit-learn's
estimator (its initialisation, EM loop, convergence test, warnings and API) and replaces only the two steps
for ``covariance_type="full"`` with one matrix product each, on the pairwise products x_i x_j of every
document, which are computed once per fit:

- E step: (x - mu)' P (x - mu) = vec(x x') . vec(P) - 2 x' P mu + mu' P mu for every component;
- M step: Sigma_k = sum_n r_nk x x' / N_k - mu_k mu_k', then every Cholesky factor in one batched call.

Same algorithm, same fixed points; the floating-point sums run in another order, so fitted parameters
match scikit-learn's to about 1e-12 rather than bit for bit (tests/test_em.py checks that on real refits).
Other covariance types keep scikit-learn's steps; only the normalisation of the responsibilities (a
plain log-sum-exp) is shared by all types.
"""

from __future__ import annotations

import numpy as np
from sklearn.mixture import GaussianMixture

from ecosystem.learning.mixture import LOG_2PI, pair_products

_ILL_DEFINED = ("Fitting the mixture model failed because some components have ill-defined empirical covariance "
                "(for instance caused by singleton or collapsed samples). Try to decrease the number of "
                "components, increase reg_covar, or scale the input data.")  # scikit-learn's own message


class BatchedGaussianMixture(GaussianMixture):
    """``GaussianMixture`` whose full-covariance E and M steps are vectorized over components."""

    def fit_predict(self, X, y=None):
        try:
            return super().fit_predict(X, y)
        finally:
            self._pairs = None  # the training set's pairwise products serve one fit only

    def _pairs_of(self, X: np.ndarray) -> np.ndarray:
        """vec(x x') of every row, kept while EM iterates on the same training set."""
        cached = getattr(self, "_pairs", None)
        if cached is not None and cached[0] is X:
            return cached[1]
        pairs = pair_products(X)
        self._pairs = (X, pairs)
        return pairs

    def _estimate_log_prob(self, X, xp=None):
        if self.covariance_type != "full":
            return super()._estimate_log_prob(X, xp=xp)
        k, d, _ = self.precisions_cholesky_.shape
        precisions = self.precisions_cholesky_ @ self.precisions_cholesky_.transpose(0, 2, 1)
        precision_means = np.einsum("kij,kj->ki", precisions, self.means_)
        quad = (self._pairs_of(X) @ precisions.reshape(k, d * d).T - 2.0 * (X @ precision_means.T)
                + np.einsum("ki,ki->k", self.means_, precision_means))
        log_det = np.log(np.diagonal(self.precisions_cholesky_, axis1=1, axis2=2)).sum(axis=1)
        return -0.5 * (d * LOG_2PI + np.maximum(quad, 0.0)) + log_det

    def _estimate_log_prob_resp(self, X, xp=None):
        # scikit-learn's array-API logsumexp checks more than a plain one costs on these small rows.
        weighted = self._estimate_weighted_log_prob(X)
        peak = weighted.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(weighted - peak).sum(axis=1, keepdims=True)) + peak
        return log_norm[:, 0], weighted - log_norm

    def _m_step(self, X, log_resp, xp=None):
        if self.covariance_type != "full":
            return super()._m_step(X, log_resp, xp=xp)
        resp = np.exp(log_resp)
        counts = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps
        means = (resp.T @ X) / counts[:, None]
        k, d = means.shape
        second_moments = (resp.T @ self._pairs_of(X)).reshape(k, d, d) / counts[:, None, None]
        covariances = second_moments - means[:, :, None] * means[:, None, :]
        covariances.reshape(k, d * d)[:, :: d + 1] += self.reg_covar
        try:
            chol = np.linalg.cholesky(covariances)
        except np.linalg.LinAlgError:
            raise ValueError(_ILL_DEFINED) from None
        self.weights_ = counts / counts.sum()
        self.means_ = means
        self.covariances_ = covariances
        # scikit-learn's convention: upper-triangular U with precision = U U' (U = L^-T).
        self.precisions_cholesky_ = np.tril(np.linalg.inv(chol)).transpose(0, 2, 1)
