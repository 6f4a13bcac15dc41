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


def _printed(monkeypatch, draw) -> str:
    """What ``draw`` prints on the command line's console (200 columns), as one line of words."""
    import io

    from rich.console import Console

    import ecosystem.cli as cli

    buffer = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=buffer, width=200, color_system=None))
    draw()
    return " ".join(buffer.getvalue().split())


def test_the_terminal_rounds_a_one_way_sweep_as_the_brief_does(monkeypatch):
    """Means, changes and the threshold line by analysis.rounding and analysis.wording: 0.57 [0.18, 0.96],
    not the old three significant figures 0.569 [0.181, 0.957]."""
    from types import SimpleNamespace

    from analysis.wording import threshold_text
    from ecosystem.cli import _print_one_way

    table = pl.DataFrame({
        "outcome": ["o"] * 3, "level": ["0", "0.4", "0.8"], "n": [3, 3, 3],
        "mean": [0.56912, 0.51234, 0.40123], "ci_low": [0.18123, 0.4, 0.3], "ci_high": [0.95701, 0.62, 0.5],
        "diff": [0.0, -0.05678, -0.16789], "diff_low": [0.0, -0.0912, -0.2012], "diff_high": [0.0, -0.0211, -0.1345],
        "rel": [0.0, -9.9771, -29.5012], "rel_low": [0.0, -16.0234, -35.3456], "rel_high": [0.0, -3.7012, -23.6345]})
    file = SimpleNamespace(parameters=[SimpleNamespace(label="compliance")], outcomes=[SimpleNamespace(name="o")])
    said = _printed(monkeypatch, lambda: _print_one_way(table, file, change=10))
    assert "0.57 [0.18, 0.96]" in said and "0.569" not in said
    assert "-0.057 [-0.091, -0.021]" in said and "-10.0% [-16.0%, -3.7%]" in said
    assert "-29.5% [-35.3%, -23.6%]" in said
    found = threshold(table, "o", percent=10)
    assert threshold_text(found, "compliance") != found.text("compliance")  # the old line differs
    assert f"o {threshold_text(found, 'compliance')}" in said


def test_the_terminals_sensitivity_table_rounds_each_index_by_its_interval(monkeypatch):
    import ecosystem.cli as cli

    frame = pl.DataFrame({"outcome": ["o", "o"], "parameter": ["p", "p"], "index": ["mu_star", "mu"],
                          "value": [0.56789, 1234567.0], "conf": [0.21, None]})
    said = _printed(monkeypatch, lambda: cli.console.print(cli._frame_table(frame, title="t")))
    assert "mu_star │ 0.57 │ 0.21" in said and "0.568" not in said
    assert "1,230,000" in said and "e+06" not in said
