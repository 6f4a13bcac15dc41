"""Figures of comparisons and sweeps: outcomes over time with confidence bands, heat maps of a
two-parameter grid, sensitivity indices with their intervals. Grey-scale readable."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl

from analysis.style import line_styles, new_figure, save


def stem_of(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")


def compare_figure(bands: pl.DataFrame, *, metric: str, order: Sequence[str], level: float = 0.95):
    """One line per scenario (mean over seeds) with its t-interval as a band."""
    fig, axes = new_figure()
    ax = axes[0, 0]
    styles = line_styles()
    for name in order:
        part = bands.filter(pl.col("scenario") == name).sort("date")
        if part.is_empty():
            continue
        style = next(styles)
        ax.plot(part["date"], part["mean"], label=name, **style)
        low, high = part["ci_low"].to_numpy(), part["ci_high"].to_numpy()
        ax.fill_between(part["date"].to_numpy(), low, high, color=style["color"], alpha=0.15, linewidth=0)
    ax.set_ylabel(metric)
    ax.set_title(f"{metric}: mean over seeds, {level:.0%} interval")
    ax.legend(frameon=False)
    return fig


def draw_compare_figures(bands_by_metric: dict[str, pl.DataFrame], folder: Path, *,
                         order: Sequence[str]) -> list[Path]:
    paths: list[Path] = []
    for metric, frame in bands_by_metric.items():
        paths += save(compare_figure(frame, metric=metric, order=order), folder, f"compare_{stem_of(metric)}")
    return paths


def heatmap_figure(means: pl.DataFrame, *, x: str, y: str, outcome: str):
    """Mean outcome over a two-parameter grid, values written in the cells."""
    xs, ys = sorted(means[x].unique().to_list()), sorted(means[y].unique().to_list())
    grid = np.full((len(ys), len(xs)), np.nan)
    for xv, yv, value in means.select(x, y, outcome).iter_rows():
        grid[ys.index(yv), xs.index(xv)] = value
    fig, axes = new_figure(width=5.5, height=4.2)
    ax = axes[0, 0]
    image = ax.imshow(grid, origin="lower", cmap="Greys", aspect="auto")
    ax.set_xticks(range(len(xs)), [f"{v:.3g}" if isinstance(v, float) else str(v) for v in xs])
    ax.set_yticks(range(len(ys)), [f"{v:.3g}" if isinstance(v, float) else str(v) for v in ys])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.grid(False)
    finite = grid[np.isfinite(grid)]
    middle = (finite.min() + finite.max()) / 2 if finite.size else 0.0
    for (i, j), value in np.ndenumerate(grid):
        if np.isfinite(value):
            ax.text(j, i, f"{value:.3g}", ha="center", va="center", fontsize=8,
                    color="white" if value > middle else "black")
    fig.colorbar(image, ax=ax, label=outcome)
    ax.set_title(f"{outcome}: mean over seeds")
    return fig


def indices_figure(table: pl.DataFrame, *, outcome: str, indices: Sequence[str]):
    """Bars per parameter, one hatch per index, with the confidence half-width as error bars."""
    part = table.filter(pl.col("outcome") == outcome)
    parameters = list(dict.fromkeys(part["parameter"].to_list()))
    fig, axes = new_figure(width=6.5, height=3.6)
    ax = axes[0, 0]
    width = 0.8 / len(indices)
    for k, (index, hatch, shade) in enumerate(zip(indices, ["", "//", ".."], ["0.3", "0.75", "0.55"],
                                                  strict=False)):
        rows = part.filter(pl.col("index") == index)
        values = [rows.filter(pl.col("parameter") == p)["value"].item() for p in parameters]
        confs = [rows.filter(pl.col("parameter") == p)["conf"].item() for p in parameters]
        positions = np.arange(len(parameters)) + (k - (len(indices) - 1) / 2) * width
        ax.bar(positions, values, width, label=index, color=shade, hatch=hatch, edgecolor="black",
               yerr=[c if c is not None else 0.0 for c in confs], capsize=3)
    ax.set_xticks(range(len(parameters)), parameters, rotation=20, ha="right")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_title(f"Sensitivity of {outcome} (95% intervals)")
    ax.legend(frameon=False)
    return fig


def draw_sweep_figures(*, kind: str, parameters: Sequence[str], outcomes: Sequence[str], means: pl.DataFrame,
                       sensitivity: pl.DataFrame, folder: Path) -> list[Path]:
    """Heat maps for a two-parameter grid; index bars for Sobol' (S1, ST) and Morris (mu*)."""
    paths: list[Path] = []
    for outcome in outcomes:
        if kind == "grid" and len(parameters) == 2:
            figure = heatmap_figure(means, x=parameters[0], y=parameters[1], outcome=outcome)
            paths += save(figure, folder, f"heatmap_{stem_of(outcome)}")
        elif kind in ("sobol", "morris") and not sensitivity.is_empty():
            indices = ["S1", "ST"] if kind == "sobol" else ["mu_star"]
            figure = indices_figure(sensitivity, outcome=outcome, indices=indices)
            paths += save(figure, folder, f"{kind}_{stem_of(outcome)}")
    return paths
