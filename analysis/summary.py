"""Small tables of results for the terminal: a run's headline metrics, and a comparison's summary as
wrapped text that fits 80 columns and a piped log (never cut with an ellipsis)."""

from __future__ import annotations

import textwrap

import polars as pl

from ecosystem.metric_table import metric_name

WEB_HEADLINE = ["web.docs", "web.synthetic_share", "web.synthetic_share_new", "farms.count"]
VENDOR_HEADLINE = ["excess_nll", "tail_kept", "topic_coverage", "train_synthetic_share"]


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


def number(value: float | None, digits: int = 4) -> str:
    """A number as the summary and the brief both print it (``digits`` significant digits)."""
    if value is None or value != value:
        return "n/a"
    return f"{value:.{digits}g}"


def interval(low: float | None, high: float | None) -> str:
    return "[n/a]" if low is None or low != low else f"[{number(low)}, {number(high)}]"


def percent(value: float | None) -> str:
    return "n/a" if value is None or value != value else f"{value:+.1f}%"


def difference_text(row: dict, reference: str) -> str:
    """"-0.128 [-0.215, -0.040] nats (-7.5% [-12.6%, -2.3%]) vs baseline" for one summary row."""
    unit = f" {row['unit']}" if row["unit"] else ""
    rel = (f" ({percent(row['rel'])} [{percent(row['rel_low'])}, {percent(row['rel_high'])}])"
           if row["rel"] is not None else "")
    return f"{number(row['diff'])} {interval(row['diff_low'], row['diff_high'])}{unit}{rel} vs {reference}"


def format_summary(summary: pl.DataFrame, *, reference: str, width: int = 80) -> str:
    """The compare summary as wrapped plain text, ``width`` columns at most and never cut: per outcome,
    its plain name, unit and direction, then per scenario the value with its 95% interval, the
    seed-paired difference from the reference with its interval, the relative change, and n."""
    lines = [f"Compared with {reference}: mean over seeds [95% interval]; differences paired by seed."]
    for outcome, part in summary.group_by("outcome", maintain_order=True):
        first = part.row(0, named=True)
        direction = f"; {first['worse']} is worse" if first["worse"] else ""
        lines += ["", *_wrap(f"{first['label']} [{first['unit'] or 'no unit'}{direction}]", width, "", "  ")]
        lines += _wrap(f"(outcome {outcome[0]})", width, "  ", "  ")
        for row in part.iter_rows(named=True):
            head = f"{row['scenario']}: {number(row['mean'])} {interval(row['ci_low'], row['ci_high'])}, n={row['n']}"
            lines += _wrap(head, width, "  ", "      ")
            if row["scenario"] != reference and row["diff"] is not None:
                lines += _wrap(difference_text(row, reference), width, "      ", "        ")
    return "\n".join(lines)


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=rest,
                         break_long_words=True, break_on_hyphens=False) or [first]
