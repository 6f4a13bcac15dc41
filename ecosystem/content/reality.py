"""Reality P: a known mixture of topics with Zipf weights, optionally growing new topics over time.

Because P is known exactly, every vendor model can be scored exactly against it (see
``learning.scoring``). All topics, including those that only appear later, are drawn at the start,
so a run's reality is fixed by its seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ecosystem.config import RealityConfig
from ecosystem.learning.mixture import Mixture


@dataclass(frozen=True)
class Reality:
    means: np.ndarray  # (K_total, d)
    stds: np.ndarray  # (K_total,) isotropic within-topic standard deviation
    base_weights: np.ndarray  # (K_total,) Zipf weights by rank (topic 0 is the most common)
    appears_at: np.ndarray  # (K_total,) step from which each topic exists (-inf for the original ones)
    tail: np.ndarray  # (K_total,) bool: the rarest topics whose fading signals collapse
    test_points: np.ndarray  # (K_total, n, d) held-out human test set, stratified by topic

    @property
    def n_topics(self) -> int:
        return len(self.base_weights)

    def active(self, step: int) -> np.ndarray:
        return self.appears_at <= step

    def weights(self, step: int) -> np.ndarray:
        """Topic weights at a step: the Zipf weights of the topics that exist, renormalised."""
        w = np.where(self.active(step), self.base_weights, 0.0)
        return w / w.sum()

    def mixture(self, step: int) -> Mixture:
        d = self.means.shape[1]
        covs = (self.stds**2)[:, None, None] * np.eye(d)[None]
        return Mixture(weights=self.weights(step), means=self.means, covariances=covs)

    def draw(self, topics: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One human document vector for each topic in ``topics``."""
        noise = rng.standard_normal((len(topics), self.means.shape[1]))
        return self.means[topics] + self.stds[topics, None] * noise


def build_reality(
    config: RealityConfig, *, months: int, drift_start_step: int, streams: Callable[[int], np.random.Generator]
) -> Reality:
    """Reality for a run of ``months`` months. ``streams(i)`` is the random stream of topic block ``i``:
    block 0 holds the original topics, block j >= 1 the j-th topic that appears by drift. Each block draws
    from its own stream, so a run that ends earlier has the same world, minus the topics that would have
    appeared after its end (the world never depends on the end date)."""
    n_new = _count_new_topics(config, months=months, drift_start_step=drift_start_step)
    blocks = [_draw_topics(config, config.topics, streams(0))]
    blocks += [_draw_topics(config, 1, streams(j)) for j in range(1, n_new + 1)]
    means, stds, test = (np.concatenate(parts) for parts in zip(*blocks, strict=True))
    k_total = config.topics + n_new
    ranks = np.arange(1, config.topics + 1)
    zipf = ranks ** -config.zipf_exponent
    # New topics enter at the tail's weight: they start rare, as new subjects do.
    base = np.concatenate([zipf, np.full(n_new, zipf[-1])])
    appears = np.full(k_total, -(10**9))
    if n_new:
        months_per_topic = 12.0 / config.drift.new_topics_per_year
        appears[config.topics :] = drift_start_step + np.ceil(months_per_topic * np.arange(1, n_new + 1)).astype(int)
    n_tail = max(1, int(round(config.tail_fraction * config.topics)))
    tail = np.zeros(k_total, dtype=bool)
    tail[config.topics - n_tail :] = True
    tail[config.topics :] = True
    return Reality(means, stds, base / base.sum(), appears, tail, test)


def _draw_topics(config: RealityConfig, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Centres, widths and held-out human test points of ``n`` topics."""
    means = rng.normal(scale=config.topic_spread, size=(n, config.dim))
    stds = rng.uniform(*config.topic_width, size=n)
    test = means[:, None, :] + stds[:, None, None] * rng.standard_normal((n, config.test_per_topic, config.dim))
    return means, stds, test


def _count_new_topics(config: RealityConfig, *, months: int, drift_start_step: int) -> int:
    rate = config.drift.new_topics_per_year
    if rate <= 0:
        return 0
    remaining = max(0, months - max(drift_start_step, 0))
    return int(np.floor(remaining / (12.0 / rate)))
