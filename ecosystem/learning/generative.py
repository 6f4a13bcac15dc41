"""The vendors' generative model: a Gaussian mixture really refitted on the documents it is given.

Collapse in the simulator comes only from here. The three error sources of Shumailov et al. (Nature
2024) are all present without being written down anywhere: finite training samples (statistical
error), fewer components than reality has topics (functional expressivity), and EM with a bounded
number of iterations that can stop in a local optimum (functional approximation).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ecosystem.learning.em import BatchedGaussianMixture
from ecosystem.learning.mixture import Mixture, Tempering, row_blocks

CovarianceType = Literal["full", "diag", "spherical", "tied"]
VarianceEstimator = Literal["mle", "unbiased"]


class GaussianMixtureModel:
    """Fit / sample / score, with scikit-learn's conventions (learned attributes end in ``_``).

    ``sample`` and ``score_samples`` use the *released* distribution: the fitted mixture at the
    sampling temperature (``tempering``: how it acts on the weights, ``Mixture.tempered``). That is what
    users, farms and the web see, so it is what gets scored.
    """

    def __init__(
        self,
        *,
        n_components: int = 10,
        covariance_type: CovarianceType = "full",
        temperature: float = 1.0,
        tempering: Tempering = "weights",
        max_iter: int = 100,
        tol: float = 1e-3,
        reg_covar: float = 1e-6,
        variance_estimator: VarianceEstimator = "mle",
    ) -> None:
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.temperature = temperature
        self.tempering = tempering
        self.max_iter = max_iter
        self.tol = tol
        self.reg_covar = reg_covar
        self.variance_estimator = variance_estimator

    def fit(self, X: np.ndarray, *, rng: np.random.Generator) -> GaussianMixtureModel:
        """Fit on rows of X. ``rng`` seeds EM's initialisation, so refits are reproducible."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or len(X) < 2:
            raise ValueError(f"fit needs at least 2 rows of a 2-D array, got shape {X.shape}")
        n_components = min(self.n_components, len(X) // 2)
        if n_components == 1:
            fitted, self.n_iter_, self.converged_ = self._fit_single(X), 0, True
        else:
            fitted = self._fit_em(X, n_components, seed=int(rng.integers(2**31 - 1)))
        if self.variance_estimator == "unbiased":
            fitted = _unbias(fitted, len(X))
        self.fitted_ = fitted
        self.distribution_ = fitted.tempered(self.temperature, self.tempering)
        self.n_train_ = len(X)
        return self

    def _fit_single(self, X: np.ndarray) -> Mixture:
        # One component: EM's fixed point is the closed-form MLE, so skip the iterations.
        mean = X.mean(axis=0)
        centred = X - mean
        cov = centred.T @ centred / len(X)
        cov = _shape_covariance(cov[None], self.covariance_type, weights=np.ones(1))[0]
        cov += self.reg_covar * np.eye(X.shape[1])
        return Mixture(weights=np.ones(1), means=mean[None], covariances=cov[None])

    def _fit_em(self, X: np.ndarray, n_components: int, *, seed: int) -> Mixture:
        gm = BatchedGaussianMixture(
            n_components=n_components,
            covariance_type=self.covariance_type,
            max_iter=self.max_iter,
            tol=self.tol,
            reg_covar=self.reg_covar,
            random_state=seed,
        )
        gm.fit(X)
        self.n_iter_, self.converged_ = int(gm.n_iter_), bool(gm.converged_)
        covs = _as_full(gm.covariances_, gm.covariance_type, n_components, X.shape[1])
        return Mixture(weights=gm.weights_, means=gm.means_, covariances=covs)

    def sample(self, n: int, *, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """n points from the released distribution, and the component each came from."""
        return self.distribution_.sample(n, rng)

    def score_samples(self, X: np.ndarray) -> np.ndarray:
        """Per-row log-likelihood under the released distribution."""
        return self.distribution_.score_samples(X)

    def render(self, drafts: np.ndarray, *, keep: float | np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """The model's rendition of human drafts, as an assistant writes them.

        Each draft is rewritten from the component c the model thinks it belongs to (drawn from the
        responsibilities); the writer keeps a share ``keep`` of the draft (a number, or one per draft):
        ``keep * draft + (1 - keep) * mu_c + sqrt(1 - keep^2) * L_c z``. The noise is scaled so that the
        variances add up to one: a draft of a topic the model knows exactly comes out distributed as the
        topic itself (a perfect assistant changes nothing on average), while a draft on a topic the model
        has lost is pulled toward the nearest topic it still knows: humans end up repeating after the model.
        """
        model = self.distribution_
        keep = np.broadcast_to(np.asarray(keep, dtype=np.float64), (len(drafts),))[:, None]
        u = rng.random((len(drafts), 1))
        noise = rng.standard_normal(drafts.shape)
        out = np.empty(drafts.shape)
        for rows in row_blocks(len(drafts)):  # in blocks: the cost per draft stays flat however many there are
            resp = model.responsibilities(drafts[rows])
            components = np.minimum((resp.cumsum(axis=1) < u[rows]).sum(axis=1), resp.shape[1] - 1)
            centres = model.means[components]
            spread = model.points(components, noise[rows]) - centres  # L_c z
            kept = keep[rows]
            out[rows] = kept * drafts[rows] + (1.0 - kept) * centres + np.sqrt(1.0 - kept**2) * spread
        return out


def _as_full(covs: np.ndarray, covariance_type: str, k: int, d: int) -> np.ndarray:
    if covariance_type == "full":
        return covs
    if covariance_type == "tied":
        return np.broadcast_to(covs, (k, d, d)).copy()
    if covariance_type == "diag":
        return np.einsum("ki,ij->kij", covs, np.eye(d))
    return covs[:, None, None] * np.eye(d)[None]  # spherical


def _shape_covariance(covs: np.ndarray, covariance_type: str, *, weights: np.ndarray) -> np.ndarray:
    """Restrict full covariances to the family the model was configured with."""
    d = covs.shape[1]
    if covariance_type == "diag":
        return np.einsum("kii,ij->kij", covs, np.eye(d))
    if covariance_type == "spherical":
        return np.einsum("kii->k", covs)[:, None, None] / d * np.eye(d)[None]
    if covariance_type == "tied":
        return np.broadcast_to(np.einsum("k,kij->ij", weights, covs), covs.shape).copy()
    return covs


def _unbias(mixture: Mixture, n: int) -> Mixture:
    """Bessel's correction per component, with n_k = w_k n effective samples."""
    n_k = np.maximum(mixture.weights * n, 1.0 + 1e-9)
    factor = n_k / (n_k - 1.0)
    return Mixture(mixture.weights, mixture.means, mixture.covariances * factor[:, None, None])
