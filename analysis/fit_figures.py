"""Posterior predictive checks for a reader: one figure per published series, the published points with their
95% intervals (fitted points filled, held-out points hollow) over the simulated mean and the runs' 95% band."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from analysis.style import caption, new_figure, save
from ecosystem.calibration.fit import monthly_band
from ecosystem.calibration.targets import Target
from ecosystem.metric_table import find, split_name

TITLES = {
    "wildai": "AI share of tokens in a Common-Crawl-like crawl (WildAI)",
    "wildai_ai_length": "Length of a crawled document called AI (WildAI)",
    "wildai_human_length": "Length of a crawled document called human (WildAI)",
    "graphite": "New articles more than half AI-written (Graphite)",
    "ahrefs": "New pages with any AI text (Ahrefs)",
    "stackoverflow": "Human questions over 2022's (Stack Overflow)",
    "similarweb": "First mover's share of chatbot users (Similarweb)",
    "c2pa": "New content carrying content credentials (C2PA)",
}


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(f"{text}-07-01" if len(text) == 4 else f"{text}-01")


def series_figure(runs: pl.DataFrame, targets: list[Target], *, note: str):
    """The series of ``targets`` (one series, one metric) against the runs' monthly band."""
    metric = targets[0].metric
    band = monthly_band(runs, metric)
    first = min(_date(t.date) for t in targets) - dt.timedelta(days=200)
    band = band.filter(pl.col("date") >= first)
    fig, axes = new_figure(width=7.0, height=3.4)
    ax = axes[0, 0]
    ax.fill_between(band["date"], band["band_low"], band["band_high"], color="#0072B2", alpha=0.2, linewidth=0,
                    label="simulated: 95% of runs")
    ax.plot(band["date"], band["mean"], color="#0072B2", label="simulated: mean")
    for use, face, label in (("calibration", "black", "published, fitted"),
                             ("held_out", "white", "published, held out (not fitted)")):
        chosen = [t for t in targets if t.use == use]
        if chosen:
            ax.errorbar([_date(t.date) for t in chosen], [t.value for t in chosen],
                        yerr=[[t.value - t.low for t in chosen], [t.high - t.value for t in chosen]],
                        fmt="o", markersize=3.5, color="black", markerfacecolor=face, elinewidth=0.8,
                        capsize=1.5, label=label)
    ax.set_title(TITLES.get(targets[0].series, targets[0].series))
    name = split_name(metric)
    row = find(name.kind, name.metric)
    ax.set_ylabel(row.unit if row is not None else metric)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=4, frameon=False)
    caption(fig, note)
    return fig


def draw_fit_figures(runs: pl.DataFrame, targets: list[Target], folder: Path, *, note: str) -> list[Path]:
    """One figure per series the runs can simulate (``fit_<series>.png`` and ``.svg``)."""
    paths = []
    by_series: dict[str, list[Target]] = {}
    for target in targets:
        if target.metric in runs.columns:
            by_series.setdefault(target.series, []).append(target)
    for series, chosen in by_series.items():
        paths += save(series_figure(runs, chosen, note=note), folder, f"fit_{series}")
    return paths
