"""`ecosim calibrate` end to end on the tiny calibration: it writes the posterior and diagnostics after every
generation, and killed after generation 0 the same command continues with generation 1 without redoing 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from ecosystem.cli import app

pytest.importorskip("pyabc")
TINY = Path(__file__).parents[1] / "scenarios" / "calibration" / "tiny.yaml"


@pytest.mark.slow  # a calibration killed and resumed
def test_calibrate_writes_the_posterior_and_resumes_after_a_kill(tmp_path):
    out = tmp_path / "out"
    command = ["calibrate", str(TINY), "--out", str(out), "--workers", "1"]
    process = subprocess.Popen([sys.executable, "-m", "ecosystem", *command], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not (out / "diagnostics.parquet").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    first = pl.read_parquet(out / "diagnostics.parquet")
    noise = (out / "noise.json").read_text(encoding="utf-8")  # the pilot's, before any generation
    assert first["generation"].to_list() == [0], "the kill came too late to test anything"
    generation_0 = pl.read_parquet(out / "posterior.parquet")

    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    assert "(1 done)" in result.output
    assert "pilot:" not in result.output and (out / "noise.json").read_text(encoding="utf-8") == noise  # kept
    diagnostics = pl.read_parquet(out / "diagnostics.parquet")
    assert diagnostics["generation"].to_list() == [0, 1]
    assert diagnostics.row(0) == first.row(0)  # generation 0 is not simulated again
    assert set(diagnostics.columns) >= {"epsilon", "ess", "acceptance_rate", "simulations", "wall_seconds"}
    assert diagnostics["epsilon"][1] <= diagnostics["epsilon"][0]
    posterior = pl.read_parquet(out / "posterior.parquet")
    assert posterior.filter(pl.col("generation") == 0).equals(generation_0)
    assert posterior.columns == ["generation", "particle", "weight", "distance", "farms.tokens_per_doc",
                                 "humans.assistant.human_edit"]
    assert (posterior["distance"] >= 0).all()
    assert posterior.group_by("generation").agg(pl.col("weight").sum())["weight"].to_list() == pytest.approx([1, 1])
    assert posterior.filter(pl.col("generation") == 1).height == 4
    # a log-uniform prior is sampled as log10 of the value; the posterior holds the values themselves
    assert posterior["farms.tokens_per_doc"].is_between(200, 2000).all()

    shown = CliRunner().invoke(app, ["posterior", str(out)])  # the values a calibrated scenario takes
    assert shown.exit_code == 0, shown.output
    closest = posterior.filter(pl.col("generation") == 1).sort("distance").row(0, named=True)
    assert f"--set farms.tokens_per_doc={round(closest['farms.tokens_per_doc'])}" in shown.output


def test_calibrate_takes_one_way_to_run(tmp_path):
    result = CliRunner().invoke(app, ["calibrate", str(TINY), "--out", str(tmp_path / "out"), "--workers", "1",
                                      "--dask-local", "2"])
    assert result.exit_code == 2
    assert "give one of --workers, --scheduler and --dask-local" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.slow  # two generations on two worker processes
def test_calibrate_on_two_workers_runs_every_generation(tmp_path):
    """pyabc's multicore samplers fork the command's process; once polars has started its threads (the pilot, the
    tables written after generation 0) the forked workers deadlocked and generation 1 never finished."""
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "ecosystem", "calibrate", str(TINY), "--out", str(out), "--workers",
                           "2"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert pl.read_parquet(out / "diagnostics.parquet")["generation"].to_list() == [0, 1]


@pytest.mark.slow  # a tiny calibration and its recheck
def test_a_recheck_picks_the_particle_closest_on_fresh_seeds(tmp_path):
    """The particle closest on the calibration's own seeds is partly luck: with `recheck`, the closest candidates
    are simulated again on seeds after the calibration's and its pilot's, and the calibrated scenario's values
    (`ecosim posterior`) are those of the one closest there. A finished calibration is not rechecked twice."""
    text = TINY.read_text(encoding="utf-8").replace("base: ../baseline.yaml", f"base: {TINY.parents[1]}/baseline.yaml")
    text = text.replace("file: ../../data/targets.csv", f"file: {TINY.parents[2]}/data/targets.csv")
    config = tmp_path / "tiny_recheck.yaml"
    config.write_text(text + "recheck: {candidates: 3, seeds: 2}\n", encoding="utf-8")
    out = tmp_path / "out"
    command = ["calibrate", str(config), "--out", str(out), "--workers", "1"]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    assert "recheck: the 3 closest particles on seeds 3-4" in result.output  # after seed 0 and pilot seeds 1-2

    rechecked = pl.read_parquet(out / "recheck.parquet")
    last = pl.read_parquet(out / "posterior.parquet").filter(pl.col("generation") == 1)
    assert sorted(rechecked["particle"].to_list()) == sorted(last.sort("distance").head(3)["particle"].to_list())
    assert rechecked["recheck_distance"].is_sorted() and (rechecked["recheck_distance"] >= 0).all()
    best = last.filter(pl.col("particle") == rechecked["particle"][0]).row(0, named=True)

    shown = CliRunner().invoke(app, ["posterior", str(out)])
    assert shown.exit_code == 0, shown.output
    assert "on 2 fresh seeds, of the 3 closest particles rechecked" in shown.output
    assert f"--set farms.tokens_per_doc={round(best['farms.tokens_per_doc'])}" in shown.output

    again = CliRunner().invoke(app, command)
    assert again.exit_code == 0, again.output
    assert "recheck:" not in again.output
    assert pl.read_parquet(out / "recheck.parquet").equals(rechecked)

    config.write_text(text + "recheck: {candidates: 3, seeds: 1}\n", encoding="utf-8")  # other settings
    other = CliRunner().invoke(app, command)
    assert other.exit_code == 0, other.output
    assert "recheck: the 3 closest particles on seeds 3-3" in other.output
    assert pl.read_parquet(out / "recheck.parquet")["recheck_seeds"].to_list() == [1, 1, 1]
