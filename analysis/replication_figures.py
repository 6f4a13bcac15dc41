"""One figure per replication: simulated mean per arm with its 95% interval over seeds (the tests accept
theory within 4 standard errors, about twice this band), the exact theory as a thick pale line beneath
it, and the published limit as a thin dash-dot line.

``python -m analysis.replication_figures [FOLDER] [NAME ...]`` reruns experiments at their default
options and writes the ``replication_NAME.png`` figures docs/science.md shows (FOLDER: docs/figures).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl

from analysis.style import line_styles, new_figure, save
from ecosystem.replication import EXPERIMENTS, run_experiment

# Per experiment: the quantities shown, their axis label, and whether the axis is logarithmic.
PANELS: dict[str, list[tuple[str, str, bool]]] = {
    "gaussian": [("variance", "fitted variance", True), ("std", "fitted standard deviation", True),
                 ("log_variance", "log fitted variance", False),
                 ("mean_error_sq", "(mean - true mean)^2", False)],
    "gmm": [("variance_ratio", "total variance / real", True), ("within_variance_ratio", "within-component "
            "variance / real", True), ("separation_ratio", "separation / real", False),
            ("heldout_nll", "held-out real NLL", True)],
    "categorical": [("support", "support size", True), ("heterozygosity", "1 - sum p^2", False),
                    ("entropy", "entropy (nats)", False), ("alive_head", "head symbols alive", False),
                    ("alive_torso", "torso symbols alive", False),
                    ("alive_tail", "tail symbols alive", False)],
    "regression": [("test_error", "excess test error ||w - w*||^2", False)],
    "mixing": [("mean_error_sq", "(mean - true mean)^2", False), ("variance", "fitted variance", False)],
    "text_lm": [("perplexity_change", "held-out perplexity, change", False),
                ("rare_prob_ratio", "p(rare words) / generation 0", True),
                ("common_prob_ratio", "p(other words) / generation 0", True),
                ("vocabulary_change", "output vocabulary, change", False),
                ("rare_share", "rare words' share of output", False),
                ("repeated_4gram_share", "repeated 4-grams in output", False)],
}


def draw_replication_figure(name: str, table: pl.DataFrame, folder: str | Path, *, stem: str = "figure"
                            ) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg`` for one experiment's table; return their paths."""
    panels = PANELS.get(name) or [(q, q, False) for q in table["quantity"].unique(maintain_order=True)]
    panels = [p for p in panels if p[0] in set(table["quantity"])]
    cols = 2 if len(panels) > 1 else 1
    rows = (len(panels) + cols - 1) // cols
    fig, axes = new_figure(rows, cols, width=7.0 if cols == 2 else 4.5, height=2.6)
    arms = table["arm"].unique(maintain_order=True).to_list()
    for ax, (quantity, label, log) in zip(axes.flat, panels, strict=False):
        styles = line_styles()
        for arm in arms:
            rows = table.filter(pl.col("arm") == arm, pl.col("quantity") == quantity).sort("generation")
            _draw_arm(ax, rows, arm, next(styles), log=log)
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("generation")
        if log:
            ax.set_yscale("log")
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=7, frameon=False)
    n_seeds = int(table["n_seeds"].max())
    fig.suptitle(f"{name}: mean over {n_seeds} seed{'s' if n_seeds > 1 else ''}", fontsize=10)
    return save(fig, folder, stem)


def _draw_arm(ax, rows: pl.DataFrame, arm: str, style: dict, *, log: bool) -> None:
    x = rows["generation"].to_numpy()
    mean = rows["mean"].to_numpy()
    std = rows["std"].fill_null(0.0).to_numpy()
    half_width = 1.96 * std / np.sqrt(rows["n_seeds"].to_numpy())
    style = {**style, "markevery": max(1, len(x) // 8)}
    low = np.maximum(mean - half_width, mean * 0.05) if log else mean - half_width
    ax.fill_between(x, low, mean + half_width, color=style["color"], alpha=0.15, linewidth=0)
    ax.plot(x, mean, label=arm, linewidth=1.2, **style)
    theory = rows["theory"].to_numpy().astype(float)
    known = ~np.isnan(theory)
    if known.sum() > 2:
        ax.plot(x[known], theory[known], color="0.7", linewidth=3.5, zorder=0, solid_capstyle="butt",
                label=_once(ax, "theory"))
    elif known.any():
        ax.plot(x[known], theory[known], "x", color="0.0", markersize=7, zorder=3,
                label=_once(ax, "theory"))
    limit = rows["theory_limit"].drop_nulls()
    if len(limit):
        ax.axhline(float(limit[0]), color="0.0", linestyle="-.", linewidth=0.8,
                   label=_once(ax, "published limit"))


def _once(ax, label: str) -> str | None:
    """The label the first time it is used on this axis, then None (one legend entry each)."""
    return None if label in ax.get_legend_handles_labels()[1] else label


def draw_docs_figures(folder: str | Path = "docs/figures", names: Sequence[str] | None = None) -> list[Path]:
    """Run each experiment (all when ``names`` is None) at its default options (seed 0) and keep
    ``replication_NAME.png`` in ``folder``."""
    written = []
    for name in names or list(EXPERIMENTS):
        paths = draw_replication_figure(name, run_experiment(name), folder, stem=f"replication_{name}")
        for path in paths:
            if path.suffix == ".png":
                written.append(path)
            else:
                path.unlink()  # the docs embed the PNG only
    return written


if __name__ == "__main__":
    args = sys.argv[1:]
    for written in draw_docs_figures(*args[:1], *([args[1:]] if len(args) > 1 else [])):
        print(written)
