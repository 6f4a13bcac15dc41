"""Exact scores of a model Q against the known reality P: the collapse measurements.

Expectations under P use the stratified held-out human test set (each topic weighted by its weight
in P), so rare topics are measured as precisely as common ones.

Masses of Q on P's topics count only Q's mass *inside P's support* (where log p is above its
``support_quantile`` quantile under P), each point wholly on the topic it is about, its most likely topic
under P (``topics_of``), as a reader reads it: a model that spreads mass far from every topic gets no
credit for it, and one that writes two topics gets none on the topics that merely overlap them. P's own
mass is measured the same way on the test set, so a model equal to P scores 1. Q's side is integrated with
a fixed number of points per component of Q (scrambled Sobol points mapped to normals, weighted by the
component's weight), so a score moves by well under 0.01 from one scoring stream to another.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
from scipy.stats import norm, qmc

from ecosystem.content.reality import Reality
from ecosystem.learning.mixture import Mixture


@dataclass(frozen=True)
class ModelScores:
    nll: float  # held-out human negative log-likelihood (the paper's perplexity, in nats)
    excess_nll: float  # E_P[log p - log q]: an estimate of KL(P || Q)
    # Rare (common) topics kept: the mean over the rarest (the other) topics of min(Q-mass / P-mass, 1), so a
    # narrow component piling mass on one rare topic cannot make up for the rare topics the model has lost.
    tail_kept: float
    common_kept: float
    tail_mass_ratio: float  # Q-mass / P-mass summed over the rarest topics: one spike can push it above 1
    topic_coverage: float  # share of existing topics to which Q gives a fair share of mass
    variance_ratio: float  # total variance of Q over that of P
    precision: float  # share of Q's samples inside P's support (1 - hallucination rate)
    # Who loses: the stratified test set gives each topic's own excess NLL, E_{P_k}[log p - log q].
    worst_topic_excess_nll: float  # the largest of them
    worst_topic: float  # which topic that is (its index in reality)
    tail_excess_nll: float  # their P-weighted mean over the rarest topics (excess_nll is over all topics)
    topics_lost: float  # existing topics to which Q gives less than coverage_threshold of their mass
    # Per topic that exists (not metric rows: per-topic reports use them): Q-mass / P-mass inside P's
    # support, and the topic's excess NLL.
    topic_mass_ratio: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False, compare=False)
    topic_excess_nll: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False, compare=False)
    # Who loses among the topics the model could have learned (those that existed when its training data was
    # crawled), kept apart from drift: the P-weighted mean excess NLL of the topics that appeared since (NaN: none).
    worst_known_topic_excess_nll: float = np.nan
    worst_known_topic: float = np.nan
    drift_excess_nll: float = np.nan

    def as_dict(self) -> dict[str, float]:
        """The metric rows; drift's only once a topic has appeared since the training crawl. Read field by field:
        ``dataclasses.asdict`` deep-copies the per-topic arrays only to drop them, and metrics ask every month."""
        values = ((f.name, getattr(self, f.name)) for f in fields(self))
        return {k: v for k, v in values if k not in ("topic_mass_ratio", "topic_excess_nll")
                and not (k == "drift_excess_nll" and np.isnan(v))}


@dataclass(frozen=True)
class ScoringSettings:
    model_samples: int = 8000
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
        active = self.active = self.reality.active(step)
        # Topics that do not exist yet have weight 0: P's densities skip them.
        self.p = self.reality.mixture(step).components(np.flatnonzero(active))
        self.weights = self.p.weights
        self.tail = self.reality.tail[active]
        self.test = self.reality.test_points[active]  # (K_active, n, d)
        flat = self.test.reshape(-1, self.test.shape[-1])
        log_p_test, p_likeliest = self.p.score_and_likeliest(flat)
        self.log_p_test = log_p_test.reshape(self.test.shape[:2])
        self.support_threshold = _weighted_quantile(
            self.log_p_test, self.weights, self.settings.support_quantile
        )
        self.p_trace = float(np.trace(self.p.total_covariance()))
        # P's own mass inside its support, per topic, counted as topics_of counts:
        # sum_j w_j mean_{x in test_j} 1{x inside, about k}
        topic = np.where(log_p_test >= self.support_threshold, p_likeliest, -1)
        about = (topic[:, None] == np.arange(len(self.weights))).reshape(*self.test.shape[:2], -1)
        self.p_inside_mass = self.weights @ about.mean(axis=1)  # (K_active,)

    def support_log_density(self, step: int) -> float:
        """The log-density above which a point lies inside reality's support at ``step``."""
        self._prepare(step)
        return self.support_threshold

    def topics_of(self, points: np.ndarray, step: int) -> tuple[np.ndarray, np.ndarray]:
        """Each point's log-density under P and the topic it is about (its most likely topic under P, an index
        into the topics that exist at ``step``), -1 outside P's support. Topic masses count points this way."""
        self._prepare(step)
        return self._topics(points)

    def _topics(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        log_p, likeliest = self.p.score_and_likeliest(points)
        return log_p, np.where(log_p >= self.support_threshold, likeliest, -1)

    def topic_share(self, step: int) -> np.ndarray:
        """P's own mass inside its support on each topic that exists, counted as ``topics_of`` counts."""
        self._prepare(step)
        return self.p_inside_mass

    def score(self, q: Mixture, *, step: int, rng: np.random.Generator, known_step: int | None = None) -> ModelScores:
        """Q against P at ``step``; topics that appeared after ``known_step`` (when Q's training data was
        crawled; default ``step``) count as drift in the known/drift split."""
        self._prepare(step)
        flat = self.test.reshape(-1, self.test.shape[-1])
        log_q = q.score_samples(flat).reshape(self.test.shape[:2])
        nll = float(self.weights @ (-log_q).mean(axis=1))
        per_topic = (self.log_p_test - log_q).mean(axis=1)
        excess = float(self.weights @ per_topic)
        worst = int(np.argmax(per_topic))
        no_tail = not self.tail.any()  # equal weights (no_tail_warning): NaN, not 0/0
        tail_excess = np.nan if no_tail else float(self.weights[self.tail] @ per_topic[self.tail]
                                                   / self.weights[self.tail].sum())

        q_inside_mass, precision = self._q_inside_support(q, rng)
        ratio = q_inside_mass / np.maximum(self.p_inside_mass, 1e-300)
        tail_ratio = np.nan if no_tail else float(q_inside_mass[self.tail].sum() / self.p_inside_mass[self.tail].sum())
        kept = np.minimum(ratio, 1.0)
        # With every topic rare (or none), the other side has no topics: NaN, never a made-up 1.
        tail_kept, common_kept = (float(kept[side].mean()) if side.any() else np.nan
                                  for side in (self.tail, ~self.tail))
        covered = q_inside_mass >= self.settings.coverage_threshold * self.p_inside_mass
        variance_ratio = float(np.trace(q.total_covariance()) / self.p_trace)
        return ModelScores(nll, excess, tail_kept, common_kept, tail_ratio, float(covered.mean()), variance_ratio,
                           precision, float(per_topic[worst]), float(np.flatnonzero(self.active)[worst]), tail_excess,
                           float((~covered).sum()), ratio, per_topic,
                           **self._known_and_drift(per_topic, step if known_step is None else known_step))

    def _known_and_drift(self, per_topic: np.ndarray, known_step: int) -> dict[str, float]:
        topics = np.flatnonzero(self.active)
        known = self.reality.appears_at[topics] <= known_step  # the original topics always are
        worst = np.flatnonzero(known)[np.argmax(per_topic[known])]
        drift = ~known
        return {
            "worst_known_topic_excess_nll": float(per_topic[worst]),
            "worst_known_topic": float(topics[worst]),
            "drift_excess_nll": float(self.weights[drift] @ per_topic[drift] / self.weights[drift].sum())
            if drift.any() else np.nan,
        }

    def _q_inside_support(self, q: Mixture, rng: np.random.Generator) -> tuple[np.ndarray, float]:
        """Q's mass inside P's support on each topic that exists (shape (K_active,)), and its whole mass inside
        the support (its precision). Q is integrated component by component on the same scrambled Sobol
        normals; a point's mass goes to the topic it is about."""
        used = np.flatnonzero(q.weights > 0)
        m = 2 ** int(np.ceil(np.log2(max(16, self.settings.model_samples / max(len(used), 1)))))
        uniform = qmc.Sobol(q.dim, scramble=True, seed=rng).random(m)
        z = norm.ppf(np.clip(uniform, 1e-12, 1 - 1e-12))
        points = q.means[used, None, :] + z @ q._chol[used].transpose(0, 2, 1)  # (C, m, d): mu_c + L_c z
        _, topic = self._topics(points.reshape(-1, q.dim))
        # Each point carries its component's weight over m, if it lies inside the support.
        mass = (topic >= 0) * np.repeat(q.weights[used] / m, m)
        return np.bincount(np.maximum(topic, 0), weights=mass, minlength=len(self.weights)), float(mass.sum())


def _weighted_quantile(values: np.ndarray, topic_weights: np.ndarray, q: float) -> float:
    """Quantile of log p over P, from the stratified test set (values: (K, n))."""
    flat = values.ravel()
    w = np.repeat(topic_weights / values.shape[1], values.shape[1])
    order = np.argsort(flat)
    cdf = np.cumsum(w[order])
    return float(flat[order][np.searchsorted(cdf, q)])
