"""The rest of a crawl (humans.other): a fixed share of the writers outside Q&A communities write shop, listing
and forum pages of their own length, take up assistants on their own Bass schedule, and count for the crawl
(WildAI) and for Ahrefs' new pages but not for Graphite's article sample."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from ecosystem.agents.writer import NO_ASSISTANT, WriterTable
from ecosystem.content.documents import Origin, PageKind
from ecosystem.experiments.batch import wide_metrics
from ecosystem.model import EcosystemModel
from ecosystem.observations import GRAPHITE_DETECTOR, ahrefs_any_share, graphite_written_share
from ecosystem.scenario_files import load_scenario

OTHER = {"share": 0.5, "tokens_mean": 300, "innovation": 0.0, "imitation": 0.0, "assisted_share": 1.0}


def test_every_second_writer_outside_qa_writes_other_pages_over_batches():
    table = WriterTable(n_topics=2)
    for n in (7, 13, 20):  # writers arrive in batches: both shares hold over all of them
        table.add(np.zeros(n, dtype=np.int64), np.full((n, 2), 0.5), np.ones(n), qa_share=0.1, other_share=0.5)
    kinds = table.kind
    assert (kinds == PageKind.QA).sum() == 4 and (kinds[[9, 19, 29, 39]] == PageKind.QA).all()
    outside_qa = np.flatnonzero(kinds != PageKind.QA)
    assert (kinds[outside_qa] == np.tile([PageKind.ARTICLE, PageKind.OTHER], 18)).all()


def _run(tiny_path, other: dict) -> EcosystemModel:
    scenario = load_scenario(tiny_path, overrides={"end": "2022-06", "humans.other": other,
                                                   "humans.assistant.innovation": 0.2})
    model = EcosystemModel(scenario, seed=5)
    for _ in range(scenario.months):
        model.step()
    return model


def test_other_pages_have_their_own_kind_and_length(tiny_path):
    model = _run(tiny_path, OTHER)
    store = model.store
    human = store.column("origin") <= Origin.ASSISTED
    other = store.column("kind") == PageKind.OTHER
    assert 0.35 < (other & human).sum() / human.sum() < 0.65
    assert not (other & ~human).any()  # farms and vendors publish articles
    assert store.column("tokens")[other].mean() == pytest.approx(300, rel=0.05)
    assert store.column("tokens")[human & ~other].mean() > 600


def test_other_writers_adopt_assistants_on_their_own_schedule(tiny_path):
    """With p = q = 0 among them, no owner of a shop or a listing adopts while the article writers do; with p = 1
    from a later start, all of them have adopted by the end and wrote assisted pages only after it."""
    never = _run(tiny_path, OTHER)
    others = never.writers.kind == PageKind.OTHER
    assert (never.writers.assistant[others] == NO_ASSISTANT).all()
    assert (never.writers.assistant[~others] != NO_ASSISTANT).mean() > 0.5
    assert not (never.store.column("kind")[never.store.column("origin") == Origin.ASSISTED] == PageKind.OTHER).any()

    late = _run(tiny_path, {**OTHER, "innovation": 1.0, "start": "2022-01"})
    others = late.writers.kind == PageKind.OTHER
    assert (late.writers.assistant[others] != NO_ASSISTANT).all()
    store = late.store
    assisted_other = (store.column("origin") == Origin.ASSISTED) & (store.column("kind") == PageKind.OTHER)
    assert assisted_other.any()
    assert store.column("month")[assisted_other].min() >= late.scenario.month_index(late.scenario.humans.other.start)


def test_graphite_leaves_other_pages_out_and_ahrefs_counts_them(tiny_path):
    """The run's own metrics against the store: Graphite's share is over the month's new articles only, Ahrefs'
    over all new pages."""
    model = _run(tiny_path, {**OTHER, "innovation": 1.0})
    store, month = model.store, model.month
    new = store.column("month") == month
    ai_share, kinds = store.column("ai_share")[new], store.column("kind")[new]
    assert (kinds == PageKind.OTHER).any() and (ai_share[kinds == PageKind.OTHER] > 0.5).any()
    wide = wide_metrics(model.recorder.to_frame()).filter(pl.col("step") == month)
    graphite = graphite_written_share(ai_share[kinds == PageKind.ARTICLE], GRAPHITE_DETECTOR)
    assert wide["web.graphite_ai_written_share"].item() == pytest.approx(graphite)
    assert graphite != pytest.approx(graphite_written_share(ai_share, GRAPHITE_DETECTOR))
    assert wide["web.ahrefs_ai_any_share"].item() == pytest.approx(ahrefs_any_share(ai_share))


def test_owners_keep_their_own_share_of_a_draft(tiny_path):
    """humans.other.human_edit 0: an assisted shop page is all the model's, while an assisted article keeps about
    humans.assistant.human_edit of its writer's draft."""
    model = _run(tiny_path, {**OTHER, "innovation": 1.0, "human_edit": 0.0})
    store = model.store
    assisted = store.column("origin") == Origin.ASSISTED
    other = store.column("kind") == PageKind.OTHER
    ai_share = store.column("ai_share")
    assert (assisted & other).sum() > 100 and (ai_share[assisted & other] == 1.0).all()
    articles = assisted & ~other
    assert articles.sum() > 100
    assert 1.0 - ai_share[articles].mean() == pytest.approx(model.scenario.humans.assistant.human_edit, abs=0.05)
