"""Compare scenarios over common seeds: seed i is the same for every scenario (common random numbers),
so each scenario's difference from the first is taken seed by seed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from ecosystem.config import Scenario
from ecosystem.experiments.batch import RunSpec, run_files
from ecosystem.experiments.outcomes import metric_over_time, outcome_table, write_tidy_table
from ecosystem.experiments.schema import Outcome, SweepError
from ecosystem.experiments.stats import mean_ci, paired_difference
from ecosystem.io import write_with

SUMMARY_COLUMNS = ["outcome", "scenario", "n", "mean", "ci_low", "ci_high", "diff", "diff_low", "diff_high"]


def plan_compare(scenarios: Sequence[Scenario], *, seeds: Sequence[int], folder: Path) -> list[RunSpec]:
    """Every scenario on every seed; scenario names label the runs and must differ."""
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise SweepError(f"scenario names must differ to be compared, got {names}; set name: in each file")
    if not seeds:
        raise SweepError("compare needs at least one seed")
    return [
        RunSpec(label=s.name, scenario=s.model_dump(mode="json"), seed=seed, folder=str(folder.resolve()),
                tags={"scenario": s.name})
        for seed in seeds for s in scenarios
    ]


def default_outcome(scenario: Scenario) -> Outcome:
    """The synthetic share of new pages in the last month."""
    return Outcome(name=f"web.synthetic_share_new@{scenario.date_of(scenario.months - 1):%Y-%m}",
                   metric="web.synthetic_share_new", at=scenario.date_of(scenario.months - 1))


def summarize(table: pl.DataFrame, outcomes: Sequence[Outcome], *, order: Sequence[str],
              level: float = 0.95) -> pl.DataFrame:
    """Per outcome and scenario: mean and t-interval, and the seed-paired difference from ``order[0]``."""
    rows = []
    for outcome in outcomes:
        wide = table.pivot(on="scenario", index="seed", values=outcome.name).sort("seed")
        reference = wide[order[0]].to_numpy() if order[0] in wide.columns else None
        for name in order:
            values = wide[name].to_numpy() if name in wide.columns else []
            level_estimate = mean_ci(values, level=level)
            if reference is not None and name in wide.columns:
                diff = paired_difference(values, reference, level=level)
                diff_row = (diff.mean, diff.low, diff.high)
            else:
                diff_row = (None, None, None)
            rows.append((outcome.name, name, level_estimate.n, level_estimate.mean, level_estimate.low,
                         level_estimate.high, *diff_row))
    schema = {"outcome": pl.Utf8, "scenario": pl.Utf8, "n": pl.Int64,
              **{c: pl.Float64 for c in SUMMARY_COLUMNS[3:]}}
    return pl.DataFrame(rows, schema=schema, orient="row")


def bands(series: pl.DataFrame, *, level: float = 0.95) -> pl.DataFrame:
    """From (scenario, seed, date, value) to the mean and t-interval per scenario and month."""
    rows = []
    for (scenario, date), group in series.group_by(["scenario", "date"]):
        estimate = mean_ci(group["value"].to_numpy(), level=level)
        rows.append((scenario, date, estimate.n, estimate.mean, estimate.low, estimate.high))
    return pl.DataFrame(rows, schema={"scenario": pl.Utf8, "date": pl.Date, "n": pl.Int64, "mean": pl.Float64,
                                      "ci_low": pl.Float64, "ci_high": pl.Float64},
                        orient="row").sort("scenario", "date")


def finish_compare(specs: Sequence[RunSpec], outcomes: Sequence[Outcome], *, order: Sequence[str],
                   out: Path) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """Write ``runs.parquet`` (every month of every run), ``outcomes.parquet`` (one row per run) and
    ``summary.parquet``; return the summary and, per outcome metric, its bands over time."""
    files = run_files(specs)
    write_tidy_table(files, out / "runs.parquet")
    table = outcome_table(files, outcomes, keys=["scenario"])
    write_with(out / "outcomes.parquet", table.write_parquet)
    summary = summarize(table, outcomes, order=order)
    write_with(out / "summary.parquet", summary.write_parquet)
    over_time = {metric: bands(metric_over_time(files, metric, keys=["scenario"]))
                 for metric in dict.fromkeys(o.metric for o in outcomes)}
    return summary, over_time
