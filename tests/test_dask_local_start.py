"""A Dask LocalCluster starts cheaply: it can start before the batch (while the driver imports and plans), its
workers import the engine as they start and leave it to the collector's frozen generation, and the runs then give
the results of runs in this process. Its start stays the driver's: Ctrl-C while the workers import, or a start that
fails, is one line, and no worker is left behind."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import ecosystem.experiments.executors as executors
from ecosystem.experiments.executors import DaskCluster, ExecutorError
from tests.conftest import TINY
from tests.test_local_workers_start import assert_started_early_matches_in_process
from tests.test_robust_processes import psutil

SMALL = Path(__file__).parent / "data" / "experiment_small.yaml"


def worker_state(_: object) -> tuple[int, bool]:
    """In a worker: how many objects the collector leaves alone, and whether SIGINT is blocked."""
    return gc.get_freeze_count(), signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_each_worker_imports_and_freezes_the_engine_as_it_starts_and_ignores_ctrl_c():
    with DaskCluster(local_workers=2).start() as executor:
        states = [completed.value for completed in executor.map_unordered(worker_state, range(4))]
    assert len(states) == 4
    for frozen, sigint_blocked in states:
        assert frozen > 100_000  # the engine and its libraries: several hundred thousand objects
        assert sigint_blocked  # Ctrl-C in the terminal reaches the driver only


def test_runs_on_a_cluster_started_before_the_batch_match_runs_in_this_process(tmp_path):
    assert_started_early_matches_in_process(DaskCluster(local_workers=2), tmp_path, seeds=(0, 1, 2))


def test_a_cluster_that_fails_to_start_is_one_line(monkeypatch):
    def refuse(**_):
        raise OSError("[Errno 98] Address already in use\nmore detail")

    monkeypatch.setattr(executors, "_local_cluster", refuse)
    cluster = DaskCluster(local_workers=2).start()
    with pytest.raises(ExecutorError, match=r"^the Dask LocalCluster did not start \(\[Errno 98\] Address already "
                                            r"in use\)$"):
        with cluster:
            pass


def test_an_external_scheduler_is_not_started_early():
    cluster = DaskCluster(scheduler="tcp://127.0.0.1:9")
    assert cluster.start() is cluster and cluster._starting is None  # nothing to start: the user runs it


def _workers_importing(driver: subprocess.Popen) -> list:
    """The driver's Dask workers, once one of them is importing the engine (scipy is loaded, the rest is not yet)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and driver.poll() is None:
        try:
            workers = [p for p in psutil.Process(driver.pid).children(recursive=True)
                       if "spawn_main" in " ".join(p.cmdline())]
            if any("scipy" in m.path for w in workers for m in w.memory_maps()):
                return workers
        except psutil.Error:  # a process that ended between two looks
            pass
        time.sleep(0.01)
    raise AssertionError(f"no Dask worker started importing below the driver: {driver.poll()}")


@pytest.mark.slow  # a cluster started and interrupted
def test_ctrl_c_while_the_dask_workers_import_is_the_drivers_one_line(tmp_path):
    driver = subprocess.Popen([sys.executable, "-m", "ecosystem", "compare", str(TINY),
                               str(TINY.parent / "tiny_watermark.yaml"), "--seeds", "2", "--end", "2020-04",
                               "--dask-local", "2", "--out", str(tmp_path / "o")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    workers = _workers_importing(driver)
    os.killpg(driver.pid, signal.SIGINT)  # the terminal interrupts the whole process group
    interrupted = time.monotonic()
    _, stderr = driver.communicate(timeout=60)
    assert time.monotonic() - interrupted < 5  # not waiting for the workers to finish starting
    assert driver.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert stderr == "interrupted before the first run started; run the same command again\n", stderr
    _, alive = psutil.wait_procs(workers, timeout=4)
    assert alive == [], f"left running after Ctrl-C: {[p.pid for p in alive]}"
