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
from ecosystem.io import write_text, write_with
from ecosystem.model import EcosystemModel

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class RunResult:
    scenario: Scenario
    seed: int
    metrics: pl.DataFrame
    wall_seconds: float


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
    result = RunResult(scenario, model.seed_used, model.recorder.to_frame(), time.perf_counter() - started)
    mesa.Agent._ids.pop(model, None)  # Mesa 3.3 keeps every model alive as a key of this id counter
    return result


def write_run(result: RunResult, out: str | Path) -> Path:
    """Write ``metrics.parquet``, the resolved ``scenario.yaml`` and ``manifest.json`` (atomically)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_with(out / "metrics.parquet", result.metrics.write_parquet)
    resolved = result.scenario.model_copy(update={"seed": result.seed})
    write_text(out / "scenario.yaml", resolved.to_yaml())
    write_text(out / "manifest.json", json.dumps(manifest(result), indent=2) + "\n")
    return out


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
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"
