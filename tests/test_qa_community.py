"""Q&A communities (humans.qa): their writers are a fixed share of writers, their pages are shorter and of their
own kind, Graphite's measure leaves them out, and Stack Overflow's is their questions still asked."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from ecosystem.agents.writer import WriterTable
from ecosystem.content.documents import DocumentStore, Origin, PageKind
from ecosystem.experiments.batch import wide_metrics
from ecosystem.experiments.run import simulate
from ecosystem.model import EcosystemModel
from ecosystem.scenario_files import load_scenario

QA = {"immediate": 0.9, "with_adoption": 0.1}


def test_every_tenth_writer_writes_in_a_qa_community_without_a_random_draw():
    table = WriterTable(n_topics=2)
    for n in (7, 13, 20):  # writers arrive in batches: the share holds over all of them
        table.add(np.zeros(n, dtype=np.int64), np.full((n, 2), 0.5), np.ones(n), qa_share=0.1)
    assert table.qa.sum() == 4 and table.qa[[9, 19, 29, 39]].all()


def _run(tiny_path, **overrides) -> tuple[EcosystemModel, pl.DataFrame]:
    scenario = load_scenario(tiny_path, overrides={"end": "2022-06", **overrides})
    model = EcosystemModel(scenario, seed=5)
    for _ in range(scenario.months):
        model.step()
    return model, wide_metrics(simulate(scenario, seed=5).metrics)


def test_qa_pages_are_their_own_kind_and_shorter(tiny_path):
    model, _ = _run(tiny_path, **{"humans.qa": {"share": 0.25, "tokens_mean": 200, "displacement": QA}})
    store = model.store
    human = store.column("origin") <= Origin.ASSISTED
    qa = store.column("kind") == PageKind.QA
    assert 0.1 < (qa & human).sum() / human.sum() < 0.4
    assert not (qa & ~human).any()  # farms and vendors publish articles
    assert store.column("tokens")[qa].mean() == pytest.approx(200, rel=0.05)
    assert store.column("tokens")[human & ~qa].mean() > 600


def test_assistants_displace_the_communitys_questions_not_the_articles(tiny_path):
    model, wide = _run(tiny_path, **{"humans.qa": {"share": 0.25, "displacement": QA}})
    assert model.qa_displaced == model.displaced_docs  # only questions go unasked: articles have no displacement
    late = wide.filter(pl.col("date") >= pl.date(2022, 1, 1))
    assert late["humans.stackoverflow_question_share"].mean() < 0.6
    assert late["humans.displaced"].sum() > 0


def test_graphite_counts_articles_only():
    from ecosystem.observations import GRAPHITE_DETECTOR, graphite_written_share

    store = DocumentStore(dim=2)
    store.begin_month(0)
    store.append(np.zeros((2, 2)), origin=Origin.HUMAN, month=0, site=np.zeros(2, int), tokens=np.full(2, 500))
    store.append(np.zeros((2, 2)), origin=Origin.FARM, month=0, site=np.zeros(2, int), tokens=np.full(2, 500),
                 kind=PageKind.QA)
    articles = store.column("kind") == PageKind.ARTICLE
    assert graphite_written_share(store.column("ai_share")[articles]) == pytest.approx(GRAPHITE_DETECTOR.fpr)


def test_a_communitys_network_effect_deepens_its_decline_month_after_month(tiny_path):
    """Fewer questions drive more askers away: with the network effect the share still asked falls below the
    assistants' own displacement, by more as the months go on, and articles are still not displaced."""
    qa = {"share": 0.25, "displacement": {"immediate": 0.3, "with_adoption": 0.0}}
    _, alone = _run(tiny_path, **{"humans.qa": qa})
    model, network = _run(tiny_path, **{"humans.qa": {**qa, "community_elasticity": 0.8, "community_memory": 2}})
    assert model.qa_displaced == model.displaced_docs

    def yearly(wide: pl.DataFrame) -> list[float]:
        started = wide.filter(pl.col("humans.displaced") > 0)
        by_year = started.group_by(pl.col("date").dt.year()).agg(pl.col("humans.stackoverflow_question_share").mean())
        return by_year.sort("date")["humans.stackoverflow_question_share"].to_list()

    alone_share, network_share = yearly(alone), yearly(network)
    assert len(network_share) >= 2
    gaps = [a - n for a, n in zip(alone_share, network_share, strict=True)]
    assert gaps[0] > 0.05 and gaps[-1] > gaps[0]  # below, and further below later
    assert network_share[-1] < 0.5 * alone_share[-1]


class _OneTopicMonth:
    """What ``WriterTable._not_displaced`` reads of a model, for a month in which the assistant answers every
    question's topic fully: the closed form below needs the displacement held constant."""

    def __init__(self, scenario) -> None:
        self.scenario = scenario
        self.month = scenario.months - 1
        self.assistant_adoption = 0.0
        self.displaced_docs = self.qa_displaced = 0

    def assistant_answers(self) -> np.ndarray:
        return np.ones(1)


@pytest.mark.parametrize("elasticity", [0.3, 0.5, 0.7])
def test_a_community_settles_where_the_closed_form_says(tiny_path, elasticity):
    """With a constant displacement d the share still asked settles at (1 - d) ** (1 / (1 - e)); 200,000
    questions a month measure it to about 0.001, so a fixed point off by a tenth of e is rejected."""
    d = 0.6
    qa = {"share": 0.5, "displacement": {"immediate": d, "with_adoption": 0.0},
          "community_elasticity": elasticity, "community_memory": 3}
    model = _OneTopicMonth(load_scenario(tiny_path, overrides={"humans.qa": qa}))
    table, rng = WriterTable(n_topics=1), np.random.default_rng(0)
    questions = np.full(200_000, PageKind.QA, dtype=np.int8)
    for _ in range(60):
        written = table._not_displaced(model, np.zeros(len(questions), dtype=np.int64), questions, rng)
    expected = (1 - d) ** (1 / (1 - elasticity))
    assert written.mean() == pytest.approx(expected, abs=0.004)
    near_miss = (1 - d) ** (1 / (1 - 0.9 * elasticity))
    assert abs(written.mean() - near_miss) > 0.008
