"""The first mover's edge, measured over seeds: quality at equal age, and users at the same date.

For each seed, the late entrant's excess NLL minus the early vendor's, each taken ``age`` months after
its own entry (the model in use that month); and the early vendor's market share minus the late one's
in the month the late one turns ``age``. Seeds are common, so differences are taken seed by seed and
their mean gets a t-interval (``ecosystem.experiments.stats``). Runs go through the batch machinery,
so they can run on any executor and a killed measurement resumes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from ecosystem.config import Scenario
from ecosystem.experiments.batch import RunSpec, run_batch, run_files
from ecosystem.experiments.executors import Executor
from ecosystem.experiments.stats import mean_ci

AGES = (0, 12, 24, 36)
EDGE_COLUMNS = ["outcome", "age", "n", "mean", "ci_low", "ci_high"]


def plan_first_mover(scenario: Scenario, *, seeds: Sequence[int], folder: Path) -> list[RunSpec]:
    """One run of the scenario per seed."""
    if not seeds:
        raise ValueError("the first-mover measurement needs at least one seed")
    raw = scenario.model_dump(mode="json")
    return [RunSpec(label=scenario.name, scenario=raw, seed=seed, folder=str(folder.resolve()),
                    tags={"scenario": scenario.name}) for seed in seeds]


def first_mover_edge(runs: pl.DataFrame, scenario: Scenario, *, early: str, late: str,
                     ages: Sequence[int] = AGES, level: float = 0.95) -> pl.DataFrame:
    """Mean and ``level`` interval over seeds of the edge at each age (columns ``EDGE_COLUMNS``).

    ``runs`` holds the wide tables of the runs (``step``, ``seed``, ``vendor.<name>.<metric>``).
    Outcomes: ``excess_nll_gap`` (late minus early at equal age: positive means the early model was
    better at the same age) and, when the scenario has a user market, ``market_share_gap`` (early minus
    late in the month the late vendor is ``age`` months old). An age past the end of the runs is left out.
    """
    entry = {v.name: scenario.month_index(v.entry) for v in scenario.vendors}
    for name in (early, late):
        if name not in entry:
            raise ValueError(f"no vendor named {name!r} in scenario {scenario.name!r}; known: {sorted(entry)}")
    last = scenario.months - 1
    rows = []
    for age in ages:
        if entry[late] + age > last:
            continue
        nll_early = _at(runs, f"vendor.{early}.excess_nll", entry[early] + age)
        nll_late = _at(runs, f"vendor.{late}.excess_nll", entry[late] + age)
        rows.append(("excess_nll_gap", age, (nll_late - nll_early).to_numpy()))
        if f"vendor.{late}.market_share" in runs.columns:
            share_early = _at(runs, f"vendor.{early}.market_share", entry[late] + age)
            share_late = _at(runs, f"vendor.{late}.market_share", entry[late] + age)
            rows.append(("market_share_gap", age, (share_early - share_late).to_numpy()))
    table = []
    for outcome, age, values in rows:
        estimate = mean_ci(values, level=level)
        table.append((outcome, age, estimate.n, estimate.mean, estimate.low, estimate.high))
    return pl.DataFrame(table, schema=EDGE_COLUMNS, orient="row").sort("outcome", "age")


def _at(runs: pl.DataFrame, column: str, step: int) -> pl.Series:
    """One value per seed (sorted by seed) of a metric in one month; null where a run lacks it."""
    if column not in runs.columns:
        raise ValueError(f"the runs have no metric {column!r}")
    month = runs.filter(pl.col("step") == step).sort("seed")
    return month[column].fill_null(float("nan")).cast(pl.Float64)


def measure_first_mover(scenario: Scenario, *, seeds: Sequence[int], folder: Path, executor: Executor,
                        early: str, late: str, ages: Sequence[int] = AGES) -> pl.DataFrame:
    """Run (or resume) the scenario on every seed with ``executor`` (entered by the caller) and
    return the edge table. Raises if any run failed, naming it."""
    specs = plan_first_mover(scenario, seeds=seeds, folder=folder)
    report = run_batch(specs, executor=executor)
    if report.failures:
        raise RuntimeError("; ".join(f.describe() for f in report.failures))
    runs = pl.concat([pl.read_parquet(path) for path in run_files(specs)], how="diagonal_relaxed")
    return first_mover_edge(runs, scenario, early=early, late=late, ages=ages)
