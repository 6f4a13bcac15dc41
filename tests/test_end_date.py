"""Stopping earlier must not change the world: a run to an earlier end is the first part of the longer run."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from ecosystem.experiments.run import simulate
from ecosystem.scenario_files import load_scenario


def test_a_shorter_run_is_the_first_part_of_the_longer_one(tiny_path):
    # Drift makes reality grow topics over the years: the world must still not depend on the end date.
    drift = {"reality.drift.new_topics_per_year": 2, "reality.drift.start": "2020-03"}
    long = simulate(load_scenario(tiny_path, overrides={**drift, "end": "2022-12"})).metrics
    short = simulate(load_scenario(tiny_path, overrides={**drift, "end": "2021-12"})).metrics
    assert short.height > 0
    prefix = long.filter(pl.col("date") <= pl.date(2021, 12, 1))
    assert_frame_equal(short.sort("step", "kind", "entity", "metric"), prefix.sort("step", "kind", "entity", "metric"))
