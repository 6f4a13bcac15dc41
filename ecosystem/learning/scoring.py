"""Exact scores of a model Q against the known reality P: the collapse measurements.

Expectations under P use the stratified held-out human test set (each topic weighted by its weight
in P), so rare topics are measured as precisely as common ones. Masses of Q on P's topics use Q's own
samples, softly assigned to topics by P's posterior: E_P[r_k] = w_k exactly, so the Q-mass of a topic
is directly comparable to its P-mass.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ecosystem.content.reality import Reality
from ecosystem.learning.mixture import Mixture


@dataclass(frozen=True)
class ModelScores:
    nll: float  # held-out human negative log-likelihood (the paper's perplexity, in nats)
    excess_nll: float  # E_P[log p - log q]: an estimate of KL(P || Q)
    tail_mass_ratio: float  # Q-mass / P-mass on the rarest topics (1 = faithful, 0 = tail lost)
    topic_coverage: float  # share of existing topics to which Q gives a fair share of mass
    variance_ratio: float  # total variance of Q over that of P
    precision: float  # share of Q's samples inside P's support (1 - hallucination rate)

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class ScoringSettings:
    model_samples: int = 4000
    coverage_threshold: float = 0.1
    support_quantile: float = 0.01


class RealityScorer:
    """Scores models against reality as it stands at one step (cached until topics change)."""

    def __init__(self, reality: Reality, settings: ScoringSettings) -> None:
        self.reality = reality
        self.settings = settings
        self._step_key: int | None = None

    def _prepare(self, step: int) -> None:
        key = int(self.reality.active(step).sum())
        if key == self._step_key:
            return
        self._step_key = key
        active = self.reality.active(step)
        self.p = self.reality.mixture(step)
        self.weights = self.p.weights[active]
        self.tail = self.reality.tail[active]
        self.test = self.reality.test_points[active]  # (K_active, n, d)
        flat = self.test.reshape(-1, self.test.shape[-1])
        self.log_p_test = self.p.score_samples(flat).reshape(self.test.shape[:2])
        self.support_threshold = _weighted_quantile(
            self.log_p_test, self.weights, self.settings.support_quantile
        )
        self.p_trace = float(np.trace(self.p.total_covariance()))

    def score(self, q: Mixture, *, step: int, rng: np.random.Generator) -> ModelScores:
        self._prepare(step)
        flat = self.test.reshape(-1, self.test.shape[-1])
        log_q = q.score_samples(flat).reshape(self.test.shape[:2])
        nll = float(self.weights @ (-log_q).mean(axis=1))
        excess = float(self.weights @ (self.log_p_test - log_q).mean(axis=1))

        samples, _ = q.sample(self.settings.model_samples, rng)
        active = self.reality.active(step)
        q_mass = self.p.responsibilities(samples)[:, active].mean(axis=0)
        tail_ratio = float(q_mass[self.tail].sum() / self.weights[self.tail].sum())
        covered = q_mass >= self.settings.coverage_threshold * self.weights
        precision = float(np.mean(self.p.score_samples(samples) >= self.support_threshold))
        variance_ratio = float(np.trace(q.total_covariance()) / self.p_trace)
        return ModelScores(nll, excess, tail_ratio, float(covered.mean()), variance_ratio, precision)


def _weighted_quantile(values: np.ndarray, topic_weights: np.ndarray, q: float) -> float:
    """Quantile of log p over P, from the stratified test set (values: (K, n))."""
    flat = values.ravel()
    w = np.repeat(topic_weights / values.shape[1], values.shape[1])
    order = np.argsort(flat)
    cdf = np.cumsum(w[order])
    return float(flat[order][np.searchsorted(cdf, q)])
