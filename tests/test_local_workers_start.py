"""Local workers start cheaply: the fork server can start before the batch (while the driver imports and
plans) and the runs then give the results of runs in this process; each worker leaves the package it was
forked with to the collector's frozen generation, so collecting never copies the server's memory."""

from __future__ import annotations

import gc
from pathlib import Path

import polars as pl

from ecosystem.experiments.batch import RunSpec, run_batch
from ecosystem.experiments.executors import InProcess, LocalProcesses
from ecosystem.scenario_files import load_scenario

SMALL = Path(__file__).parent / "data" / "experiment_small.yaml"


def frozen_objects(_: object) -> int:
    """In a worker: how many objects the collector leaves alone."""
    return gc.get_freeze_count()


def test_a_worker_freezes_the_package_it_was_forked_with():
    with LocalProcesses(workers=1) as executor:
        [completed] = list(executor.map_unordered(frozen_objects, [None]))
    assert completed.error is None
    assert completed.value > 100_000  # the engine and its libraries: several hundred thousand objects


def assert_started_early_matches_in_process(early, folder: Path, seeds: tuple[int, ...]) -> None:
    """``early`` (an executor not yet entered) starts twice as once, and its runs equal runs in this process."""
    scenario = load_scenario(SMALL, overrides={"end": "2020-12"}).model_dump(mode="json")

    def specs(under: Path) -> list[RunSpec]:
        return [RunSpec(label="small", scenario=scenario, seed=seed, folder=str(under)) for seed in seeds]

    assert early.start() is early and early.start() is early  # starting twice is starting once
    with early as executor:
        report = run_batch(specs(folder / "early"), executor=executor)
    assert report.done == len(seeds) and report.failures == []
    with InProcess() as executor:
        run_batch(specs(folder / "one"), executor=executor)
    for started, one in zip(specs(folder / "early"), specs(folder / "one"), strict=True):
        assert pl.read_parquet(started.metrics_path).equals(pl.read_parquet(one.metrics_path))


def test_runs_on_a_server_started_before_the_batch_match_runs_in_this_process(tmp_path):
    assert_started_early_matches_in_process(LocalProcesses(workers=2), tmp_path, seeds=(0, 1))
