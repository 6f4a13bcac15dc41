"""Many runs, each written to disk the moment it finishes, so a killed batch resumes where it stopped.

A ``RunSpec`` is everything one run needs (the resolved scenario as a plain dict, the seed, the folder)
and ``execute_run`` is the plain top-level function shipped to workers: it simulates and writes
``<run_id>.parquet`` (one row per month, one column per metric, plus the run's tags and seed) and then
``<run_id>.json`` (its manifest), both atomically. A run counts as done when both files exist, so
``run_batch`` skips finished runs and only the runs in flight are lost if the driver is killed. The
run id carries a hash of the scenario and seed: a changed scenario is a new run, never a stale hit.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from ecosystem.config import validate_scenario
from ecosystem.experiments.executors import Completed, Executor
from ecosystem.experiments.run import manifest, simulate
from ecosystem.io import write_text, write_with

Tag = str | int | float


@dataclass(frozen=True)
class RunSpec:
    """One run to do: ``scenario`` is a plain dict (it pickles and hashes), ``tags`` label the run in
    tables (``{"scenario": "baseline"}`` or ``{"point": 3}``), ``params`` are reported on failure."""

    label: str
    scenario: dict[str, Any]
    seed: int
    folder: str
    tags: dict[str, Tag] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def run_id(self) -> str:
        digest = hashlib.sha256(json.dumps([self.scenario, self.seed], sort_keys=True, default=str).encode())
        return f"{self.label}-s{self.seed}-{digest.hexdigest()[:10]}"

    @property
    def metrics_path(self) -> Path:
        return Path(self.folder) / f"{self.run_id}.parquet"

    @property
    def manifest_path(self) -> Path:
        return Path(self.folder) / f"{self.run_id}.json"

    def is_done(self) -> bool:
        return self.metrics_path.is_file() and self.manifest_path.is_file()


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    wall_seconds: float


@dataclass(frozen=True)
class RunFailure:
    spec: RunSpec
    error: str

    def describe(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.spec.params.items())
        where = f"{self.spec.label} seed {self.spec.seed}" + (f" ({params})" if params else "")
        return f"{where}: {self.error}"


@dataclass(frozen=True)
class BatchReport:
    done: int
    skipped: int
    failures: list[RunFailure]


def wide_metrics(metrics: pl.DataFrame) -> pl.DataFrame:
    """Long metrics (step, date, kind, entity, metric, value) to one row per month, one column per
    dotted metric name (``web.synthetic_share_new``, ``vendor.Pioneer.excess_nll``)."""
    name = (
        pl.when(pl.col("kind") == pl.col("entity"))
        .then(pl.concat_str("kind", pl.lit("."), "metric"))
        .otherwise(pl.concat_str("kind", pl.lit("."), "entity", pl.lit("."), "metric"))
    )
    wide = metrics.with_columns(name.alias("name")).pivot(on="name", index=["step", "date"], values="value",
                                                           sort_columns=True)
    return wide.sort("step")


def execute_run(spec: RunSpec) -> RunRecord:
    """Simulate one run and write its Parquet file and manifest. Runs with one BLAS thread, so the
    numbers are the same on every executor and parallel runs do not fight over cores."""
    from threadpoolctl import threadpool_limits

    scenario = validate_scenario(spec.scenario, source=spec.label)
    with threadpool_limits(limits=1):
        result = simulate(scenario, seed=spec.seed)
    tags = [pl.lit(value).alias(key) for key, value in spec.tags.items()]
    seed = pl.lit(spec.seed, dtype=pl.Int64).alias("seed")
    table = wide_metrics(result.metrics).select(*tags, seed, pl.all())
    write_with(spec.metrics_path, table.write_parquet)
    record = {**manifest(result), "run_id": spec.run_id, "tags": spec.tags, "params": spec.params}
    write_text(spec.manifest_path, json.dumps(record, indent=2, default=str) + "\n")
    wall_seconds = result.wall_seconds
    del result, table
    gc.collect()  # a finished model is a web of cycles holding large arrays: free it before the next run
    return RunRecord(spec.run_id, wall_seconds)


def run_batch(specs: Iterable[RunSpec], *, executor: Executor,
              on_finish: Callable[[RunSpec, RunFailure | None], None] | None = None) -> BatchReport:
    """Do every spec not already on disk on ``executor`` (entered by the caller); a failed run is
    recorded and the others go on. ``on_finish(spec, failure_or_None)`` is called as each ends."""
    specs = list(specs)
    todo = [spec for spec in specs if not spec.is_done()]
    failures: list[RunFailure] = []
    for completed in executor.map_unordered(execute_run, todo):
        failure = _failure(completed)
        if failure is not None:
            failures.append(failure)
        if on_finish is not None:
            on_finish(completed.item, failure)
    return BatchReport(done=len(todo) - len(failures), skipped=len(specs) - len(todo), failures=failures)


def _failure(completed: Completed) -> RunFailure | None:
    if completed.error is None:
        return None
    lines = str(completed.error).strip().splitlines()
    message = f"{type(completed.error).__name__}: {lines[0] if lines else ''}".rstrip(": ")
    return RunFailure(completed.item, message)


def run_files(specs: Iterable[RunSpec]) -> list[Path]:
    """The Parquet files of the specs that are done (failed runs have none)."""
    return [spec.metrics_path for spec in specs if spec.is_done()]
