"""A grid over one parameter answers questions: levels against a reference, seed-paired, and the level at
which an outcome changes by a given percent, with an interval or "not reached in the range swept"."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from ecosystem.cli import app
from ecosystem.experiments.one_way import threshold

DATA = Path(__file__).parent / "data"


def summary(levels: list[str], rel: list[float], half: float = 5.0) -> pl.DataFrame:
    return pl.DataFrame({"outcome": ["o"] * len(levels), "level": levels, "rel": rel,
                         "rel_low": [r - half if i else 0.0 for i, r in enumerate(rel)],
                         "rel_high": [r + half if i else 0.0 for i, r in enumerate(rel)]})


def test_threshold_interpolates_the_mean_change_and_takes_its_interval_from_the_band():
    found = threshold(summary(["0", "1", "2", "3"], [0.0, -5.0, -15.0, -30.0]), "o", percent=10)
    assert not found.rises
    assert (found.level, found.low, found.high) == pytest.approx((1.5, 1.0, 2.0))
    assert found.text("cost") == "falls by 10% at cost = 1.5 (95% interval 1 to 2)"


def test_threshold_says_when_the_range_swept_never_gets_there():
    found = threshold(summary(["0", "1", "2"], [0.0, 2.0, 4.0]), "o", percent=10)
    assert found.level is None
    assert found.text("cost") == "a 10% change is not reached in the range swept (cost 0 to 2)"
    assert threshold(summary(["0", "1", "2"], [0.0, 3.0, 12.0]), "o", percent=10).high is None  # band: beyond 2


def test_threshold_has_no_answer_for_levels_that_are_not_numbers():
    assert threshold(summary(["replace", "accumulate"], [0.0, 20.0]), "o", percent=10) is None


@pytest.mark.slow  # a whole sweep in worker processes
def test_a_one_parameter_grid_prints_levels_against_the_reference_and_draws_them(tmp_path):
    sweep = tmp_path / "one.yaml"
    sweep.write_text(f"name: cost_levels\nbase: {DATA / 'experiment_small.yaml'}\noverrides: {{end: 2021-06}}\n"
                     "parameters:\n  - {path: farms.fixed_cost, name: fixed_cost, levels: [200, 20, 2000]}\n"
                     "design: {kind: grid}\nseeds: 2\n"
                     "outcomes:\n  - {name: farms_end, metric: farms.count, at: 2021-06}\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["sweep", str(sweep), "--out", str(out), "--workers", "1", "--change", "5"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "farms_end by fixed_cost" in said and "change: from fixed_cost = 20, seed by seed" in said
    assert "farms_end falls by 5% at fixed_cost = " in said or "not reached in the range swept" in said
    table = pl.read_parquet(out / "one_way.parquet")
    assert table["level"].to_list() == ["20", "200", "2000"]  # the base scenario's level first
    assert table["diff"][0] == 0.0 and table["n"].to_list() == [2, 2, 2]
    assert (out / "figures" / "levels_farms_end.png").stat().st_size > 0
