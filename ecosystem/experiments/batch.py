"""Many runs, each written to disk the moment it finishes, so a killed batch resumes where it stopped.

A ``RunSpec`` is everything one run needs (the resolved scenario as a plain dict, the seed, the folder)
and ``execute_run`` is the plain top-level function shipped to workers: it simulates and writes
``<run_id>.parquet`` (one row per month, one column per metric, plus the run's tags and seed) and then
``<run_id>.json`` (its manifest, which records the Parquet file's size and SHA-256), both atomically.
A run counts as done when both files are there and agree, so ``run_batch`` skips finished runs and
only the runs in flight are lost if the driver is killed; a damaged file (truncated, edited, from
another run) is reported with its path and the run is done again. The run id carries a hash of the
scenario and seed: a changed scenario is a new run, never a stale hit.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from ecosystem.config import MAX_SEED, ScenarioError, validate_scenario
from ecosystem.experiments.executors import Completed, Executor
from ecosystem.experiments.run import manifest, simulate
from ecosystem.io import safe_file_name, shorten, write_text, write_with
from ecosystem.metric_table import metric_name

Tag = str | int | float
MAX_RUNS = 10_000  # runs in one comparison or sweep: about a week of baseline runs on two cores


def check_run_count(runs: int, *, what: str) -> None:
    """Refuse, before anything is planned or drawn, a batch too large to run here."""
    if runs > MAX_RUNS:
        raise ScenarioError(f"{what}: {runs:,} runs; at most {MAX_RUNS:,} runs fit one batch on this machine "
                            "(use fewer seeds or points)")


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

    def __post_init__(self) -> None:
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed <= MAX_SEED:
            raise ScenarioError(f"{self.label}: seed must be a whole number from 0 to 2**63-1, "
                                f"got {str(self.seed)[:40]}")

    @property
    def run_id(self) -> str:
        digest = hashlib.sha256(json.dumps([self.scenario, self.seed], sort_keys=True, default=str).encode())
        return f"{safe_file_name(self.label)}-s{self.seed}-{digest.hexdigest()[:10]}"

    @property
    def metrics_path(self) -> Path:
        return Path(self.folder) / f"{self.run_id}.parquet"

    @property
    def manifest_path(self) -> Path:
        return Path(self.folder) / f"{self.run_id}.json"

    def is_done(self) -> bool:
        return self.damage() is None and self.manifest_path.is_file()

    def damage(self) -> str | None:
        """Why the files on disk are not this run's complete result, or None if they are (or if there
        are none yet: a run not started is not damaged)."""
        if not self.manifest_path.exists() and not self.metrics_path.exists():
            return None
        return _verify(self.metrics_path, self.manifest_path, self.run_id)


RUN_FILE = re.compile(r"^(.+-s\d+-[0-9a-f]{10}\.(parquet|json)|\..+-s\d+-[0-9a-f]{10}\.(parquet|json)\..+\.tmp)$")


def remove_run_files(folder: Path) -> int:
    """Remove the run files (``RunSpec.run_id`` names, and temporary files of writes that were cut short)
    from a folder of runs; anything else there is left. Returns how many were removed."""
    removed = 0
    for entry in Path(folder).iterdir():
        if RUN_FILE.match(entry.name) and entry.is_file() and not entry.is_symlink():
            entry.unlink(missing_ok=True)
            removed += 1
    return removed


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
    damaged: list[str] = field(default_factory=list)  # "path: reason" of run files found damaged and redone


def wide_metrics(metrics: pl.DataFrame) -> pl.DataFrame:
    """Long metrics (step, date, kind, entity, metric, value) to one row per month, one column per
    dotted metric name (``web.synthetic_share_new``, ``vendor.Pioneer.excess_nll``)."""
    series = metrics.select("kind", "entity", "metric").unique()
    names = series.with_columns(pl.Series("name", [metric_name(*row) for row in series.iter_rows()], dtype=pl.Utf8))
    wide = metrics.join(names, on=["kind", "entity", "metric"]).pivot(on="name", index=["step", "date"],
                                                                       values="value", sort_columns=True)
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
    size, digest = _file_digest(spec.metrics_path)
    record = {**manifest(result), "run_id": spec.run_id, "tags": spec.tags, "params": spec.params,
              "metrics_file": {"name": spec.metrics_path.name, "bytes": size, "sha256": digest}}
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
    damaged = damaged_runs(specs)
    todo = [spec for spec in specs if not spec.is_done()]
    failures: list[RunFailure] = []
    for completed in executor.map_unordered(execute_run, todo):
        failure = _failure(completed)
        if failure is not None:
            failures.append(failure)
        if on_finish is not None:
            on_finish(completed.item, failure)
    return BatchReport(done=len(todo) - len(failures), skipped=len(specs) - len(todo), failures=failures,
                       damaged=damaged)


def _failure(completed: Completed) -> RunFailure | None:
    if completed.error is None:
        return None
    lines = str(completed.error).strip().splitlines()
    message = f"{type(completed.error).__name__}: {lines[0] if lines else ''}".rstrip(": ")
    return RunFailure(completed.item, message)


def damaged_runs(specs: Iterable[RunSpec]) -> list[str]:
    """``path: reason`` for every run whose files are on disk but damaged (they will be redone)."""
    return [f"{spec.metrics_path}: {reason}" for spec in specs if (reason := spec.damage()) is not None]


def _file_digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return path.stat().st_size, digest.hexdigest()


_verified: dict[tuple[str, int, int, int, int], str | None] = {}  # checks are cached by file identity


def _verify(metrics: Path, manifest_path: Path, run_id: str) -> str | None:
    try:
        stats = metrics.stat(), manifest_path.stat()
    except FileNotFoundError as err:
        return f"{Path(err.filename).name} is missing"
    key = (str(metrics), *(x for st in stats for x in (st.st_mtime_ns, st.st_size)))
    if key not in _verified:
        _verified[key] = _check_files(metrics, manifest_path, run_id)
    return _verified[key]


def _check_files(metrics: Path, manifest_path: Path, run_id: str) -> str | None:
    try:
        record = json.loads(manifest_path.read_text(encoding="utf-8"))
        if record.get("run_id") != run_id:
            return f"{manifest_path.name} belongs to another run"
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return f"{manifest_path.name} is unreadable or incomplete"
    expected = record.get("metrics_file")
    if not isinstance(expected, dict):  # written before manifests kept a checksum: the file must at least read
        try:
            pl.read_parquet_schema(metrics)
        except Exception as err:  # noqa: BLE001 - polars raises several kinds for a damaged file
            return (f"{metrics.name} is unreadable ({type(err).__name__}); its manifest, an older format, has no "
                    "checksum")
        return None
    try:
        size, digest = _file_digest(metrics)
    except OSError as err:
        return f"{metrics.name} cannot be read ({err.strerror or err})"
    recorded = expected.get("bytes")
    if size != recorded:
        recorded = f"{recorded:,}" if isinstance(recorded, int) else shorten(recorded)
        return (f"{metrics.name} is not the file its manifest recorded ({size:,} bytes, expected {recorded}): "
                "truncated or changed")
    if digest != expected.get("sha256"):
        return f"{metrics.name} does not match its manifest's SHA-256: changed on disk"
    return None


def run_files(specs: Iterable[RunSpec]) -> list[Path]:
    """The Parquet files of the specs that are done (failed runs have none)."""
    return [spec.metrics_path for spec in specs if spec.is_done()]
