"""Small tables of a run's results, for the terminal and the README."""

from __future__ import annotations

import polars as pl

from ecosystem.metrics import metric_name

HEADLINE = ["synthetic_share_new", "synthetic_share", "docs", "count", "excess_nll", "tail_mass_ratio",
            "topic_coverage", "train_synthetic_share"]


def with_names(metrics: pl.DataFrame) -> pl.DataFrame:
    """Add the dotted contract name (``vendor.Pioneer.excess_nll``) as a column ``name``."""
    names = [metric_name(k, e, m) for k, e, m in metrics.select("kind", "entity", "metric").iter_rows()]
    return metrics.with_columns(pl.Series("name", names))


def final_summary(metrics: pl.DataFrame) -> pl.DataFrame:
    """Headline metrics in the last month, one row per metric, one column per entity."""
    last = metrics.filter(pl.col("step") == metrics["step"].max(), pl.col("metric").is_in(HEADLINE))
    return (
        last.pivot(on="entity", index="metric", values="value")
        .with_columns(pl.col("metric").cast(pl.Enum(HEADLINE)))
        .sort("metric")
        .with_columns(pl.col("metric").cast(pl.Utf8))
    )
