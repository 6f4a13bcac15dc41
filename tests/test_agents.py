"""The agents and the monthly schedule, on the tiny scenario: contract metrics, reproducibility,
entry dates, robots.txt opt-outs, and document counts that follow from the agents' decisions."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from ecosystem.agents import ContentFarm, HumanWriter
from ecosystem.config import Scenario
from ecosystem.content.documents import Origin
from ecosystem.experiments.run import simulate
from ecosystem.metric_table import metric_name
from ecosystem.model import EcosystemModel
from ecosystem.scenario_files import load_scenario
from ecosystem.web.graph import SiteKind

VENDOR_METRICS = [
    "excess_nll",
    "nll",
    "tail_mass_ratio",
    "topic_coverage",
    "variance_ratio",
    "precision",
    "train_synthetic_share",
    "train_size",
    "lineage_depth",
]


def names(frame: pl.DataFrame) -> set[str]:
    return {metric_name(*row) for row in frame.select("kind", "entity", "metric").unique().iter_rows()}


def series(frame: pl.DataFrame, kind: str, entity: str, metric: str) -> pl.DataFrame:
    return frame.filter(pl.col("kind") == kind, pl.col("entity") == entity, pl.col("metric") == metric).sort(
        "step"
    )


@pytest.fixture(scope="module")
def stepped(tiny: Scenario):
    """The tiny scenario stepped by hand, keeping what each month's writers were expected to write."""
    model = EcosystemModel(tiny)
    expected_human_docs = []
    for _ in range(tiny.months):
        writers = model.agents_by_type[HumanWriter]
        expected_human_docs.append(sum(w.rate for w in writers))
        model.step()
    return model, np.array(expected_human_docs)


# ----------------------------------------------------------------------------------------------
# The metrics table


def test_the_contract_metrics_are_recorded(tiny_run):
    recorded = names(tiny_run.metrics)
    contract = {"web.docs", "web.synthetic_share", "web.synthetic_share_new", "web.sites", "farms.count"}
    for vendor in ("Early", "Late"):
        contract |= {f"vendor.{vendor}.{m}" for m in VENDOR_METRICS}
        contract.add(f"crawler.{vendor}.pages")
    assert contract <= recorded


def test_metrics_frame_has_exactly_the_long_format_columns(tiny_run):
    frame = tiny_run.metrics
    assert frame.columns == ["step", "date", "kind", "entity", "metric", "value"]
    assert frame.dtypes == [pl.Int32, pl.Date, pl.Utf8, pl.Utf8, pl.Utf8, pl.Float64]
    assert frame["date"].null_count() == 0 and frame["value"].is_nan().sum() == 0
    # one value per metric and month
    assert frame.select("step", "kind", "entity", "metric").is_duplicated().sum() == 0


def test_every_month_is_recorded_with_its_date(tiny, tiny_run):
    docs = series(tiny_run.metrics, "web", "web", "docs")
    assert docs["step"].to_list() == list(range(tiny.months))
    assert docs["date"].to_list() == [tiny.date_of(s) for s in range(tiny.months)]


def test_web_metrics_are_consistent(tiny_run, stepped):
    frame = tiny_run.metrics
    docs = series(frame, "web", "web", "docs")["value"].to_numpy()
    new = series(frame, "web", "web", "docs_new")["value"].to_numpy()
    np.testing.assert_array_equal(np.cumsum(new), docs)
    for metric in ("synthetic_share", "synthetic_share_new"):
        values = series(frame, "web", "web", metric)["value"].to_numpy()
        assert ((values >= 0) & (values <= 1)).all()
    sites = series(frame, "web", "web", "sites")["value"].to_numpy()
    assert (np.diff(sites) >= 0).all()
    model, _ = stepped
    assert docs[-1] == len(model.store)
    assert sites[-1] == model.web.n_sites


def test_synthetic_share_matches_the_documents(stepped):
    model, _ = stepped
    store = model.store
    origin = store.column("origin")
    last = store.month_rows(model.month, model.month)
    frame = model.recorder.to_frame()
    share = series(frame, "web", "web", "synthetic_share")["value"][-1]
    share_new = series(frame, "web", "web", "synthetic_share_new")["value"][-1]
    assert share == pytest.approx(np.mean(origin != Origin.HUMAN))
    assert share_new == pytest.approx(np.mean(origin[last] != Origin.HUMAN))
    assert share_new > 0.2  # farms and assistants are at work by the end


def test_same_seed_same_frame_different_seed_different(tiny):
    short = tiny.model_copy(update={"end": tiny.date_of(14)})
    first = simulate(short).metrics
    again = simulate(short).metrics
    other = simulate(short, seed=tiny.seed + 1).metrics
    assert first.equals(again)
    assert not first.equals(other)


def test_the_seed_argument_overrides_the_scenario_seed(tiny):
    short = tiny.model_copy(update={"end": tiny.date_of(3)})
    by_argument = simulate(short, seed=99)
    by_scenario = simulate(short.model_copy(update={"seed": 99}))
    assert by_argument.seed == 99
    assert by_argument.metrics.equals(by_scenario.metrics)


# ----------------------------------------------------------------------------------------------
# Vendors and crawlers


@pytest.mark.parametrize("name", ["Early", "Late"])
def test_a_vendor_trains_only_from_its_entry_date(tiny, tiny_run, stepped, name):
    config = next(v for v in tiny.vendors if v.name == name)
    entry = tiny.month_index(config.entry)
    frame = tiny_run.metrics.filter(pl.col("kind") == "vendor", pl.col("entity") == name)
    assert frame["step"].min() >= entry
    retrained = series(tiny_run.metrics, "vendor", name, "retrained")
    steps = retrained.filter(pl.col("value") == 1.0)["step"].to_numpy()
    assert steps[0] == entry and len(steps) >= 2  # its crawler has collected enough by then
    assert (np.diff(steps) >= config.retrain_every).all()
    model, _ = stepped
    vendor = next(v for v in model.vendors if v.name == name)
    assert vendor.trained_at[0] == entry


@pytest.mark.parametrize("name", ["Early", "Late"])
def test_a_crawler_starts_its_lead_months_before_the_vendor(tiny, tiny_run, name):
    config = next(v for v in tiny.vendors if v.name == name)
    start = tiny.month_index(config.entry) - config.crawler.lead_months
    pages = series(tiny_run.metrics, "crawler", name, "pages")
    assert pages["step"].min() == start
    assert (pages["value"] <= config.crawler.budget_per_month).all()
    assert pages["value"].max() == config.crawler.budget_per_month


def test_training_sets_respect_size_and_provenance(tiny, tiny_run):
    frame = tiny_run.metrics
    for config in tiny.vendors:
        size = series(frame, "vendor", config.name, "train_size")["value"].to_numpy()
        assert ((size >= 50) & (size <= config.train_size)).all()
        depth = series(frame, "vendor", config.name, "lineage_depth")["value"].to_numpy()
        assert (depth >= 0).all()
    # Early first trains before any machine text exists: a clean web, generation zero
    assert series(frame, "vendor", "Early", "train_synthetic_share")["value"][0] == 0.0
    assert series(frame, "vendor", "Early", "lineage_depth")["value"][0] == 0.0
    # Late trains on a web that Early and the farms have already written into
    assert series(frame, "vendor", "Late", "train_synthetic_share")["value"][-1] > 0.0


def test_scores_are_in_range(tiny_run):
    frame = tiny_run.metrics.filter(pl.col("kind") == "vendor")
    for metric in ("topic_coverage", "precision"):
        values = frame.filter(pl.col("metric") == metric)["value"]
        assert ((values >= 0) & (values <= 1)).all()
    assert (frame.filter(pl.col("metric") == "excess_nll")["value"] > -0.5).all()
    assert (frame.filter(pl.col("metric") == "variance_ratio")["value"] > 0).all()


def crawled_sites(model: EcosystemModel, name: str) -> list[tuple[int, np.ndarray]]:
    """(month, sites of the pages collected that month) for one crawler."""
    crawler = next(v for v in model.vendors if v.name == name).crawler
    site = model.store.column("site")
    return [(crawler.start_step + i, site[batch]) for i, batch in enumerate(crawler.batches)]


def test_a_compliant_crawler_never_collects_opted_out_sites(stepped):
    model, _ = stepped
    assert next(v for v in model.vendors if v.name == "Early").config.crawler.respects_opt_out
    for month, sites in crawled_sites(model, "Early"):
        assert (model.web.opt_out_month[sites] > month).all(), f"month {month}"


def test_a_non_compliant_crawler_collects_opted_out_sites(stepped):
    model, _ = stepped
    opted_out_pages = sum(
        int((model.web.opt_out_month[sites] <= month).sum()) for month, sites in crawled_sites(model, "Late")
    )
    assert opted_out_pages > 0
    assert model.web.opted_out(model.month).mean() > 0.1  # the scenario really has opt-outs


# ----------------------------------------------------------------------------------------------
# Documents follow from the agents' decisions


def test_human_documents_follow_the_writers_rates(stepped):
    model, expected = stepped
    origin, month = model.store.column("origin"), model.store.column("month")
    human = (origin == Origin.HUMAN) | (origin == Origin.ASSISTED)
    written = np.bincount(month[human], minlength=len(expected))
    # each month is a sum of Poisson counts with the writers' rates as means
    assert (np.abs(written - expected) < 5 * np.sqrt(expected) + 1).all()
    assert abs(written.sum() - expected.sum()) < 4 * np.sqrt(expected.sum())


def test_assisted_documents_appear_only_after_the_assistant_start(tiny, stepped):
    model, _ = stepped
    origin, month = model.store.column("origin"), model.store.column("month")
    start = tiny.month_index(tiny.humans.assistant.start)
    assert not ((origin == Origin.ASSISTED) & (month < start)).any()
    assert ((origin == Origin.ASSISTED) & (month >= start)).any()
    assisted = origin == Origin.ASSISTED
    assert (model.store.column("vendor")[assisted] >= 0).all()
    assert (model.store.column("lineage")[assisted] >= 1).all()


def test_vendor_pages_are_published_every_month_after_release(tiny, stepped):
    model, _ = stepped
    early = next(v for v in model.vendors if v.name == "Early")
    origin, month = model.store.column("origin"), model.store.column("month")
    published = np.bincount(month[origin == Origin.VENDOR], minlength=tiny.months)
    first = early.trained_at[0]
    assert (published[:first] == 0).all()
    assert (published[first:] == early.config.publish_per_month).all()
    vendor_site = model.store.column("site")[origin == Origin.VENDOR]
    assert (model.web.kind[vendor_site] == SiteKind.VENDOR).all()


def test_farms_enter_only_after_their_start_and_publish_to_farm_sites(tiny, tiny_run, stepped):
    model, _ = stepped
    counts = series(tiny_run.metrics, "farms", "farms", "count")
    start = tiny.month_index(tiny.farms.start)
    assert (counts.filter(pl.col("step") < start)["value"] == 0).all()
    assert counts["value"].max() > 0
    origin, site, month = (model.store.column(c) for c in ("origin", "site", "month"))
    farm = origin == Origin.FARM
    assert farm.any() and (month[farm] >= start).all()
    assert (model.web.kind[site[farm]] == SiteKind.FARM).all()
    assert len(model.agents_by_type.get(ContentFarm, [])) == counts["value"][-1]


def test_humans_stop_publishing_from_their_stop_month(tiny_path):
    scenario = load_scenario(tiny_path, overrides={"end": "2020-12", "humans.stop": "2020-07"})
    model = EcosystemModel(scenario)
    for _ in range(scenario.months):
        model.step()
    origin, month = model.store.column("origin"), model.store.column("month")
    human = (origin == Origin.HUMAN) | (origin == Origin.ASSISTED)
    assert human[month < 6].sum() > 0
    assert human[month >= 6].sum() == 0


def test_a_web_without_vendors_runs_through_the_ai_era(tiny_path):
    """A human-only control: the assistant and farm eras begin, but there is no model to use."""
    scenario = load_scenario(tiny_path, overrides={"end": "2021-09"})
    scenario = scenario.model_copy(update={"vendors": []})
    frame = simulate(scenario).metrics
    assert (series(frame, "web", "web", "synthetic_share")["value"] == 0).all()
    assert (series(frame, "farms", "farms", "count")["value"] == 0).all()
    assert frame.filter(pl.col("kind").is_in(["vendor", "crawler"])).is_empty()


def test_the_assistant_era_may_begin_before_the_first_release(tiny_path):
    scenario = load_scenario(tiny_path, overrides={"end": "2021-03", "humans.assistant.start": "2020-02"})
    model = EcosystemModel(scenario)
    for _ in range(scenario.months):
        model.step()
    origin, month = model.store.column("origin"), model.store.column("month")
    first_release = min(v.trained_at[0] for v in model.vendors if v.trained_at)
    assert not ((origin == Origin.ASSISTED) & (month < first_release)).any()
