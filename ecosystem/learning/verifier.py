"""Verifier selection of training data (Feng, Dohmatob, Yang, Charton & Kempe 2024, arXiv 2406.07515).

Feng et al. argue that recursive training on synthesized data need not collapse when a verifier selects
which synthesized items to keep, and that the outcome turns on the verifier's quality. They compare
verifiers at a fixed training-set size, so here the vendor draws ``pool_factor`` times its training size
as candidates and the verifier chooses exactly the training size among them: a better verifier changes
*which* pages the model learns from, never *how many*. It cannot tell a human page from a synthetic one,
so it judges all of them. Two kinds, each with its own meaning of a *correct* verdict:

- ``support``: a page is correct when it lies inside reality's support (log p(x) above the scorer's
  ``support_quantile`` quantile of log p under P). Each verdict is right with probability ``accuracy``;
  the vendor trains on a uniform draw of the accepted pages (fewer only if it accepted too few).
- ``quality``: the paper's kind, a ranking of candidates. A verdict on a pair of candidates is correct
  when it puts first the one reality favours more against the generator, the higher p(x)/q(x) (q: the
  vendor's current model; before its first model q = p, so every ratio ties). ``accuracy`` is the
  probability a pairwise verdict is correct; the vendor keeps the top of the noisy ranking.

At accuracy 0.5 either kind is a coin: its choice is a uniform draw of the candidates, the same as no
verifier at the same size. Whether a better verifier halts collapse is left to the refits to show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from ecosystem.learning.mixture import Mixture


@dataclass(frozen=True)
class Verifier:
    accuracy: float  # probability that a verdict is correct (0.5: chance, 1: never wrong)
    kind: str = "support"

    def select(self, X: np.ndarray, n: int, *, reality: Mixture, support: float, generator: Mixture | None,
               rng: np.random.Generator) -> tuple[np.ndarray, float]:
        """Indices of the at most ``n`` candidate rows of X the vendor trains on, and the share of the
        candidates the verifier accepted (``support``: the log-density of reality's support edge;
        ``generator``: the model that wrote the synthetic candidates, None before the first)."""
        if self.kind == "quality":
            order = np.argsort(-self.scores(X, reality=reality, generator=generator, rng=rng), kind="stable")
            chosen = order[:n]
            return chosen, len(chosen) / max(len(X), 1)
        accepted = np.flatnonzero(self.accept(X, reality=reality, support=support, rng=rng))
        chosen = accepted if len(accepted) <= n else rng.choice(accepted, size=n, replace=False)
        return chosen, len(accepted) / max(len(X), 1)

    def accept(self, X: np.ndarray, *, reality: Mixture, support: float, rng: np.random.Generator) -> np.ndarray:
        """The support verifier's verdicts (True: accepted)."""
        correct = reality.score_samples(X) >= support
        right = rng.random(len(X)) < self.accuracy
        return np.where(right, correct, ~correct)

    def scores(self, X: np.ndarray, *, reality: Mixture, generator: Mixture | None,
               rng: np.random.Generator) -> np.ndarray:
        """The quality verifier's noisy scores: normal scores of the true p/q ranking (ties broken at
        random), mixed with independent noise at correlation rho = sin(pi (accuracy - 1/2)), which makes
        ``accuracy`` the probability that two candidates are put in the right order."""
        ratio = np.zeros(len(X)) if generator is None else reality.score_samples(X) - generator.score_samples(X)
        rank = np.empty(len(X))
        rank[np.lexsort((rng.random(len(X)), ratio))] = np.arange(len(X))
        truth = ndtri((rank + 0.5) / max(len(X), 1))
        rho = np.sin(np.pi * (self.accuracy - 0.5))
        return rho * truth + np.sqrt(1.0 - rho**2) * rng.standard_normal(len(X))
