"""A pretraining pipeline's quality filter, as FineWeb-Edu and DCLM build theirs: a classifier trained to
tell a reference set of "high-quality" pages from random web pages, which then keeps the top share of
the pages it scores.

What the filter prefers comes from its reference set, never from a rule about synthetic text. DCLM's
positives are largely instruction data written by models (OpenHermes 2.5) beside human answers (ELI5);
a reference drawn from the released models' output teaches the classifier what model text looks like,
and tempered model text sits near the common topics' centres: the typical text. Whether that makes the
filter keep more synthetic pages than human ones is measured on the crawl (the AI / human survival
ratio), and compared with the audit of Russell et al. 2026 (docs/calibration.md).
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler


class QualityClassifier:
    """Fit on reference pages (label 1) against background web pages (label 0); ``keep`` the top share.

    Squares and products of the coordinates let the linear model draw curved boundaries, so it can learn
    "near a topic's centre" as well as "about this topic"."""

    def __init__(self, *, keep_share: float) -> None:
        self.keep_share = keep_share

    def fit(self, reference: np.ndarray, background: np.ndarray) -> QualityClassifier:
        X = np.vstack([reference, background]).astype(np.float64)
        y = np.concatenate([np.ones(len(reference)), np.zeros(len(background))])
        self.estimator_ = make_pipeline(PolynomialFeatures(degree=2, include_bias=False), StandardScaler(),
                                        LogisticRegression(C=1.0, max_iter=500)).fit(X, y)
        return self

    def score(self, X: np.ndarray) -> np.ndarray:
        """The classifier's probability that a page is reference-like ("high quality")."""
        return self.estimator_.predict_proba(np.asarray(X, dtype=np.float64))[:, 1]

    def keep(self, X: np.ndarray) -> np.ndarray:
        """A mask keeping the ``keep_share`` of rows with the highest scores."""
        n_keep = int(round(self.keep_share * len(X)))
        kept = np.zeros(len(X), dtype=bool)
        if n_keep:
            kept[np.argsort(-self.score(X), kind="stable")[:n_keep]] = True
        return kept
