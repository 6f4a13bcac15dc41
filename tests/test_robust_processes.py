"""Processes: a killed worker loses only its own run, a killed driver leaves no worker behind, and bad
executor options are refused in one line before anything runs."""

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


VICTIM_SLEEPS = 300  # seconds: far longer than the test may take (it fails on a victim that was not killed)


def nap(item: tuple[str, str]) -> str:
    """A stand-in for a run: the victim records its pid and waits to be killed, the others nap briefly."""
    name, folder = item
    if name == "victim":
        Path(folder, "victim.pid").write_text(str(os.getpid()))
        time.sleep(VICTIM_SLEEPS)
    time.sleep(0.2)
    return name


def kill_when_started(pid_file: Path) -> None:
    """Kill the victim once its pid is written whole (the file exists, empty, before the write)."""
    deadline = time.monotonic() + 120
    while not (pid_file.exists() and pid_file.read_text().strip().isdigit()):
        if time.monotonic() > deadline:
            return  # the victim never started: the test fails on its result
        time.sleep(0.05)
    os.kill(int(pid_file.read_text()), signal.SIGKILL)  # what the out-of-memory killer does


def test_killing_one_local_worker_loses_only_its_run(tmp_path):
    items = [(name, str(tmp_path)) for name in ("a", "victim", "b", "c", "d")]
    killer = threading.Thread(target=kill_when_started, args=(tmp_path / "victim.pid",))
    killer.start()
    started = time.monotonic()
    with LocalProcesses(workers=2) as executor:
        results = {c.item[0]: c for c in executor.map_unordered(nap, items)}
    killer.join()
    assert time.monotonic() - started < VICTIM_SLEEPS / 2  # the victim did not sleep its time
    assert sorted(results) == ["a", "b", "c", "d", "victim"]
    assert {name: c.value for name, c in results.items() if c.error is None} == {n: n for n in "abcd"}
    lost = results["victim"].error
    assert isinstance(lost, WorkerDied)
    assert str(lost) == "worker process died, killed by signal 9 (out of memory, or killed by hand)"


SWEEP = """\
name: orphans
base: {base}
parameters:
  - {{path: end, levels: [2020-02, 2020-03, 2035-12, 2035-11, 2035-10, 2035-09, 2035-08, 2035-07]}}
design: {{kind: grid}}
outcomes:
  - {{name: share, metric: web.synthetic_share_new, at: 2020-02}}
"""
GONE_WITHIN = 4.0  # seconds; a long run (2035) takes several times longer, so its worker must have quit


def start_sweep(sweep: Path, out: Path) -> subprocess.Popen:
    """The sweep command in its own process group, as a terminal would start it."""
    return subprocess.Popen([sys.executable, "-m", "ecosystem", "sweep", str(sweep), "--out", str(out),
                             "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def wait_for_workers(driver: subprocess.Popen, *, runs_done: int, out: Path) -> set:
    """Every process below the driver, once two workers are simulating and ``runs_done`` runs are saved."""
    family: set = set()
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and driver.poll() is None:
        try:
            family |= set(psutil.Process(driver.pid).children(recursive=True))
        except psutil.NoSuchProcess:
            break
        workers = [p for p in family if _parent(p) not in (None, driver.pid) and p.is_running()]
        if len(workers) >= 2 and len(list(out.glob("runs/*.json"))) >= runs_done:
            return family
        time.sleep(0.05)
    raise AssertionError(f"the sweep ended or stalled before it could be stopped: {driver.poll()}")


@pytest.mark.slow  # sweeps interrupted and killed
def test_ctrl_c_or_kill_of_the_sweep_driver_leaves_no_process_and_loses_no_finished_run(tmp_path):
    sweep = tmp_path / "orphans.yaml"
    sweep.write_text(SWEEP.format(base=Path(__file__).parent / "data" / "tiny.yaml"))
    out = tmp_path / "o"
    # Ctrl-C: the terminal interrupts the whole process group
    driver = start_sweep(sweep, out)
    family = wait_for_workers(driver, runs_done=1, out=out)
    os.killpg(driver.pid, signal.SIGINT)
    interrupted = time.monotonic()
    _, stderr = driver.communicate(timeout=30)
    assert time.monotonic() - interrupted < 10  # stops promptly, without running the queued runs
    assert driver.returncode == 130
    finished = len(list(out.glob("runs/*.json")))
    assert f"interrupted: {finished} of 8 runs are finished and saved in {out}/; run the same command again " \
           "to resume (finished runs are skipped)" in " ".join(stderr.split())
    _, alive = psutil.wait_procs(list(family), timeout=GONE_WITHIN)
    assert alive == [], f"left running after Ctrl-C: {[p.pid for p in alive]}"
    # kill -9 of the driver (or its terminal closing): its workers notice and exit
    driver = start_sweep(sweep, out)
    family = wait_for_workers(driver, runs_done=finished, out=out)
    driver.kill()
    driver.wait()
    _, alive = psutil.wait_procs(list(family), timeout=GONE_WITHIN)
    assert alive == [], f"left running after the driver died: {[p.pid for p in alive]}"
    # what finished before each stop is kept and skipped on resume
    from typer.testing import CliRunner

    from ecosystem.cli import app

    dry = CliRunner().invoke(app, ["sweep", str(sweep), "--out", str(out), "--dry-run"])
    saved = len(list(out.glob("runs/*.json")))
    assert saved >= finished and f"8 runs (8 grid points x 1 seeds): {saved} already done" in dry.output


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
