"""Who loses: each topic's excess NLL (exact, from the stratified test set), the worst-off topic, the topics
lost, per-topic rows at retrainings, and who trains on whose output."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from ecosystem.config import RealityConfig
from ecosystem.content.reality import build_reality
from ecosystem.experiments.run import simulate
from ecosystem.learning.mixture import Mixture
from ecosystem.learning.scoring import RealityScorer, ScoringSettings
from ecosystem.scenario_files import load_scenario


@pytest.fixture(scope="module")
def reality():
    config = RealityConfig(dim=6, topics=12, topic_spread=6.0, test_per_topic=200)
    return build_reality(config, months=12, drift_start_step=0, streams=lambda i: np.random.default_rng([4, i]))


def _score(reality, q):
    scorer = RealityScorer(reality, ScoringSettings(model_samples=2000))
    return scorer.score(q, step=0, rng=np.random.default_rng(0))


def test_a_model_that_drops_one_topic_names_it_as_the_worst_off_and_lost(reality):
    p = reality.mixture(0)
    dropped = int(np.argsort(p.weights)[len(p.weights) // 2])  # a middling topic, neither head nor tail
    weights = p.weights.copy()
    weights[dropped] = 0.0
    s = _score(reality, Mixture(weights / weights.sum(), p.means, p.covariances))
    assert s.worst_topic == dropped and s.topics_lost == 1
    assert s.worst_topic_excess_nll > 5 * s.excess_nll
    # the topics' excess NLLs, weighted by P, are the model's excess NLL
    assert p.weights @ s.topic_excess_nll == pytest.approx(s.excess_nll)


def test_a_model_that_thins_the_tail_loses_more_on_rare_topics_than_on_average(reality):
    p = reality.mixture(0)
    weights = np.where(reality.tail, 0.2 * p.weights, p.weights)
    s = _score(reality, Mixture(weights / weights.sum(), p.means, p.covariances))
    assert s.tail_excess_nll > 2 * s.excess_nll > 0 and s.topics_lost == 0


def test_a_faithful_model_loses_nothing(reality):
    s = _score(reality, reality.mixture(0))
    assert s.topics_lost == 0 and abs(s.worst_topic_excess_nll) < 1e-9 and abs(s.tail_excess_nll) < 1e-9


@pytest.fixture(scope="module")
def closed_loop():
    overrides = {"end": "2021-04", "humans.writers": 60, "reality.test_per_topic": 40,
                 "metrics.model_samples": 1000, "metrics.per_topic": True}
    scenario = load_scenario("scenarios/closed_loop.yaml", overrides=overrides)
    wide = simulate(scenario, seed=5).metrics.filter(pl.col("entity") == "Solo", pl.col("kind") == "vendor")
    return scenario, wide.pivot("metric", index="step", values="value").sort("step")


def test_per_topic_rows_are_written_at_retrainings_only(closed_loop):
    scenario, wide = closed_loop
    topics = [c for c in wide.columns if c.startswith("topic_") and c.endswith("_mass_ratio")]
    assert len(topics) == scenario.reality.topics
    written = wide.filter(pl.col(topics[0]).is_not_null())
    assert written.height == 4 and (written["retrained"] == 1).all()
    assert (wide.filter(pl.col("retrained") == 1)["step"] == written["step"]).all()


def test_the_closed_loop_vendor_trains_on_its_own_output_after_its_first_model(closed_loop):
    _, wide = closed_loop
    retrains = wide.filter(pl.col("retrained") == 1)
    assert retrains["train_share_own"][0] == 0.0 and (retrains["train_share_own"][1:] == 1.0).all()
    assert (retrains["train_share_others"] == 0.0).all()


def test_the_topic_mass_figure_lists_topics_rarest_first(tmp_path):
    import datetime as dt

    from analysis.topic_figures import draw_topic_mass, topic_mass_figure
    from ecosystem.experiments.reading import TopicHistory

    history = TopicHistory(("common", "rare", "middle"), np.array([0.6, 0.1, 0.3]),
                           (dt.date(2020, 1, 1), dt.date(2020, 5, 1)), np.array([[1.0, 0.5, 1.0], [1.2, 0.01, np.nan]]))
    labels = [t.get_text() for t in topic_mass_figure(history, vendor="Solo").axes[0].get_yticklabels()]
    assert [label.split()[0] for label in labels] == ["rare", "middle", "common"]
    assert {p.suffix for p in draw_topic_mass(history, tmp_path, vendor="Solo")} == {".png", ".svg"}


@pytest.fixture(scope="module")
def drifting():
    """Reality over five years with two new topics a year from the start."""
    config = RealityConfig(dim=6, topics=12, topic_spread=6.0, test_per_topic=200,
                           drift={"new_topics_per_year": 2, "start": "2000-01"})
    return build_reality(config, months=60, drift_start_step=0, streams=lambda i: np.random.default_rng([5, i]))


def test_the_tail_is_rare_original_topics_not_drift_topics(drifting):
    assert drifting.n_topics > drifting.n_original
    assert not drifting.tail[drifting.n_original:].any() and drifting.tail[: drifting.n_original].any()


def test_the_worst_known_topic_is_one_the_model_could_have_learned(drifting):
    """P as it stood at the training crawl, scored three years on: its worst topic is a new one, its worst known
    topic is not, and drift's cost is reported apart."""
    crawled, now = 6, 42
    scores = RealityScorer(drifting, ScoringSettings(model_samples=2000)).score(
        drifting.mixture(crawled), step=now, rng=np.random.default_rng(0), known_step=crawled)
    known = drifting.appears_at <= crawled
    assert not known[int(scores.worst_topic)]
    assert known[int(scores.worst_known_topic)]
    assert scores.worst_known_topic_excess_nll < scores.worst_topic_excess_nll
    assert scores.drift_excess_nll > 10 * max(scores.worst_known_topic_excess_nll, 1e-3)
