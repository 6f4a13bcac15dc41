"""Refusals through the real command: a replication too
large for the machine, duplicate keys in a sweep file, bad executor options given to ``ecosim sweep``, and
Ctrl-C during ``ecosim compare``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from ecosystem.cli import app
from tests.test_robust_files import one_line_error, short
from tests.test_robust_processes import GONE_WITHIN, psutil, wait_for_workers
from tests.test_robust_sweeps import sweep_file

runner = CliRunner()

# ---------------------------------------------------------------------------------------------------
# replicate options past what fits in memory name the limit


TOO_BIG = {
    "samples 1e12": (["--samples", "1e12"],
                     "samples must be at most 10,000,000 on this machine, got 1,000,000,000,000"),
    "samples as digits": (["--samples", "1000000000000"],
                          "samples must be at most 10,000,000 on this machine, got 1,000,000,000,000"),
    "generations 1e9": (["--generations", "1e9"],
                        "generations must be at most 100,000 on this machine, got 1,000,000,000"),
    "seeds 2e6": (["-m", "10", "--seeds", "2e6"], "seeds must be at most 1,000,000 on this machine, got 2,000,000"),
}


@pytest.mark.parametrize("case", list(TOO_BIG), ids=list(TOO_BIG))
def test_replicate_too_large_for_the_machine_is_refused_naming_the_limit(tmp_path, case):
    args, expected = TOO_BIG[case]
    out = tmp_path / "r"
    started = time.perf_counter()
    result = runner.invoke(app, ["replicate", "gaussian", *args, "--out", str(out)])
    assert time.perf_counter() - started < 10  # refused, not attempted
    assert one_line_error(result) == f"error: {expected}"
    assert not out.exists()


# ---------------------------------------------------------------------------------------------------
# a key given twice in a sweep file is refused naming the file and the key


def test_a_top_level_key_given_twice_in_a_sweep_file_is_refused(tmp_path):
    path = sweep_file(tmp_path)
    first = path.read_text().splitlines().index("name: robust") + 1
    with path.open("a") as f:
        f.write("name: again\n")
    last = len(path.read_text().splitlines())
    out = tmp_path / "out"
    result = runner.invoke(app, ["sweep", str(path), "--out", str(out), "--dry-run"])
    assert one_line_error(result) == (f"error: {path}: unreadable YAML at line {last}, column 1: key 'name' given "
                                      f"twice (lines {first} and {last})")
    assert not out.exists()


def test_a_nested_key_given_twice_in_a_sweep_file_is_refused(tmp_path):
    path = tmp_path / "nested.yaml"
    path.write_text(f"""\
name: nested
base: {short(tmp_path)}
parameters:
  - path: farms.fixed_cost
    levels: [10, 20]
    levels: [30, 40]
design: {{kind: grid}}
outcomes:
  - {{name: share, metric: web.synthetic_share_new, at: 2020-03}}
""")
    result = runner.invoke(app, ["sweep", str(path), "--out", str(tmp_path / "out"), "--dry-run"])
    assert one_line_error(result) == (f"error: {path}: unreadable YAML at line 6, column 5: key 'levels' given "
                                      "twice (lines 5 and 6)")


# ---------------------------------------------------------------------------------------------------
# bad executor options through the sweep command itself


@pytest.mark.parametrize(("args", "expected"), [
    (["--dask-local", "0"], "--dask-local must be between 1 and 64 processes, got 0"),
    (["--scheduler", "not-an-address"],
     "--scheduler 'not-an-address': expected a Dask scheduler address such as tcp://10.0.0.5:8786"),
], ids=["dask-local 0", "scheduler not an address"])
def test_bad_executor_options_to_the_sweep_command_are_one_line(tmp_path, args, expected):
    path = sweep_file(tmp_path, parameters=[{"path": "farms.fixed_cost", "levels": [10, 20]}])
    out = tmp_path / "out"
    result = runner.invoke(app, ["sweep", str(path), "--out", str(out), *args])
    assert isinstance(result.exception, SystemExit)  # an exit, not an escaped exception
    assert one_line_error(result) == f"error: {expected}"
    assert not out.exists()  # refused before design.parquet was written


# ---------------------------------------------------------------------------------------------------
# Ctrl-C during compare stops at once, keeps what finished and says how to resume


@pytest.mark.slow  # worker processes interrupted
def test_ctrl_c_of_compare_stops_promptly_keeps_finished_runs_and_says_how_to_resume(tmp_path):
    fast = short(tmp_path, "fast", months="2020-02")
    slow = short(tmp_path, "slow", months="2035-12")
    out = tmp_path / "o"
    command = ["compare", str(fast), str(slow), "--seeds", "4", "--out", str(out)]
    # runs go seed by seed (fast, slow, fast, slow...): two long runs are in flight once the first fast ones end
    driver = subprocess.Popen([sys.executable, "-m", "ecosystem", *command, "--workers", "2"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    family = wait_for_workers(driver, runs_done=1, out=out)
    os.killpg(driver.pid, signal.SIGINT)  # the terminal interrupts the whole process group
    interrupted = time.monotonic()
    _, stderr = driver.communicate(timeout=30)
    assert time.monotonic() - interrupted < 10  # without running the queued runs
    assert driver.returncode == 130, stderr
    assert "Traceback" not in stderr
    finished = len(list(out.glob("runs/*.json")))
    assert 1 <= finished < 8
    assert f"interrupted: {finished} of 8 runs are finished and saved in {out}/; run the same command again " \
           "to resume (finished runs are skipped)" in " ".join(stderr.split())
    _, alive = psutil.wait_procs(list(family), timeout=GONE_WITHIN)
    assert alive == [], f"left running after Ctrl-C: {[p.pid for p in alive]}"
    dry = runner.invoke(app, [*command, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"8 runs (2 scenarios x 4 seeds): {finished} already done, {8 - finished} to do" in dry.output


@pytest.mark.parametrize("value", ["1.5", "abc", "nan", "1e400"])
def test_replicate_counts_that_are_not_whole_numbers_are_still_refused(tmp_path, value):
    result = runner.invoke(app, ["replicate", "gaussian", "--samples", value, "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"Invalid value for '--samples' / '-m': Value error, '{value}' is not a whole number" in " ".join(
        result.output.replace("│", " ").split())
    assert not (tmp_path / "r").exists()
