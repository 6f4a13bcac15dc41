"""One run of a scenario: simulate, then write the results folder.

``simulate`` is a plain function from (scenario, seed) to a metrics table, with no I/O: comparisons,
sweeps and replications all call it, on any executor.
"""

from __future__ import annotations

import json
import platform
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import mesa
import polars as pl
from threadpoolctl import threadpool_limits

from ecosystem.config import Scenario
from ecosystem.io import LOCK_NAME, FolderLock, OutputError, write_text, write_with
from ecosystem.model import EcosystemModel

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class RunResult:
    scenario: Scenario
    seed: int
    metrics: pl.DataFrame
    wall_seconds: float
    topic_names: tuple[str, ...] = ()  # reality's topics by index (module names on a text reality)


def simulate(scenario: Scenario, *, seed: int | None = None, progress: ProgressCallback | None = None) -> RunResult:
    """Run every month of the scenario; ``progress(done, total)`` is called after each month.

    BLAS is held to one thread: the model's matrices are tiny (d x d), so threads only add overhead,
    and parallel runs get their speed from processes.
    """
    started = time.perf_counter()
    with threadpool_limits(limits=1):
        model = EcosystemModel(scenario, seed=seed)
        for month in range(scenario.months):
            model.step()
            if progress is not None:
                progress(month + 1, scenario.months)
    result = RunResult(scenario, model.seed_used, model.recorder.to_frame(), time.perf_counter() - started,
                       topic_names=model.reality.names)
    mesa.Agent._ids.pop(model, None)  # Mesa 3.3 keeps every model alive as a key of this id counter
    return result


RUN_OUTPUTS = ("metrics.parquet", "scenario.yaml", "manifest.json", "figures")


class RunFolder:
    """The results folder of one run, owned by this process from before the simulation until its files
    are in place, so a bad ``--out`` fails before any work and two runs never write into one folder.

    New files go to ``staging`` (a fresh folder inside); ``commit`` then replaces the previous run's
    outputs with them, so the folder never shows one run's metrics beside another run's figures.
    ``manifest.json`` is moved in last: a folder without it holds no complete run.
    """

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        self._lock = FolderLock(self.out)
        self.staging: Path | None = None

    def __enter__(self) -> RunFolder:
        self._lock.__enter__()
        try:
            self._remove_leftovers()
            self._check_owned()
            self.staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.out))
        except BaseException:
            self._lock.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.staging is not None and self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)
        self._lock.__exit__()

    def commit(self) -> Path:
        """Swap the staged files in: the previous outputs are moved aside, the new ones renamed in."""
        if self.staging is None:
            raise RuntimeError("RunFolder.commit outside its with block")
        trash = Path(tempfile.mkdtemp(prefix=".previous-", dir=self.out))
        for name in RUN_OUTPUTS:
            if (self.out / name).exists():
                (self.out / name).rename(trash / name)
        staged = sorted(self.staging.iterdir(), key=lambda p: p.name == "manifest.json")
        for entry in staged:
            entry.rename(self.out / entry.name)
        shutil.rmtree(trash, ignore_errors=True)
        return self.out

    def _remove_leftovers(self) -> None:
        """Staging and trash folders of a run killed before it finished (we hold the lock: nobody else
        is using them)."""
        for entry in self.out.glob(".staging-*"):
            shutil.rmtree(entry, ignore_errors=True)
        for entry in self.out.glob(".previous-*"):
            shutil.rmtree(entry, ignore_errors=True)

    def _check_owned(self) -> None:
        """Refuse a folder holding files that are not a run's: replacing outputs must never touch them."""
        foreign = sorted(p.name for p in self.out.iterdir() if p.name not in (*RUN_OUTPUTS, LOCK_NAME))
        if foreign:
            listed = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise OutputError(f"{self.out}: holds files that are not a run's results ({listed}); choose an "
                              "empty or new folder for --out")


def write_run_files(result: RunResult, folder: str | Path) -> Path:
    """Write ``metrics.parquet``, the resolved ``scenario.yaml`` and ``manifest.json`` (atomically)."""
    folder = Path(folder)
    write_with(folder / "metrics.parquet", result.metrics.write_parquet)
    resolved = result.scenario.model_copy(update={"seed": result.seed})
    write_text(folder / "scenario.yaml", resolved.to_yaml())
    write_text(folder / "manifest.json", json.dumps(manifest(result), indent=2) + "\n")
    return folder


def write_run(result: RunResult, out: str | Path) -> Path:
    """Write a run's files into ``out``, replacing a previous run's outputs there (see ``RunFolder``)."""
    with RunFolder(out) as folder:
        write_run_files(result, folder.staging)
        return folder.commit()


def manifest(result: RunResult) -> dict:
    packages = ["ecosim", "mesa", "numpy", "scikit-learn", "polars", "networkx", "pydantic"]
    return {
        "scenario": result.scenario.name,
        "seed": result.seed,
        "months": result.scenario.months,
        "wall_seconds": round(result.wall_seconds, 3),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": {name: _version(name) for name in packages},
        "topics": list(result.topic_names),  # what vendor.<v>.worst_topic and topic_<k> metrics refer to
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"
