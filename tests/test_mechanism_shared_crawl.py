"""A shared public crawl: snapshots on its own schedule and budget, used only by the vendors that subscribe."""

from __future__ import annotations

import polars as pl
import pytest

from ecosystem.config import ScenarioError
from ecosystem.experiments.batch import wide_metrics
from ecosystem.experiments.run import simulate
from ecosystem.scenario_files import load_scenario

PUBLIC = {"start": "2020-03", "every": 3, "budget_per_crawl": 400, "vendors": ["Late"]}


@pytest.fixture(scope="module")
def wide() -> pl.DataFrame:
    scenario = load_scenario("tests/data/tiny.yaml", overrides={"end": "2022-06", "public_crawl": PUBLIC})
    return wide_metrics(simulate(scenario, seed=7).metrics)


def test_the_shared_crawl_takes_a_snapshot_every_few_months_within_its_budget(wide):
    crawled = wide.filter(pl.col("public_crawl.pages") > 0)
    months = crawled["date"].dt.month().to_list()
    assert crawled["date"].min().isoformat() == "2020-03-01" and set(months) == {3, 6, 9, 12}
    assert (crawled["public_crawl.pages"] <= 400).all() and crawled["public_crawl.pages"].max() == 400


def test_only_its_subscribers_train_from_it(wide):
    late = wide.filter(pl.col("vendor.Late.retrained") == 1)
    assert (late["vendor.Late.train_public_share"] > 0.1).all()
    assert "vendor.Early.train_public_share" not in wide.columns


def test_a_subscriber_must_be_a_vendor():
    with pytest.raises(ScenarioError, match="public_crawl.vendors: no vendor named 'Nobody'"):
        load_scenario("tests/data/tiny.yaml", overrides={"public_crawl": {**PUBLIC, "vendors": ["Nobody"]}})
