"""Reality P: a known mixture of named topics, optionally growing new topics over time.

Because P is known exactly, every vendor model can be scored exactly against it (see
``learning.scoring``). Two kinds exist and the engine treats them alike: ``gaussian`` draws K isotropic
topics with Zipf weights (below); ``text`` fits one full-covariance Gaussian per topic to real documents
embedded with sentence-transformers (``content.text_reality``). All topics, including those that only
appear later, exist from the start, so a run's reality is fixed by its scenario and seed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ecosystem.config import RealityConfig
from ecosystem.learning.mixture import Mixture, component_points

NEVER_ABSENT = -(10**9)  # appears_at of the topics that exist before any run starts


@dataclass(frozen=True)
class Reality:
    means: np.ndarray  # (K_total, d)
    covariances: np.ndarray  # (K_total, d, d) within-topic covariance
    base_weights: np.ndarray  # (K_total,) topic weights (topic 0 is the most common original topic)
    appears_at: np.ndarray  # (K_total,) step from which each topic exists (NEVER_ABSENT for the original ones)
    tail: np.ndarray  # (K_total,) bool: the rarest topics whose fading signals collapse
    test_points: np.ndarray  # (K_total, n, d) held-out test set drawn from P, stratified by topic
    names: tuple[str, ...]  # (K_total,) what each topic is about, for people reading results
    n_original: int  # topics 0..n_original-1 exist from the start; the others appear by drift
    _chol: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_chol", np.linalg.cholesky(self.covariances))

    @property
    def n_topics(self) -> int:
        return len(self.base_weights)

    @property
    def dim(self) -> int:
        return self.means.shape[1]

    def active(self, step: int) -> np.ndarray:
        return self.appears_at <= step

    def weights(self, step: int) -> np.ndarray:
        """Topic weights at a step: the weights of the topics that exist, renormalised."""
        w = np.where(self.active(step), self.base_weights, 0.0)
        return w / w.sum()

    def mixture(self, step: int) -> Mixture:
        return Mixture(weights=self.weights(step), means=self.means, covariances=self.covariances)

    def draw(self, topics: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One human document vector for each topic in ``topics``."""
        return component_points(self.means, self._chol, topics, rng.standard_normal((len(topics), self.dim)))


def build_reality(
    config: RealityConfig,
    *,
    months: int,
    drift_start_step: int,
    streams: Callable[[int], np.random.Generator],
    start: dt.date | None = None,
) -> Reality:
    """Reality for a run of ``months`` months starting at ``start`` (the calendar month of step 0, which
    places a dated text corpus's topics in time). ``streams(i)`` is the random stream of topic block
    ``i``: block 0 holds the original topics, block j >= 1 the j-th topic that appears by drift. Each
    block draws from its own stream, so a run that ends earlier has the same world, minus the topics that
    would have appeared after its end (the world never depends on the end date)."""
    if config.kind == "text":
        from ecosystem.content.text_reality import build_text_reality

        return build_text_reality(config, start=start or dt.date(2000, 1, 1), streams=streams).reality
    n_new = _count_new_topics(config, months=months, drift_start_step=drift_start_step)
    blocks = [_draw_topics(config, config.topics, streams(0))]
    blocks += [_draw_topics(config, 1, streams(j)) for j in range(1, n_new + 1)]
    means, stds, test = (np.concatenate(parts) for parts in zip(*blocks, strict=True))
    k_total = config.topics + n_new
    ranks = np.arange(1, config.topics + 1)
    zipf = ranks ** -config.zipf_exponent
    # New topics enter at the tail's weight: they start rare, as new subjects do.
    base = np.concatenate([zipf, np.full(n_new, zipf[-1])])
    appears = np.full(k_total, NEVER_ABSENT)
    if n_new:
        months_per_topic = 12.0 / config.drift.new_topics_per_year
        appears[config.topics :] = drift_start_step + np.ceil(months_per_topic * np.arange(1, n_new + 1)).astype(int)
    covariances = (stds**2)[:, None, None] * np.eye(config.dim)[None]
    names = tuple(f"topic {k + 1}" for k in range(k_total))
    tail = tail_topics(base, n_original=config.topics, fraction=config.tail_fraction)
    return Reality(means, covariances, base / base.sum(), appears, tail, test, names, config.topics)


def tail_topics(weights: np.ndarray, *, n_original: int, fraction: float) -> np.ndarray:
    """The rarest ``fraction`` of the original topics. Topics that appear later are drift, not tail: they are
    rare because they are new, and models trained before they appeared cannot know them (scored apart,
    ``ModelScores.drift_excess_nll``). Ties never split by order: every original topic
    as rare as the boundary one is in, and no topic as common as the most common is, so equal weights give
    no tail (``no_tail_warning``)."""
    n_tail = max(1, int(round(fraction * n_original)))
    original = weights[:n_original]
    boundary = np.sort(original)[n_tail - 1]
    tail = np.zeros(len(weights), dtype=bool)
    tail[:n_original] = (original <= boundary) & (original < original.max())
    return tail


def no_tail_warning(reality: Reality) -> str | None:
    """One line when no original topic is rarer than another: the tail metrics are NaN while no tail topic exists."""
    if reality.tail[: reality.n_original].any():
        return None
    return (f"warning: the {reality.n_original} original topics all have the same weight: no tail, so the tail "
            "metrics are NaN until a tail topic exists")


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
