"""The figures of one run: synthetic share of the web, vendors' collapse metrics, training data.

Axes carry plain words and units (``analysis.style.metric_label``), titles say which direction is
worse, each vendor keeps its one style (``vendor_style``), and a caption line names the scenario, the
seed and the dates when the caller gives them.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import polars as pl

from analysis.style import caption, line_styles, metric_label, new_figure, save, vendor_style, worse_note


def draw_run_figures(metrics: pl.DataFrame, folder: str | Path, *, note: str = "") -> list[Path]:
    """Draw every run figure into ``folder``; ``note`` (scenario, seed, dates) is each figure's caption.
    Returns the files written."""
    figures = [(synthetic_share_figure(metrics), "synthetic_share")]
    if metrics.filter(pl.col("kind") == "vendor").height:
        figures += [(vendor_quality_figure(metrics), "vendor_quality"),
                    (training_data_figure(metrics), "training_synthetic_share")]
    if metrics.filter(pl.col("kind") == "detector").height:
        figures.append((detector_figure(metrics), "detectors"))
    paths = []
    for figure, stem in figures:
        if note:
            caption(figure, note)
        paths += save(figure, folder, stem)
    return paths


def run_note(scenario_name: str, seed: int, metrics: pl.DataFrame) -> str:
    """The caption line of a run's figures: scenario, seed and dates."""
    return f"scenario {scenario_name}, seed {seed}, {metrics['date'].min():%Y-%m} to {metrics['date'].max():%Y-%m}"


def _series(metrics: pl.DataFrame, kind: str, metric: str) -> dict[str, pl.DataFrame]:
    rows = metrics.filter(pl.col("kind") == kind, pl.col("metric") == metric).sort("step")
    return {entity: part for (entity,), part in rows.group_by("entity", maintain_order=True)}


def _axis_label(kind: str, metric: str) -> str:
    """The metric's plain words and unit, without an entity (every line is one entity)."""
    return "\n".join(textwrap.wrap(metric_label(f"{kind}.X.{metric}").removeprefix("X: "), 40))


def _plot_with_retrainings(metrics: pl.DataFrame, kind: str, panels: list[tuple]) -> None:
    """One line per entity on each (axis, metric) panel, with a tick where it retrained."""
    retrained = _series(metrics, kind, "retrained")
    for ax, metric in panels:
        for entity, part in _series(metrics, kind, metric).items():
            style = vendor_style(entity)
            ax.plot(part["date"], part["value"], label=entity, **style)
            marks = retrained[entity].filter(pl.col("value") > 0)["date"]
            joined = part.filter(pl.col("date").is_in(marks.implode()))
            ax.plot(joined["date"], joined["value"], linestyle="none", marker="|", markersize=9,
                    color=style["color"])
        worse = worse_note(f"{kind}.X.{metric}")
        ax.set_ylabel(_axis_label(kind, metric) + (f"\n({worse})" if worse else ""))
        ax.legend(frameon=False, ncol=4, fontsize=7)


def synthetic_share_figure(metrics: pl.DataFrame):
    fig, axes = new_figure()
    ax = axes[0, 0]
    styles = line_styles()
    for metric, label in [("synthetic_share_new", "new pages this month"), ("synthetic_share", "all pages")]:
        for _, part in _series(metrics, "web", metric).items():
            ax.plot(part["date"], part["value"], label=label, **next(styles))
    ax.set_ylim(0, 1)
    ax.set_ylabel("machine-made share of pages")
    ax.set_xlabel("date (month)")
    ax.set_title("How much of the web is machine-made (higher is worse)")
    ax.legend(frameon=False)
    return fig


def vendor_quality_figure(metrics: pl.DataFrame):
    """Excess NLL and tail-mass ratio per vendor, with each retraining marked by a tick."""
    fig, axes = new_figure(2, 1)
    _plot_with_retrainings(metrics, "vendor", [(axes[0, 0], "excess_nll"), (axes[1, 0], "tail_kept")])
    axes[1, 0].axhline(1.0, color="0.5", linewidth=0.8)
    axes[1, 0].set_xlabel("date (month)")
    axes[0, 0].set_title("How far each vendor's model is from human text (| = retraining)")
    return fig


def training_data_figure(metrics: pl.DataFrame):
    fig, axes = new_figure()
    ax = axes[0, 0]
    for entity, part in _series(metrics, "vendor", "train_synthetic_share").items():
        ax.step(part["date"], part["value"], where="post", label=entity, **vendor_style(entity))
    ax.set_ylim(0, 1)
    ax.set_ylabel(_axis_label("vendor", "train_synthetic_share"))
    ax.set_xlabel("date (month)")
    ax.set_title("What vendors trained on (higher is worse)")
    ax.legend(frameon=False, ncol=4, fontsize=7)
    return fig


def detector_figure(metrics: pl.DataFrame):
    """Each detector's measured TPR and FPR on the month's new pages, retrainings marked by a tick."""
    fig, axes = new_figure(2, 1)
    _plot_with_retrainings(metrics, "detector", [(axes[0, 0], "tpr"), (axes[1, 0], "fpr")])
    for ax in axes[:, 0]:
        ax.set_ylim(0, 1)
    axes[1, 0].set_xlabel("date (month)")
    axes[0, 0].set_title("Detectors measured against ground truth (| = retraining)")
    return fig
