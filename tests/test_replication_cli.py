"""``ecosim replicate``: listing, one small experiment's folder, and clean one-line errors."""

from __future__ import annotations

import json

import polars as pl
import pytest
from typer.testing import CliRunner

from ecosystem.cli import app
from ecosystem.replication import EXPERIMENTS

runner = CliRunner()


def test_list_names_every_experiment():
    result = runner.invoke(app, ["replicate", "--list"])
    assert result.exit_code == 0, result.output
    for name in EXPERIMENTS:
        assert name in result.output


def test_small_experiment_writes_its_folder(tmp_path):
    out = tmp_path / "reg"
    args = ["regression", "--samples", "12", "--generations", "3", "--seeds", "4", "--policy", "replace",
            "--policy", "accumulate", "-o", "dim=2", "--out", str(out)]
    result = runner.invoke(app, ["replicate", *args])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir() if not p.name.startswith(".ecosim")} == {
        "table.parquet", "manifest.json", "figure.png", "figure.svg"}
    table = pl.read_parquet(out / "table.parquet")
    assert set(table["arm"]) == {"replace", "accumulate"} and table["n_seeds"].max() == 4
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["options"]["dim"] == 2 and manifest["options"]["policies"] == ["replace", "accumulate"]


@pytest.mark.parametrize(("args", "needle"), [
    (["gaussian", "--samples", "1"], "samples must be >= 2, got 1"),
    (["mixing", "--real-share", "1.5"], "real_share must be in [0, 1], got 1.5"),
    (["gaussian", "--policy", "forget"], "'forget'"),
    (["gmm", "--temperature", "0.5"], "--temperature does not apply to experiment 'gmm'"),
    (["categorical", "-o", "colour=red"], "--option 'colour=red'"),
    (["nonsense"], "unknown experiment 'nonsense'"),
    (["regression", "--seed", "-1"], "seed must be >= 0, got -1"),
])
def test_bad_values_give_one_clean_line(args, needle, tmp_path):
    result = runner.invoke(app, ["replicate", *args, "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert needle in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()
