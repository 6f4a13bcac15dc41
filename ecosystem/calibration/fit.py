"""How well runs match the published figures: one row per target, from the months of many runs.

The runs are those of a comparison (``runs.parquet``), usually of the calibrated baseline with each seed's
parameters drawn from the posterior (``compare --posterior``): their spread is then the posterior predictive
distribution, seed noise and calibration uncertainty together. Each target's statistic is computed per run as
``ecosim calibrate`` computes it (the month's value, or the year's mean).
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from ecosystem.calibration.targets import Target
from ecosystem.experiments.stats import mean_ci
from ecosystem.metric_table import SHARE, find, split_name

CLOSE = 0.03  # a share within 3 points of the published value counts as matched (issue 23's criterion)
Z95 = 1.959964

FIT_SCHEMA = {
    "series": pl.Utf8, "date": pl.Utf8, "use": pl.Utf8, "metric": pl.Utf8, "value": pl.Float64, "low": pl.Float64,
    "high": pl.Float64, "runs": pl.Int64, "mean": pl.Float64, "mean_low": pl.Float64, "mean_high": pl.Float64,
    "band_low": pl.Float64, "band_high": pl.Float64, "misfit_se": pl.Float64, "matched": pl.Boolean,
}


def is_share(target: Target) -> bool:
    name = split_name(target.metric)
    row = find(name.kind, name.metric)
    return row is not None and row.unit == SHARE


def matches(mean: float, target: Target) -> bool:
    """Whether a simulated mean matches a published figure: inside its interval, or for a share within 3 points."""
    return target.low <= mean <= target.high or (is_share(target) and abs(mean - target.value) <= CLOSE)


def per_run(runs: pl.DataFrame, target: Target) -> np.ndarray:
    """The target's statistic in each run (one value per seed): the month's value, or the year's mean."""
    if target.metric not in runs.columns:
        return np.empty(0)
    year, _, month = target.date.partition("-")
    rows = runs.filter(pl.col("date").dt.year() == int(year))
    if month:
        rows = rows.filter(pl.col("date").dt.month() == int(month))
    values = rows.group_by("seed").agg(pl.col(target.metric).mean()).drop_nulls()
    return values[target.metric].to_numpy()


def fit_table(runs: pl.DataFrame, targets: list[Target]) -> pl.DataFrame:
    """Per target: the runs' mean with its 95% interval, the runs' central 95% band, the misfit in standard
    errors of the published figure, and whether the mean is matched: inside the published interval, or for a
    share within 3 points of it."""
    rows = []
    for target in targets:
        values = per_run(runs, target)
        if not len(values):
            continue
        estimate = mean_ci(values)
        se = (target.high - target.low) / (2 * Z95)
        misfit = (estimate.mean - target.value) / se if se > 0 else math.nan
        band_low, band_high = np.quantile(values, [0.025, 0.975])
        rows.append((target.series, target.date, target.use, target.metric, target.value, target.low, target.high,
                     len(values), estimate.mean, estimate.low, estimate.high, float(band_low), float(band_high),
                     misfit, matches(estimate.mean, target)))
    return pl.DataFrame(rows, schema=FIT_SCHEMA, orient="row")


def monthly_band(runs: pl.DataFrame, metric: str) -> pl.DataFrame:
    """A metric's mean and central 95% band over runs, month by month (date, mean, band_low, band_high)."""
    if metric not in runs.columns:
        return pl.DataFrame(schema={"date": pl.Date, "mean": pl.Float64, "band_low": pl.Float64,
                                    "band_high": pl.Float64})
    return (runs.group_by("date")
            .agg(pl.col(metric).mean().alias("mean"), pl.col(metric).quantile(0.025).alias("band_low"),
                 pl.col(metric).quantile(0.975).alias("band_high"))
            .sort("date"))


def markdown(table: pl.DataFrame) -> str:
    """The fit table for a reader: one row per target, fitted and held-out rows marked."""
    lines = ["| series | date | used as | published [95%] | simulated mean [95%] | runs' 95% band | misfit (SE) "
             "| matched |", "|---|---|---|---|---|---|---|---|"]
    for row in table.iter_rows(named=True):
        digits = 3 if row["high"] <= 1.0 else 0
        def f(x: float, digits: int = digits) -> str:
            return f"{x:.{digits}f}"
        lines.append(f"| {row['series']} | {row['date']} | {row['use'].replace('_', '-')} "
                     f"| {f(row['value'])} [{f(row['low'])}, {f(row['high'])}] "
                     f"| {f(row['mean'])} [{f(row['mean_low'])}, {f(row['mean_high'])}] "
                     f"| {f(row['band_low'])} to {f(row['band_high'])} | {_misfit(row['misfit_se'])} "
                     f"| {'yes' if row['matched'] else 'no'} |")
    return "\n".join(lines) + "\n"


def _misfit(value: float) -> str:
    return "n/a (no interval)" if math.isnan(value) else f"{value:+.1f}"
