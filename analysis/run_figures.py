"""The figures of one run: synthetic share of the web, vendors' collapse metrics, training data."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from analysis.style import line_styles, new_figure, save, vendor_style


def draw_run_figures(metrics: pl.DataFrame, folder: str | Path) -> list[Path]:
    """Draw every run figure into ``folder``; returns the files written."""
    paths = save(synthetic_share_figure(metrics), folder, "synthetic_share")
    if metrics.filter(pl.col("kind") == "vendor").height:
        paths += save(vendor_quality_figure(metrics), folder, "vendor_quality")
        paths += save(training_data_figure(metrics), folder, "training_synthetic_share")
    if metrics.filter(pl.col("kind") == "detector").height:
        paths += save(detector_figure(metrics), folder, "detectors")
    return paths


def _series(metrics: pl.DataFrame, kind: str, metric: str) -> dict[str, pl.DataFrame]:
    rows = metrics.filter(pl.col("kind") == kind, pl.col("metric") == metric).sort("step")
    return {entity: part for (entity,), part in rows.group_by("entity", maintain_order=True)}


def _plot_with_retrainings(metrics: pl.DataFrame, kind: str, panels: list[tuple]) -> None:
    """One line per entity on each (axis, metric, label) panel, with a tick where it retrained."""
    retrained = _series(metrics, kind, "retrained")
    for ax, metric, label in panels:
        for entity, part in _series(metrics, kind, metric).items():
            style = vendor_style(entity)
            ax.plot(part["date"], part["value"], label=entity, **style)
            marks = retrained[entity].filter(pl.col("value") > 0)["date"]
            joined = part.filter(pl.col("date").is_in(marks.implode()))
            ax.plot(joined["date"], joined["value"], linestyle="none", marker="|", markersize=9,
                    color=style["color"])
        ax.set_ylabel(label)
        ax.legend(frameon=False, ncol=3, fontsize=7)


def synthetic_share_figure(metrics: pl.DataFrame):
    fig, axes = new_figure()
    ax = axes[0, 0]
    styles = line_styles()
    for metric, label in [("synthetic_share_new", "new pages this month"), ("synthetic_share", "all pages")]:
        for _, part in _series(metrics, "web", metric).items():
            ax.plot(part["date"], part["value"], label=label, **next(styles))
    ax.set_ylim(0, 1)
    ax.set_ylabel("synthetic share")
    ax.set_title("Synthetic share of the web")
    ax.legend(frameon=False)
    return fig


def vendor_quality_figure(metrics: pl.DataFrame):
    """Excess NLL and tail-mass ratio per vendor, with each retraining marked by a tick."""
    fig, axes = new_figure(2, 1)
    _plot_with_retrainings(metrics, "vendor", [
        (axes[0, 0], "excess_nll", "excess NLL (nats): KL(P || Q)"),
        (axes[1, 0], "tail_mass_ratio", "tail-mass ratio (Q / P on rare topics)"),
    ])
    axes[1, 0].axhline(1.0, color="0.5", linewidth=0.8)
    axes[0, 0].set_title("Vendor models against reality (| = retraining)")
    return fig


def training_data_figure(metrics: pl.DataFrame):
    fig, axes = new_figure()
    ax = axes[0, 0]
    for entity, part in _series(metrics, "vendor", "train_synthetic_share").items():
        ax.step(part["date"], part["value"], where="post", label=entity, **vendor_style(entity))
    ax.set_ylim(0, 1)
    ax.set_ylabel("synthetic share of training data")
    ax.set_title("What vendors trained on")
    ax.legend(frameon=False, ncol=3, fontsize=7)
    return fig


def detector_figure(metrics: pl.DataFrame):
    """Each detector's measured TPR and FPR on the month's new pages, retrainings marked by a tick."""
    fig, axes = new_figure(2, 1)
    _plot_with_retrainings(metrics, "detector", [
        (axes[0, 0], "tpr", "true-positive rate (synthetic pages)"),
        (axes[1, 0], "fpr", "false-positive rate (human pages)"),
    ])
    for ax in axes[:, 0]:
        ax.set_ylim(0, 1)
    axes[0, 0].set_title("Detectors measured against ground truth (| = retraining)")
    return fig
