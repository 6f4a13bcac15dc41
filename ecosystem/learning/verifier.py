"""Verifier pruning of training data (Feng, Dohmatob, Yang, Charton & Kempe 2024, arXiv 2406.07515).

Feng et al. argue that recursive training on synthesized data need not collapse when a verifier selects
which synthesized items to keep, and that the outcome turns sharply on the verifier's quality. Here a
vendor's verifier judges every page of its training pool before the training set is drawn (it cannot
tell a human page from a synthetic one, so it judges all of them).

The truth it is judged against is the one the scorer uses for precision: a page is *correct* when it
lies inside reality's support (log p(x) above the ``support_quantile`` quantile of log p under P), the
opposite of a hallucination. A verifier of ``accuracy`` a gives the correct verdict on each page with
probability a and the wrong one otherwise: at a = 1 it removes exactly the hallucinated pages, at
a = 0.5 its verdicts carry no information and it keeps a random half. Whether refitting on what it keeps
halts collapse is left to the refits to show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecosystem.learning.mixture import Mixture


@dataclass(frozen=True)
class Verifier:
    accuracy: float  # probability that a verdict is correct (0.5: chance, 1: never wrong)

    def accept(self, X: np.ndarray, *, reality: Mixture, support: float, rng: np.random.Generator) -> np.ndarray:
        """Which rows of X the verifier keeps (a boolean mask); ``support``: the log-density above which
        a point lies inside reality's support."""
        correct = reality.score_samples(X) >= support
        right = rng.random(len(X)) < self.accuracy
        return np.where(right, correct, ~correct)
