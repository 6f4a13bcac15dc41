"""Read outcomes out of per-run Parquet files lazily, selecting only the columns they need."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from ecosystem.config import Scenario
from ecosystem.experiments.schema import Outcome, SweepError
from ecosystem.io import write_with


def scan_runs(files: Sequence[Path]) -> pl.LazyFrame:
    """All run files as one lazy table; a metric missing from a run (a vendor it lacks) reads as null."""
    if not files:
        raise SweepError("no finished runs to read")
    return pl.concat([pl.scan_parquet(f) for f in files], how="diagonal_relaxed")


def check_outcomes(outcomes: Sequence[Outcome], scenario: Scenario, *, source: str) -> None:
    """Refuse, before anything runs, an outcome whose months fall outside the scenario."""
    first, last = scenario.start, scenario.date_of(scenario.months - 1)
    vendors = [v.name for v in scenario.vendors]
    for outcome in outcomes:
        kind, _, rest = outcome.metric.partition(".")
        entity = rest.partition(".")[0]
        if kind in ("vendor", "crawler") and entity not in vendors:
            raise SweepError(f"{source}: outcome {outcome.name}: no vendor named {entity!r} in scenario "
                             f"{scenario.name} (vendors: {', '.join(vendors) or 'none'})")
        for month in outcome.months:
            if not first <= month <= last:
                raise SweepError(f"{source}: outcome {outcome.name}: {month:%Y-%m} is outside the scenario "
                                 f"{scenario.name} ({first:%Y-%m} to {last:%Y-%m})")


def outcome_table(files: Sequence[Path], outcomes: Sequence[Outcome], *, keys: Sequence[str]) -> pl.DataFrame:
    """One row per run (``keys`` plus seed), one column per outcome."""
    runs = scan_runs(files)
    _require_metrics(runs, {o.metric for o in outcomes})
    ids = [*keys, "seed"]
    table: pl.DataFrame | None = None
    for outcome in outcomes:
        first, last = outcome.months
        column = pl.col(outcome.metric)
        if outcome.agg in (None, "last"):
            value = column.sort_by("date").last()
        else:
            value = getattr(column, outcome.agg)()
        part = (
            runs.select(*ids, "date", column)
            .filter(pl.col("date").is_between(first, last))
            .group_by(ids)
            .agg(value.cast(pl.Float64).alias(outcome.name))
            .collect()
        )
        table = part if table is None else table.join(part, on=ids, how="full", coalesce=True)
    return table.sort(ids)


def metric_over_time(files: Sequence[Path], metric: str, *, keys: Sequence[str]) -> pl.DataFrame:
    """``keys``, seed, date and one metric, for every month of every run."""
    runs = scan_runs(files)
    _require_metrics(runs, {metric})
    return runs.select(*keys, "seed", "date", pl.col(metric).cast(pl.Float64).alias("value")).collect()


def write_tidy_table(files: Sequence[Path], target: Path) -> None:
    """Every run's months in one Parquet table, streamed from the run files."""
    runs = scan_runs(files)
    write_with(target, lambda tmp: runs.sink_parquet(tmp))


def _require_metrics(runs: pl.LazyFrame, metrics: set[str]) -> None:
    available = set(runs.collect_schema().names())
    missing = sorted(metrics - available)
    if missing:
        known = sorted(n for n in available if "." in n)
        raise SweepError(f"unknown metric {', '.join(missing)}; the runs have: {', '.join(known)}")
