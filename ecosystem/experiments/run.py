"""One run of a scenario: simulate, then write the results folder.

``simulate`` is a plain function from (scenario, seed) to a metrics table, with no I/O: comparisons,
sweeps and replications all call it, on any executor.
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import mesa
import polars as pl
from threadpoolctl import threadpool_limits

from ecosystem.config import Scenario
from ecosystem.content.reality import no_tail_warning
from ecosystem.io import write_text, write_with
from ecosystem.model import EcosystemModel
from ecosystem.output_folder import OutputFolder

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class RunResult:
    scenario: Scenario
    seed: int
    metrics: pl.DataFrame
    wall_seconds: float
    topic_names: tuple[str, ...] = ()  # reality's topics by index (module names on a text reality)
    warning: str | None = None  # reality's own, for the person running it (``no_tail_warning``)


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
                       topic_names=model.reality.names, warning=no_tail_warning(model.reality))
    mesa.Agent._ids.pop(model, None)  # Mesa 3.3 keeps every model alive as a key of this id counter
    return result


RUN_OUTPUTS = ("metrics.parquet", "scenario.yaml", "manifest.json", "figures")


class RunFolder:
    """The results folder of one run (an ``OutputFolder`` of kind ``run``), owned by this process from
    before the simulation until its files are in place, so a bad ``--out`` fails before any work and two
    runs never write into one folder.

    New files go to ``staging`` (a fresh folder inside); ``commit`` then replaces the previous run's
    outputs with them, so the folder never shows one run's metrics beside another run's figures.
    ``manifest.json`` is moved in last: a folder without it holds no complete run.
    """

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        self._folder = OutputFolder(self.out, "run")
        self.staging: Path | None = None

    def check(self) -> Path:
        return self._folder.check()

    def __enter__(self) -> RunFolder:
        self._folder.__enter__()
        self.staging = self._folder.staging()
        return self

    def __exit__(self, *exc: object) -> None:
        self._folder.__exit__(*exc)

    def commit(self) -> Path:
        """Swap the staged files in: the previous run's outputs are replaced, the manifest last."""
        if self.staging is None:
            raise RuntimeError("RunFolder.commit outside its with block")
        self._folder.commit(self.staging, replaces=RUN_OUTPUTS, last=("manifest.json",))
        return self.out


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
