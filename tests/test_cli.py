"""The command line: validate and run, with one-line errors and nothing written on failure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from ecosystem.cli import app

REPO = Path(__file__).parent.parent
TINY = REPO / "tests" / "data" / "tiny.yaml"
runner = CliRunner()

BAD = "name: bad\nhumans:\n  writers: -3\n"


@pytest.fixture
def bad_file(write_yaml) -> Path:
    return write_yaml(BAD, "bad.yaml")


def test_validate_a_good_file():
    result = runner.invoke(app, ["validate", str(TINY)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.stdout and "tiny" in result.stdout and "36 months" in result.stdout
    assert "2 vendors" in result.stdout


def test_validate_a_bad_file_names_file_and_field(bad_file):
    result = runner.invoke(app, ["validate", str(bad_file)])
    assert result.exit_code == 2
    assert "bad.yaml" in result.stderr and "humans.writers" in result.stderr
    assert result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_validate_a_missing_file(tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 2
    assert "file not found" in result.stderr


def test_validate_in_a_real_process_prints_one_line_and_no_traceback(bad_file):
    process = subprocess.run(
        [sys.executable, "-m", "ecosystem", "validate", str(bad_file)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert process.returncode != 0
    assert "Traceback" not in process.stderr + process.stdout
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1, process.stderr
    assert "error" in lines[0] and "bad.yaml" in lines[0] and "humans.writers" in lines[0]


def test_run_a_bad_scenario_runs_nothing_and_writes_nothing(bad_file, tmp_path):
    out = tmp_path / "results"
    result = runner.invoke(app, ["run", str(bad_file), "--out", str(out)])
    assert result.exit_code == 2
    assert "humans.writers" in result.stderr
    assert not out.exists()


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "tiny-run"
    result = runner.invoke(app, ["run", str(TINY), "--out", str(out), "--seed", "3"])
    return result, out


def test_run_writes_the_results_folder(cli_run):
    result, out = cli_run
    assert result.exit_code == 0, result.output
    assert {"metrics.parquet", "scenario.yaml", "manifest.json", "figures"} <= {p.name for p in out.iterdir()}
    metrics = pl.read_parquet(out / "metrics.parquet")
    assert metrics.columns == ["step", "date", "kind", "entity", "metric", "value"]
    assert metrics["step"].max() == 35
    assert not [p.name for p in out.rglob(".*.tmp")]  # no temporary files left behind


def test_run_records_what_it_ran(cli_run):
    _, out = cli_run
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["scenario"] == "tiny" and manifest["months"] == 36
    assert manifest["versions"]["numpy"] != "not installed"
    resolved = yaml.safe_load((out / "scenario.yaml").read_text())
    assert resolved["seed"] == 3  # the seed actually used, not the file's
    assert [v["name"] for v in resolved["vendors"]] == ["Early", "Late"]


def test_run_draws_figures_as_png_and_svg(cli_run):
    _, out = cli_run
    figures = out / "figures"
    stems = {p.stem for p in figures.iterdir()}
    assert stems
    for stem in stems:
        png, svg = figures / f"{stem}.png", figures / f"{stem}.svg"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "<svg" in svg.read_text()[:2000]


def test_run_prints_a_summary(cli_run):
    result, out = cli_run
    assert "tiny (seed 3)" in result.stdout
    assert "synthetic_share_new" in result.stdout and "excess_nll" in result.stdout
    assert f"Results in {out}" in result.stdout.replace("\n", "")


def test_run_without_figures(tmp_path):
    out = tmp_path / "plain"
    result = runner.invoke(app, ["run", str(TINY), "--out", str(out), "--no-figures"])
    assert result.exit_code == 0, result.output
    assert (out / "metrics.parquet").is_file()
    assert not (out / "figures").exists()


def test_no_arguments_shows_help():
    result = runner.invoke(app, [])
    assert "validate" in result.output and "run" in result.output


@pytest.mark.parametrize("seed", ["-1", "abc"])
def test_run_with_a_bad_seed_is_a_usage_error(tmp_path, seed):
    out = tmp_path / "never"
    result = runner.invoke(app, ["run", str(TINY), "--out", str(out), "--seed", seed])
    assert result.exit_code == 2
    assert "--seed" in result.stderr
    assert not isinstance(result.exception, ValueError)
    assert not out.exists()
