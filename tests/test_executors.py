"""Executors: the same runs give identical files on one process, two processes and a Dask cluster;
finished runs are skipped on re-run; a failing run is reported while the others finish."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from ecosystem.experiments.batch import RunSpec, run_batch
from ecosystem.experiments.executors import DaskCluster, InProcess, LocalProcesses, choose_executor
from ecosystem.scenario_files import load_scenario

DATA = Path(__file__).parent / "data"


def specs_for(folder: Path, *, seeds=(0, 1)) -> list[RunSpec]:
    """Two scenarios (18 months each) on common seeds."""
    specs = []
    for name in ("experiment_small.yaml", "experiment_variant.yaml"):
        scenario = load_scenario(DATA / name, overrides={"end": "2021-06"})
        specs += [RunSpec(label=scenario.name, scenario=scenario.model_dump(mode="json"), seed=seed,
                          folder=str(folder), tags={"scenario": scenario.name}) for seed in seeds]
    return specs


def contents(specs: list[RunSpec]) -> dict[str, pl.DataFrame]:
    return {spec.run_id: pl.read_parquet(spec.metrics_path) for spec in specs}


@pytest.fixture(scope="module")
def in_process_results(tmp_path_factory) -> dict[str, pl.DataFrame]:
    specs = specs_for(tmp_path_factory.mktemp("one"))
    with InProcess() as executor:
        report = run_batch(specs, executor=executor)
    assert (report.done, report.skipped, report.failures) == (4, 0, [])
    return contents(specs)


def test_run_files_hold_one_row_per_month_and_one_column_per_metric(in_process_results):
    frame = next(iter(in_process_results.values()))
    assert frame.height == 18
    assert frame.columns[:4] == ["scenario", "seed", "step", "date"]
    assert {"web.synthetic_share_new", "vendor.Early.excess_nll", "farms.count"} <= set(frame.columns)


@pytest.mark.parametrize("make", [lambda: LocalProcesses(workers=2), lambda: DaskCluster(local_workers=2)],
                         ids=["2-local-processes", "dask-localcluster-2"])
def test_results_are_identical_on_every_executor(tmp_path, in_process_results, make):
    specs = specs_for(tmp_path)
    with make() as executor:
        report = run_batch(specs, executor=executor)
    assert report.failures == [] and report.done == 4
    other = contents(specs)
    assert other.keys() == in_process_results.keys()
    for run_id, frame in other.items():
        assert frame.equals(in_process_results[run_id]), run_id
    assert any(not a.equals(b) for a, b in zip(other.values(), list(other.values())[1:], strict=False))


def test_rerun_skips_finished_runs_and_redoes_only_the_missing_one(tmp_path):
    specs = specs_for(tmp_path, seeds=(0,))
    with InProcess() as executor:
        assert run_batch(specs, executor=executor).done == 2
    kept, lost = specs
    kept_time = os.stat(kept.metrics_path).st_mtime_ns
    lost.metrics_path.unlink()  # as if the driver had been killed while this run was in flight
    ran = []
    with InProcess() as executor:
        report = run_batch(specs, executor=executor, on_finish=lambda spec, failure: ran.append(spec.run_id))
    assert (report.done, report.skipped) == (1, 1)
    assert ran == [lost.run_id]
    assert lost.is_done() and os.stat(kept.metrics_path).st_mtime_ns == kept_time


def test_a_failing_run_is_reported_with_its_parameters_while_the_others_finish(tmp_path):
    good = specs_for(tmp_path, seeds=(0,))
    broken_scenario = {**good[0].scenario, "humans": {**good[0].scenario["humans"], "writers": 0}}
    broken = RunSpec(label="broken", scenario=broken_scenario, seed=0, folder=str(tmp_path),
                     params={"humans.writers": 0})
    finished = []
    with LocalProcesses(workers=2) as executor:
        report = run_batch([good[0], broken, good[1]], executor=executor,
                           on_finish=lambda spec, failure: finished.append((spec.label, failure)))
    assert report.done == 2 and len(report.failures) == 1
    line = report.failures[0].describe()
    assert line.startswith("broken seed 0 (humans.writers=0): ScenarioError: broken: humans.writers:")
    assert "\n" not in line
    assert good[0].is_done() and good[1].is_done() and not broken.is_done()
    assert sorted(label for label, _ in finished) == sorted(["broken", good[0].label, good[1].label])


def test_choose_executor_follows_the_options():
    assert isinstance(choose_executor(workers=1), InProcess)
    assert choose_executor(workers=3).workers == 3
    assert choose_executor().workers == (os.cpu_count() or 1)
    assert choose_executor(dask_local=2).local_workers == 2
    assert choose_executor(scheduler="tcp://127.0.0.1:8786").scheduler == "tcp://127.0.0.1:8786"
    with pytest.raises(ValueError, match="choose one way to run: --workers or --scheduler"):
        choose_executor(workers=2, scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ValueError, match="--workers must be between 1 and 64 processes, got 0"):
        choose_executor(workers=0)


def test_a_scheduler_address_runs_the_same_runs(tmp_path, in_process_results):
    from distributed import LocalCluster

    specs = specs_for(tmp_path, seeds=(1,))
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        with DaskCluster(scheduler=cluster.scheduler_address) as executor:
            report = run_batch(specs, executor=executor)
    assert report.done == 2
    for run_id, frame in contents(specs).items():
        assert frame.equals(in_process_results[run_id])
