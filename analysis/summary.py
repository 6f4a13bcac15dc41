"""Small tables of a run's results for the terminal, named by the metric contract."""

from __future__ import annotations

import polars as pl

from ecosystem.metrics import metric_name

WEB_HEADLINE = ["web.docs", "web.synthetic_share", "web.synthetic_share_new", "farms.count"]
VENDOR_HEADLINE = ["excess_nll", "tail_mass_ratio", "topic_coverage", "train_synthetic_share"]


def with_names(metrics: pl.DataFrame) -> pl.DataFrame:
    """Add the dotted contract name (``vendor.Pioneer.excess_nll``) as a column ``name``."""
    names = [metric_name(k, e, m) for k, e, m in metrics.select("kind", "entity", "metric").iter_rows()]
    return metrics.with_columns(pl.Series("name", names))


def last_month(metrics: pl.DataFrame) -> pl.DataFrame:
    return metrics.filter(pl.col("step") == metrics["step"].max())


def web_headline(metrics: pl.DataFrame) -> dict[str, float]:
    """The web's headline metrics in the last month, by contract name."""
    last = with_names(last_month(metrics)).filter(pl.col("name").is_in(WEB_HEADLINE))
    values = dict(zip(last["name"], last["value"], strict=True))
    return {name: values[name] for name in WEB_HEADLINE if name in values}


def vendor_headline(metrics: pl.DataFrame) -> pl.DataFrame:
    """One row per vendor, one column per headline metric, in the last month."""
    last = last_month(metrics).filter(pl.col("kind") == "vendor", pl.col("metric").is_in(VENDOR_HEADLINE))
    if last.is_empty():
        return pl.DataFrame({"vendor": []}, schema={"vendor": pl.Utf8})
    wide = last.pivot(on="metric", index="entity", values="value").rename({"entity": "vendor"})
    return wide.select("vendor", *[m for m in VENDOR_HEADLINE if m in wide.columns])
