"""Classifiers of AI text, as detector providers train them.

A detector sees a document as its vector plus simple features: squares and pairwise products of the
coordinates (so a linear model can draw curved boundaries), and the document's best log-likelihood
under the vendors' released models, as a provider with API access can query it (the signal
DetectGPT and Binoculars use). It is fitted on trusted human text against synthetic samples, and its
threshold is set on held-out human validation data for a target false-positive rate: the rates it
achieves on the web are measured afterwards, never assumed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

Featurizer = Callable[[np.ndarray], np.ndarray]
ClassifierKind = Literal["logistic", "gradient_boosting"]


class TextDetector:
    """Fit / score / flag, scikit-learn style: learned state ends in ``_``."""

    def __init__(
        self,
        *,
        classifier: ClassifierKind = "logistic",
        target_fpr: float = 0.01,
        validation_share: float = 0.3,
    ) -> None:
        self.classifier = classifier
        self.target_fpr = target_fpr
        self.validation_share = validation_share

    def _estimator(self, seed: int):
        if self.classifier == "gradient_boosting":
            return HistGradientBoostingClassifier(max_iter=60, learning_rate=0.1, random_state=seed)
        return make_pipeline(
            PolynomialFeatures(degree=2, include_bias=False),
            StandardScaler(),
            LogisticRegression(C=1.0, max_iter=500),
        )

    def fit(self, human: np.ndarray, synthetic: np.ndarray, *, rng: np.random.Generator) -> TextDetector:
        """Train on feature rows of trusted human text (label 0) and synthetic samples (label 1); keep
        ``validation_share`` of the human rows aside to set the threshold."""
        human = np.asarray(human, dtype=np.float64)
        synthetic = np.asarray(synthetic, dtype=np.float64)
        order = rng.permutation(len(human))
        n_val = max(1, int(round(self.validation_share * len(human))))
        validation, train_human = human[order[:n_val]], human[order[n_val:]]
        X = np.vstack([train_human, synthetic])
        y = np.concatenate([np.zeros(len(train_human)), np.ones(len(synthetic))])
        self.estimator_ = self._estimator(int(rng.integers(2**31 - 1))).fit(X, y)
        self.validation_scores_ = self.score(validation)
        self.threshold_ = self.threshold_for(self.target_fpr)
        return self

    def threshold_for(self, target_fpr: float) -> float:
        """The score above which at most ``target_fpr`` of the held-out human texts lie."""
        return float(np.quantile(self.validation_scores_, 1.0 - target_fpr, method="higher"))

    def score(self, features: np.ndarray) -> np.ndarray:
        """Suspicion score in [0, 1]: the classifier's probability of synthetic."""
        if len(features) == 0:
            return np.empty(0)
        return self.estimator_.predict_proba(np.asarray(features, dtype=np.float64))[:, 1]

    def flag(self, features: np.ndarray, *, threshold: float | None = None) -> np.ndarray:
        return self.score(features) > (self.threshold_ if threshold is None else threshold)


def features(vectors: np.ndarray, log_likelihoods: np.ndarray | None) -> np.ndarray:
    """The detector's view of documents: the vector, and the best log-likelihood under the released
    models when the provider can query them."""
    vectors = np.asarray(vectors, dtype=np.float64)
    if log_likelihoods is None:
        return vectors
    return np.column_stack([vectors, np.maximum(log_likelihoods, -1e3)])
