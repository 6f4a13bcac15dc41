"""``ecosim sweep`` end to end: a grid with its heat map, a Morris screening with its indices."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from ecosystem.cli import app
from ecosystem.experiments.sweep import load_sweep, plan_sweep

DATA = Path(__file__).parent / "data"
runner = CliRunner()


@pytest.mark.slow  # a whole sweep in worker processes
def test_grid_sweep_writes_design_outcomes_and_heat_maps(tmp_path):
    out = tmp_path / "grid"
    dry = runner.invoke(app, ["sweep", str(DATA / "sweep_grid.yaml"), "--out", str(out), "--dry-run"])
    assert dry.exit_code == 0 and "4 runs (4 grid points x 1 seeds): 0 already done, 4 to do" in dry.output
    assert not out.exists()
    result = runner.invoke(app, ["sweep", str(DATA / "sweep_grid.yaml"), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    design = pl.read_parquet(out / "design.parquet")
    assert design.rows() == [(0, 20, 0.7), (1, 20, 1.0), (2, 200, 0.7), (3, 200, 1.0)]
    outcomes = pl.read_parquet(out / "outcomes.parquet")
    assert outcomes.columns == ["point", "seed", "fixed_cost", "temperature", "synthetic_new_end",
                                "early_nll_mean"]
    assert outcomes.height == 4 and outcomes["early_nll_mean"].is_not_null().all()
    # the mean over 2021 is the mean of the monthly values read back from the run files
    runs = [pl.read_parquet(f) for f in sorted((out / "runs").glob("p00001-*.parquet"))]
    months = runs[0].filter(pl.col("date").dt.year() == 2021)["vendor.Early.excess_nll"]
    assert outcomes.filter(pl.col("point") == 1)["early_nll_mean"].item() == months.mean()
    assert pl.read_parquet(out / "sensitivity.parquet").is_empty()
    for outcome in ("synthetic_new_end", "early_nll_mean"):
        assert (out / "figures" / f"heatmap_{outcome}.png").is_file()
        assert (out / "figures" / f"heatmap_{outcome}.svg").is_file()
    # every vendor runs with the temperature of its point (the * path), the others keep the base
    _, specs = plan_sweep(load_sweep(DATA / "sweep_grid.yaml"), folder=out / "runs")
    assert [v["temperature"] for v in specs[1].scenario["vendors"]] == [1.0, 1.0]
    assert [specs[i].scenario["farms"]["fixed_cost"] for i in range(4)] == [20, 20, 200, 200]
    assert all(spec.is_done() for spec in specs)
    again = runner.invoke(app, ["sweep", str(DATA / "sweep_grid.yaml"), "--out", str(out), "--workers", "1"])
    assert again.exit_code == 0 and "4 runs, 4 already done, 0 to do" in again.output


@pytest.mark.slow  # a whole sweep in worker processes
def test_morris_sweep_writes_indices_with_intervals_and_their_figure(tmp_path):
    sweep_file = tmp_path / "morris.yaml"
    sweep_file.write_text(yaml.safe_dump({
        "name": "morris_small",
        "base": str(DATA / "experiment_small.yaml"),
        "overrides": {"end": "2021-06"},
        "parameters": [
            {"path": "vendors.Early.components", "name": "components", "low": 2, "high": 10, "integer": True},
            {"path": "vendors.*.temperature", "name": "temperature", "low": 0.6, "high": 1.0},
        ],
        "design": {"kind": "morris", "samples": 2, "seed": 1},
        "outcomes": [{"name": "nll", "metric": "vendor.Early.excess_nll", "at": "2021-06"}],
    }))
    out = tmp_path / "out"
    result = runner.invoke(app, ["sweep", str(sweep_file), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert len(list((out / "runs").glob("*.parquet"))) == 2 * (2 + 1)
    indices = pl.read_parquet(out / "sensitivity.parquet")
    assert set(indices["index"]) == {"mu_star", "mu", "sigma"}
    assert set(indices["parameter"]) == {"components", "temperature"}
    mu_star = indices.filter(pl.col("index") == "mu_star")
    assert (mu_star["value"] >= 0).all() and mu_star["conf"].is_not_null().all()
    assert (out / "figures" / "morris_nll.png").is_file() and (out / "figures" / "morris_nll.svg").is_file()


def test_a_bad_sweep_file_fails_with_one_line(tmp_path):
    sweep_file = tmp_path / "bad.yaml"
    sweep_file.write_text(f"name: b\nbase: {DATA / 'experiment_small.yaml'}\nparameters: []\n"
                          "design: {kind: grid}\noutcomes: [{name: x, metric: web.docs, at: 2021-01}]\n")
    result = runner.invoke(app, ["sweep", str(sweep_file), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert f"{sweep_file}: parameters: List should have at least 1 item" in result.output.replace("\n", "")
