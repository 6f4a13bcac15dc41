"""The metric table is the one home of every metric: what the recorder writes, when it exists, its plain
words, its dotted name and its row in docs/design.md all come from it, so none may drift from the others."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from ecosystem.config import Scenario
from ecosystem.experiments.catalogue import describe
from ecosystem.experiments.registry import produced_metrics
from ecosystem.experiments.run import simulate
from ecosystem.metric_table import (
    ENTITY_KINDS,
    KINDS,
    LANGUAGE_MODEL,
    METRICS,
    TEXT_PER_TOPIC,
    TEXT_WATERMARK,
    entities,
    find,
    markdown,
    metric_name,
    split_name,
)
from ecosystem.scenario_files import load_scenario

REPO = Path(__file__).parents[1]
DESIGN = REPO / "docs" / "design.md"
START, END = "<!-- metrics:start -->", "<!-- metrics:end -->"


@pytest.fixture(scope="module")
def every_feature() -> Scenario:
    return load_scenario(REPO / "tests" / "data" / "tiny_every_feature.yaml")


@pytest.fixture(scope="module")
def every_feature_metrics(every_feature: Scenario) -> pl.DataFrame:
    return simulate(every_feature, seed=0).metrics


def _written(frame: pl.DataFrame) -> set[tuple[str, str, str]]:
    return set(frame.select("kind", "entity", "metric").unique().iter_rows())


def test_every_metric_the_recorder_writes_has_a_row(tiny_run, every_feature_metrics):
    for frame in (tiny_run.metrics, every_feature_metrics):
        missing = {(kind, metric) for kind, _, metric in _written(frame) if find(kind, metric) is None}
        assert not missing, f"add these to ecosystem/metric_table.py: {sorted(missing)}"


# issue 25: a language-model vendor needs a text reality, which cannot drift by new_topics_per_year as the every-feature
# scenario's reality does; tests/test_text_web.py and tests/test_text_web_watermark.py check that a text web writes
# each of these rows.
ELSEWHERE = (LANGUAGE_MODEL, TEXT_PER_TOPIC, TEXT_WATERMARK)


def test_every_row_is_written_by_a_scenario_that_meets_its_condition(every_feature, every_feature_metrics):
    unmet = [m.needs.words for m in METRICS if m.needs is not None and m.needs not in ELSEWHERE
             and not m.needs.holds(every_feature)]
    assert not unmet, f"tests/data/tiny_every_feature.yaml lacks {unmet}"
    written = {find(kind, metric) for kind, _, metric in _written(every_feature_metrics)}
    never = [f"{m.kind}.{m.name}" for m in METRICS if m not in written and m.needs not in ELSEWHERE]
    assert not never, f"rows no run writes (wrong name, or a condition the recorder never meets): {never}"


def test_a_row_is_written_only_where_its_condition_holds(tiny, tiny_run):
    """The tiny scenario has none of the optional features: a conditional row it writes would mean the
    table's condition is not the recorder's."""
    written = {find(kind, metric) for kind, _, metric in _written(tiny_run.metrics)}
    assert not [m.name for m in written if m.needs is not None and not m.needs.holds(tiny)]


def test_every_metric_a_run_writes_has_plain_words_and_can_be_asked_for(every_feature, every_feature_metrics):
    """A metric the engine writes but the catalogue lacks would be drawn with its dotted name, and one the
    registry does not offer would be refused as an outcome (per-topic metrics are not outcomes)."""
    names = {metric_name(*row) for row in _written(every_feature_metrics)}
    assert not {name for name in names if describe(name) is None}
    per_topic = {name for name in names if re.search(r"\.topic_\d+_", name)}
    assert per_topic and names - per_topic <= produced_metrics(every_feature)


def test_dotted_names_round_trip_for_every_kind(every_feature):
    for kind in KINDS:
        for entity in entities(every_feature, kind):
            name = metric_name(kind, entity, "x")
            parts = split_name(name)
            assert parts is not None and metric_name(parts.kind, parts.entity or kind, parts.metric) == name
            assert (parts.entity is None) == (kind not in ENTITY_KINDS)
    assert metric_name("web", "web", "docs") == "web.docs"
    assert metric_name("vendor", "Pioneer", "nll") == "vendor.Pioneer.nll"
    assert entities(every_feature, "crawler") == ["Early", "Late"]
    assert entities(every_feature, "detector") == ["Sentinel"]


def test_an_unknown_kind_is_refused_not_taken_for_a_vendor(every_feature):
    with pytest.raises(ValueError, match="unknown metric kind 'market'"):
        entities(every_feature, "market")
    with pytest.raises(ValueError, match="unknown metric kind 'market'"):
        metric_name("market", "market", "users")


def test_per_topic_metrics_are_described_with_their_topic():
    assert describe("vendor.Early.topic_3_mass_ratio").label == "mass the model keeps on topic 3 (mass ratio)"
    assert describe("vendor.Early.topic_12_excess_nll").unit == "nats"
    assert describe("vendor.Early.topic_x_excess_nll") is None


def test_the_design_document_lists_every_metric_as_the_table_does():
    text = DESIGN.read_text(encoding="utf-8")
    assert START in text and END in text, f"{DESIGN} lost its metric-table markers {START} {END}"
    section = text.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"
    assert section == markdown(), (f"docs/design.md's metric names differ from ecosystem/metric_table.py: put the "
                                   f"output of `python -m ecosystem.metric_table` between {START} and {END}")


def test_no_file_cites_a_document_users_do_not_have():
    """The design and calibration notes live in docs/; a reference to a file outside the repository
    (the team's shared folder) would send a user nowhere."""
    cited = re.compile(r"DESIGN\.md|CALIBRATION\.md|STYLE\.md|\bshared/")
    places = [REPO / "README.md", *(p for d in ("ecosystem", "analysis", "dashboard", "docs", "tests", "scenarios")
                                    for p in (REPO / d).rglob("*") if p.suffix in (".py", ".md", ".yaml", ".html"))]
    found = [f"{p.relative_to(REPO)}:{n}" for p in places
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if cited.search(line)]
    assert not found, found
