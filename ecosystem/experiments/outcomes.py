"""Read outcomes out of per-run Parquet files lazily, selecting only the columns they need."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from ecosystem.config import Scenario
from ecosystem.experiments import registry
from ecosystem.experiments.schema import Outcome, SweepError
from ecosystem.io import write_with


def scan_runs(files: Sequence[Path]) -> pl.LazyFrame:
    """All run files as one lazy table; a metric missing from a run (a vendor it lacks) reads as null."""
    if not files:
        raise SweepError("no finished runs to read")
    return pl.concat([pl.scan_parquet(f) for f in files], how="diagonal_relaxed")


def check_outcomes(outcomes: Sequence[Outcome], scenario: Scenario, *, source: str) -> None:
    """Refuse, before anything runs, an outcome the scenario cannot produce (see the registry)."""
    registry.check_outcomes(outcomes, scenario, source=source)


def outcome_table(files: Sequence[Path], outcomes: Sequence[Outcome], *, keys: Sequence[str]) -> pl.DataFrame:
    """One row per run (``keys`` plus seed), one column per outcome."""
    runs = scan_runs(files)
    available = runs.collect_schema().names()
    ids = [*keys, "seed"]
    table: pl.DataFrame | None = None
    for outcome in outcomes:
        first, last = outcome.months
        columns = metric_columns(outcome.metric, available)
        window = runs.filter(pl.col("date").is_between(first, last))
        if outcome.across == "worst":
            per_entity = [_over_window(pl.col(c), outcome).alias(c) for c in columns]
            worst = pl.max_horizontal if registry.info_of(outcome).worse != "lower" else pl.min_horizontal
            part = window.group_by(ids).agg(per_entity).select(*ids, worst(columns).alias(outcome.name))
        else:
            monthly = _across(outcome, columns, available).alias("_value")
            part = (window.select(*ids, "date", monthly).group_by(ids)
                    .agg(_over_window(pl.col("_value"), outcome).alias(outcome.name)))
        part = part.with_columns(pl.col(outcome.name).cast(pl.Float64)).collect()
        table = part if table is None else table.join(part, on=ids, how="full", coalesce=True)
    return table.sort(ids)


def outcome_over_time(files: Sequence[Path], outcome: Outcome, *, keys: Sequence[str]) -> pl.DataFrame:
    """``keys``, seed, date and the outcome's monthly value (vendors combined month by month; for
    ``worst``, the worst vendor of each month), for every month of every run."""
    runs = scan_runs(files)
    available = runs.collect_schema().names()
    columns = metric_columns(outcome.metric, available)
    if outcome.across == "worst":
        worst = pl.max_horizontal if registry.info_of(outcome).worse != "lower" else pl.min_horizontal
        value = worst(columns)
    else:
        value = _across(outcome, columns, available)
    return runs.select(*keys, "seed", "date", value.cast(pl.Float64).alias("value")).collect()


def metric_columns(metric: str, available: Sequence[str]) -> list[str]:
    """The run-table columns an outcome's metric names (every vendor's for ``vendor.*.metric``)."""
    if "*" in metric:
        kind, _, name = metric.partition(".*.")
        columns = [c for c in available if c.startswith(f"{kind}.") and c.endswith(f".{name}")
                   and c.count(".") >= 2]
    else:
        columns = [metric] if metric in available else []
    if not columns:
        known = sorted(n for n in available if "." in n)
        raise SweepError(f"unknown metric {metric}; the runs have: {', '.join(known)}")
    return columns


def _across(outcome: Outcome, columns: list[str], available: Sequence[str]) -> pl.Expr:
    """One value a month: the metric itself, or the vendors' (weighted) mean over those present."""
    if outcome.across is None:
        return pl.col(columns[0])
    if outcome.across == "mean":
        return pl.mean_horizontal(columns)
    weights = [c.rsplit(".", 1)[0] + ".market_share" for c in columns]
    missing = [w for w in weights if w not in available]
    if missing:
        raise SweepError(f"outcome {outcome.name}: weighted needs {', '.join(missing)}; the runs have no user market")
    weighted = pl.sum_horizontal([pl.col(c) * pl.col(w) for c, w in zip(columns, weights, strict=True)])
    present = pl.sum_horizontal([pl.when(pl.col(c).is_not_null()).then(pl.col(w)) for c, w in
                                 zip(columns, weights, strict=True)])
    return pl.when(present > 0).then(weighted / present)


def _over_window(value: pl.Expr, outcome: Outcome) -> pl.Expr:
    if outcome.agg in (None, "last"):
        return value.sort_by("date").last()
    return getattr(value, outcome.agg)()


def write_tidy_table(files: Sequence[Path], target: Path) -> None:
    """Every run's months in one Parquet table, streamed from the run files."""
    runs = scan_runs(files)
    write_with(target, lambda tmp: runs.sink_parquet(tmp))
