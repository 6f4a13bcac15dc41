"""Processes: a killed worker loses only its own run, a killed driver leaves no worker behind, and bad
executor options are refused in one line before anything runs (issue 9, kind 5)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from ecosystem.experiments.executors import ExecutorError, LocalProcesses, WorkerDied, choose_executor

psutil = pytest.importorskip("psutil")


def nap(item: tuple[str, str]) -> str:
    """A stand-in for a run: the victim records its pid and waits to be killed, the others nap briefly."""
    name, folder = item
    if name == "victim":
        Path(folder, "victim.pid").write_text(str(os.getpid()))
        time.sleep(60)
    time.sleep(0.2)
    return name


def kill_when_started(pid_file: Path) -> None:
    deadline = time.monotonic() + 30
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.1)
    os.kill(int(pid_file.read_text()), signal.SIGKILL)  # what the out-of-memory killer does


def test_killing_one_local_worker_loses_only_its_run(tmp_path):
    items = [(name, str(tmp_path)) for name in ("a", "victim", "b", "c", "d")]
    killer = threading.Thread(target=kill_when_started, args=(tmp_path / "victim.pid",))
    killer.start()
    started = time.monotonic()
    with LocalProcesses(workers=2) as executor:
        results = {c.item[0]: c for c in executor.map_unordered(nap, items)}
    killer.join()
    assert time.monotonic() - started < 30  # the victim did not sleep its 60 s
    assert sorted(results) == ["a", "b", "c", "d", "victim"]
    assert {name: c.value for name, c in results.items() if c.error is None} == {n: n for n in "abcd"}
    lost = results["victim"].error
    assert isinstance(lost, WorkerDied)
    assert str(lost) == "worker process died, killed by signal 9 (out of memory, or killed by hand)"


SWEEP = """\
name: orphans
base: {base}
overrides: {{end: 2021-12}}
parameters:
  - {{path: farms.fixed_cost, levels: [10, 20, 30, 40, 50, 60]}}
design: {{kind: grid}}
outcomes:
  - {{name: share, metric: web.synthetic_share_new, at: 2021-12}}
"""


def test_killing_the_sweep_driver_leaves_no_process_of_the_sweep(tmp_path):
    sweep = tmp_path / "orphans.yaml"
    sweep.write_text(SWEEP.format(base=Path(__file__).parent / "data" / "tiny.yaml"))
    driver = subprocess.Popen([sys.executable, "-m", "ecosystem", "sweep", str(sweep), "--out", str(tmp_path / "o"),
                               "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    family: set = set()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and driver.poll() is None:  # until two workers run simulations
        try:
            family |= set(psutil.Process(driver.pid).children(recursive=True))
        except psutil.NoSuchProcess:
            break
        workers = [p for p in family if _parent(p) not in (None, driver.pid)]
        if len(workers) >= 2:
            break
        time.sleep(0.1)
    assert driver.poll() is None, "the sweep finished before it could be killed"
    assert len(workers) >= 2  # the fork server's children: the processes doing runs
    driver.kill()
    driver.wait()
    _, alive = psutil.wait_procs(list(family), timeout=15)
    assert alive == [], f"left running after the driver died: {[p.pid for p in alive]}"


def _parent(process) -> int | None:
    try:
        return process.ppid()
    except psutil.Error:
        return None


def test_executor_options_are_refused_in_one_line():
    with pytest.raises(ExecutorError, match=r"^--dask-local must be between 1 and 64 processes, got 0$"):
        choose_executor(dask_local=0)
    with pytest.raises(ExecutorError, match=r"^--workers must be between 1 and 64 processes, got 100000$"):
        choose_executor(workers=100_000)
    with pytest.raises(ExecutorError, match=r"^--scheduler 'not-an-address': expected a Dask scheduler address"):
        choose_executor(scheduler="not-an-address")
    with pytest.raises(ExecutorError, match=r"^choose one way to run: --workers or --dask-local$"):
        choose_executor(workers=2, dask_local=2)


def test_conflicting_executor_options_are_refused_before_the_sweep_writes_anything(tmp_path):
    from typer.testing import CliRunner

    from ecosystem.cli import app

    script = textwrap.dedent(f"""\
        name: s
        base: {Path(__file__).parent / "data" / "tiny.yaml"}
        parameters: [{{path: farms.fixed_cost, levels: [10, 20]}}]
        design: {{kind: grid}}
        outcomes: [{{name: share, metric: web.synthetic_share_new, at: 2021-12}}]
        """)
    (tmp_path / "s.yaml").write_text(script)
    out = tmp_path / "o"
    result = CliRunner().invoke(app, ["sweep", str(tmp_path / "s.yaml"), "--out", str(out), "--workers", "2",
                                      "--dask-local", "2"])
    assert result.exit_code == 2
    assert "choose one way to run: --workers or --dask-local" in result.output
    assert not out.exists()  # refused before design.parquet was written
