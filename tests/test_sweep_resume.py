"""A sweep killed mid-way keeps every finished run, whole, and the same command finishes the rest."""

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

DATA = Path(__file__).parent / "data"


@pytest.mark.slow  # a sweep killed and resumed
def test_killed_sweep_resumes_where_it_stopped(tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "ecosystem", "sweep", str(DATA / "sweep_grid.yaml"), "--out", str(out),
               "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while len(list((out / "runs").glob("*.json"))) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    manifests = sorted((out / "runs").glob("*.json"))
    assert 1 <= len(manifests) < 4, "the kill came too late to test anything"
    finished = {m.with_suffix(".parquet"): m.with_suffix(".parquet").stat().st_mtime_ns for m in manifests}
    for path in finished:
        assert pl.read_parquet(path).height == 24  # whole files only: writes are atomic

    result = CliRunner().invoke(app, ["sweep", str(DATA / "sweep_grid.yaml"), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert f"4 runs, {len(finished)} already done, {4 - len(finished)} to do" in result.output
    assert len(list((out / "runs").glob("*.parquet"))) == 4
    assert all(path.stat().st_mtime_ns == mtime for path, mtime in finished.items())
    assert pl.read_parquet(out / "outcomes.parquet").height == 4
