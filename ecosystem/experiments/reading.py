"""Reading a text reality: what a vendor's model "writes" at a date, next to what humans write, and
which named topics it held and lost along the way.

Model samples and human draws from P are both read the same way, as their nearest real documents, each with
its distance to that document and whether it lies inside P's support (the scorer's), so the two lists are
directly comparable and a sample far from all real text is not passed off as one. A sample is about one
topic (``RealityScorer.topics_of``), so the topics the model writes are the ones topic coverage counts.
The per-topic history is the scorer's Q-mass / P-mass inside P's support (``ModelScores.topic_mass_ratio``)
at each of the vendor's retrainings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ecosystem.config import Scenario, ScenarioError
from ecosystem.content.reality import no_tail_warning
from ecosystem.content.text_reality import TextWorld, build_text_reality
from ecosystem.experiments.lm_reading import WrittenPage, what_it_writes
from ecosystem.model import EcosystemModel

READING_STREAM = 900  # spawn key of the reading's own stream (with the month: derived from the run's seed)


@dataclass(frozen=True)
class ReadDoc:
    topic: str  # name of the nearest real document's topic
    title: str  # its title (a file name, a function's dotted name), or ""
    text: str  # its text
    distance: float  # from the point read to that document, in P's space
    inside: bool  # the point lies inside P's support (log p above the scorer's support quantile)


@dataclass(frozen=True)
class TopicHistory:
    """Q-mass / P-mass per topic at each retraining: ratios (n_retrains, K), NaN where a topic did not yet
    exist. ``weights`` are the topics' weights in P (the corpus's counts)."""

    names: tuple[str, ...]
    weights: np.ndarray
    dates: tuple[dt.date, ...]
    ratios: np.ndarray


@dataclass(frozen=True)
class Reading:
    vendor: str
    date: dt.date
    model: list[ReadDoc]
    humans: list[ReadDoc]
    history: TopicHistory
    scores: dict[str, float]
    written: tuple[str, ...]  # topics given at least ``threshold`` of their share in P (as coverage counts)
    topics_now: int  # topics that exist at the date
    threshold: float  # the scenario's coverage threshold
    support_quantile: float  # P's support: log p above this quantile of log p under P
    warning: str | None  # reality's own (``no_tail_warning``)
    pages: tuple[WrittenPage, ...] = ()  # what a language-model vendor writes, beside human text


def read_vendor(scenario: Scenario, *, vendor: str, at: dt.date, n: int, seed: int | None = None) -> Reading:
    """Simulate ``scenario`` to the month ``at``, then read ``n`` samples of ``vendor``'s model and ``n``
    human documents drawn from P that month. Raises ``ScenarioError`` with one line on a bad request."""
    if scenario.reality.kind != "text":
        raise ScenarioError(f"{scenario.name}: reality.kind is {scenario.reality.kind!r}; reading needs text")
    names = [v.name for v in scenario.vendors]
    if vendor not in names:
        raise ScenarioError(f"--vendor: no vendor named {vendor!r}; known: {', '.join(names) or 'none'}")
    step = scenario.month_index(at)
    if not 0 <= step < scenario.months:
        raise ScenarioError(f"--at {at:%Y-%m}: outside the scenario ({scenario.start:%Y-%m} to {scenario.end:%Y-%m})")
    entry = next(v.entry for v in scenario.vendors if v.name == vendor)
    if at < entry:  # known from the scenario: refused before the corpus is embedded and the months simulated
        raise ScenarioError(f"--at {at:%Y-%m}: {vendor} enters at {entry:%Y-%m} and has no model before; read at "
                            f"{entry:%Y-%m} or later")
    model, history = simulate_topics(scenario, vendor=vendor, until=step, seed=seed)
    agent = next(v for v in model.vendors if v.name == vendor)
    if not agent.released:
        raise ScenarioError(f"--at {at:%Y-%m}: {vendor} has released no model yet (enters {agent.config.entry:%Y-%m})")
    world = build_text_reality(scenario.reality, start=scenario.start, streams=model.rngs.reality_block)
    rng = np.random.default_rng(np.random.SeedSequence(model.seed_used, spawn_key=(READING_STREAM, step)))
    samples, _ = agent.estimator.sample(n, rng=rng)
    topics = rng.choice(model.reality.n_topics, size=n, p=model.reality.weights(step))
    human = model.reality.draw(topics, rng)
    scores = model.vendor_scores(agent).as_dict()
    threshold = scenario.metrics.coverage_threshold
    active_names = np.array(model.reality.names)[model.reality.active(step)]
    written = tuple(str(name) for name in active_names[model.vendor_scores(agent).topic_mass_ratio >= threshold])
    return Reading(vendor, at, _read(world, model, samples, step), _read(world, model, human, step), history, scores,
                   written, int(model.reality.active(step).sum()), threshold, scenario.metrics.support_quantile,
                   no_tail_warning(model.reality), what_it_writes(model, agent, n))


def simulate_topics(
    scenario: Scenario, *, vendor: str, until: int | None = None, seed: int | None = None
) -> tuple[EcosystemModel, TopicHistory]:
    """Run the scenario to step ``until`` (default: its end), recording ``vendor``'s per-topic mass ratio
    at each retraining."""
    model = EcosystemModel(scenario, seed=seed)
    agent = next(v for v in model.vendors if v.name == vendor)
    reality = model.reality
    dates, rows = [], []
    last = scenario.months - 1 if until is None else until
    for _ in range(last + 1):
        model.step()
        if agent.released and agent.trained_at[-1] == model.month:
            row = np.full(reality.n_topics, np.nan)
            row[reality.active(model.month)] = model.vendor_scores(agent).topic_mass_ratio
            rows.append(row)
            dates.append(scenario.date_of(model.month))
    ratios = np.array(rows) if rows else np.empty((0, reality.n_topics))
    return model, TopicHistory(reality.names, reality.base_weights, tuple(dates), ratios)


def _read(world: TextWorld, model: EcosystemModel, points: np.ndarray, step: int) -> list[ReadDoc]:
    nearest = world.nearest(points)
    distance = np.linalg.norm(points - world.vectors[nearest], axis=1)
    _, topic = model.scorer.topics_of(points, step)
    return [ReadDoc(world.reality.names[world.topic[i]], world.title(i), world.text(i), float(r), bool(t >= 0))
            for i, r, t in zip(nearest, distance, topic, strict=True)]
