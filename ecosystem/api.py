"""The Python API: run a scenario, compare scenarios, sweep parameters and read results folders.

These are the functions ``import ecosystem as eco`` offers (``eco.run``, ``eco.compare``, ``eco.sweep``,
``eco.load_results``); their names and arguments are kept stable. They call the same library steps as
the ``ecosim`` commands (planning, ``run_batch``, the owned output folder), so a folder written here
is the folder the command writes, and the command resumes it. Figures are left to the commands
(``ecosim run``, ``ecosim brief``); like the CLI, this outer layer may read folders with ``analysis``.
Errors are ``ScenarioError`` (a bad scenario, outcome or override), ``OutputError`` (a folder that is
not ours), ``ExecutorError`` (bad worker options) and ``RunsFailed``, each one line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from ecosystem.config import Scenario, ScenarioError, validate_scenario
from ecosystem.experiments.batch import BatchReport, run_batch, wide_metrics
from ecosystem.experiments.executors import choose_executor
from ecosystem.output_folder import OutputFolder
from ecosystem.scenario_files import load_scenario, set_by_path

Overrides = Mapping[str, Any]


class RunsFailed(RuntimeError):
    """Some runs of a comparison or sweep failed; the others are saved and the same call resumes."""


@dataclass(frozen=True)
class Run:
    """One simulated run: its resolved scenario, seed and metrics (one row per month, entity and metric)."""

    scenario: Scenario
    seed: int
    metrics: pl.DataFrame

    def wide(self) -> pl.DataFrame:
        """One row per month, one column per dotted metric name (``web.synthetic_share_new``...)."""
        return wide_metrics(self.metrics)


def load(scenario: str | Path, *, end: str | None = None, set: Overrides | None = None) -> Scenario:
    """A scenario file with ``set`` (dotted path to value) and ``end`` (YYYY-MM) applied, validated as one,
    exactly as ``--set`` and ``--end`` are.

    >>> eco.load("scenarios/baseline.yaml", end="2024-12", set={"humans.writers": 200}).months
    """
    return load_scenario(scenario, overrides=_overrides(end=end, set=set))


def _overrides(*, end: str | None, set: Overrides | None) -> dict[str, Any]:
    """``set`` then ``end``, in the order ``parse_sets`` gives ``--set`` and ``--end``."""
    overrides = dict(set or {})
    if end is not None:
        overrides.pop("end", None)
        overrides["end"] = end
    return overrides


def run(scenario: str | Path | Scenario, *, seed: int | None = None, end: str | None = None,
        set: Overrides | None = None, out: str | Path | None = None) -> Run:
    """Simulate a scenario (a file, or a ``Scenario``) and return its metrics; with ``out``, also write the
    results folder ``ecosim run --no-figures`` writes.

    >>> result = eco.run("scenarios/baseline.yaml", seed=1, end="2024-12", set={"humans.writers": 200})
    >>> result.wide().select("date", "web.synthetic_share_new")
    """
    from ecosystem.experiments.run import RunFolder, simulate, write_run_files

    if not isinstance(scenario, Scenario):
        resolved = load(scenario, end=end, set=set)
    elif end is None and not set:
        resolved = scenario
    else:
        raw = scenario.model_dump(mode="json")
        for dotted, value in _overrides(end=end, set=set).items():
            set_by_path(raw, dotted, value)
        resolved = validate_scenario(raw, source=scenario.name)
    if out is None:
        result = simulate(resolved, seed=seed)
    else:
        with RunFolder(out) as folder:  # checked and owned before a month is simulated
            result = simulate(resolved, seed=seed)
            write_run_files(result, folder.staging)
            folder.commit()
    return Run(result.scenario, result.seed, result.metrics)


def compare(scenarios: Sequence[str | Path], *, out: str | Path, seeds: int = 5, first_seed: int = 0,
            outcomes: Sequence[str] = (), end: str | None = None, set: Overrides | None = None,
            workers: int | None = None, scheduler: str | None = None) -> pl.DataFrame:
    """Run scenario files on common seeds (the first is the reference) and return the summary table: per
    outcome and scenario the mean with its 95% interval and the seed-paired difference from the reference
    (``diff``, and ``rel`` in percent). Writes ``ecosim compare``'s folder to ``out`` (no figures; ``ecosim
    brief OUT`` draws them); finished runs there are reused.

    >>> eco.compare(["scenarios/baseline.yaml", "scenarios/policies/watermark_half.yaml"], seeds=3,
    ...             end="2026-12", outcomes=["web.synthetic_share_new@2026"], out="results/wm", workers=2)
    """
    from ecosystem.experiments.compare import conclude_compare, prepare_compare
    from ecosystem.experiments.schema import parse_outcome

    out = Path(out)
    loaded = [load(path, end=end, set=set) for path in scenarios]
    plan = prepare_compare(loaded, sources=[str(p) for p in scenarios], outcomes=[parse_outcome(t) for t in outcomes],
                           seeds=range(first_seed, first_seed + seeds), out=out)
    executor = choose_executor(workers=workers, scheduler=scheduler)
    about = {"files": [str(p) for p in scenarios], "set": _set_texts(set), "end": end, "posterior": None}
    with OutputFolder(out, "compare") as folder:
        report = _run(plan.specs, executor)
        summary = conclude_compare(plan, folder, about=about) if report.done + report.skipped else None
    _raise_failures(report)
    return summary


def sweep(sweep_file: str | Path, *, out: str | Path, end: str | None = None, set: Overrides | None = None,
          workers: int | None = None, scheduler: str | None = None) -> pl.DataFrame:
    """Run a sweep file (grid, lhs, sobol or morris) and return each point's outcome means (``point``, the
    parameters, the outcomes, ``runs``); writes ``ecosim sweep``'s folder (``sensitivity.parquet`` too) to
    ``out``, without figures. ``eco.load_results(out)`` reads every table back.

    >>> eco.sweep("scenarios/sweeps/watermark_compliance.yaml", out="results/sweeps/compliance", workers=2)
    """
    from ecosystem.experiments.sweep import conclude_sweep, load_sweep, plan_sweep, record_plan

    out = Path(out)
    loaded = load_sweep(sweep_file, overrides=_overrides(end=end, set=set))
    design, specs = plan_sweep(loaded, folder=out / "runs")
    executor = choose_executor(workers=workers, scheduler=scheduler)
    with OutputFolder(out, "sweep") as folder:
        record_plan(loaded, design, folder)
        report = _run(specs, executor)
        tables = conclude_sweep(loaded, design, specs, folder) if report.done + report.skipped else None
    _raise_failures(report)
    return tables.means


def load_results(folder: str | Path):
    """A results folder read back whole: a run's (``Run``), a comparison's (``CompareResults``: ``summary``,
    ``table`` with one row per run, ``bands``) or a sweep's (``SweepResults``: ``table``, ``means``,
    ``sensitivity``). A folder that is none of them raises ``ScenarioError``.

    >>> eco.load_results("results/wm").summary.to_pandas()
    """
    folder = Path(folder)
    if (folder / "manifest.json").is_file() and (folder / "metrics.parquet").is_file():
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        raw = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
        return Run(validate_scenario(raw, source=str(folder / "scenario.yaml")), manifest["seed"],
                   pl.read_parquet(folder / "metrics.parquet"))
    from analysis.results import is_sweep, read_compare, read_sweep

    return read_sweep(folder) if is_sweep(folder) else read_compare(folder)


def _set_texts(set: Overrides | None) -> list[str]:
    """``set`` as the ``PATH=VALUE`` lines ``compare.json`` records (JSON values are YAML)."""
    return [f"{path}={json.dumps(value, default=str)}" for path, value in (set or {}).items()]


def _run(specs, executor) -> BatchReport:
    with executor:
        return run_batch(specs, executor=executor)


def _raise_failures(report: BatchReport) -> None:
    if report.failures:
        raise RunsFailed(f"{len(report.failures)} run(s) failed, the first: {report.failures[0].describe()}; the "
                         "others are saved, and the same call runs only what is missing")


__all__ = ["Run", "RunsFailed", "ScenarioError", "compare", "load", "load_results", "run", "sweep"]
