"""Figures of comparisons and sweeps: outcomes over time with confidence bands, heat maps of a
two-parameter grid, sensitivity indices with their intervals. Grey-scale readable. Every number drawn on a
figure is rounded by the one rule of ``analysis.rounding``, so it reads as the brief's tables do."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
from matplotlib.colors import Normalize
from matplotlib.patches import Rectangle

from analysis.rounding import setting, single, with_interval
from analysis.style import caption, new_figure, save, scenario_style
from analysis.wording import threshold_text
from ecosystem.experiments.catalogue import plain_label
from ecosystem.experiments.registry import ACROSS_WORDS, info_of
from ecosystem.experiments.schema import Outcome

if TYPE_CHECKING:
    from ecosystem.experiments.one_way import Threshold


def stem_of(name: str) -> str:
    """A name (an outcome's ``mean(vendor.*.excess_nll)@2030``) as a plain file-name stem."""
    return re.sub(r"[^A-Za-z0-9-]+", "_", name).strip("_")


def compare_figure(bands: pl.DataFrame, *, order: Sequence[str], title: str, ylabel: str, worse: str = "",
                   starts: Sequence[tuple[dt.date, str]] = (), window: tuple[dt.date, dt.date] | None = None,
                   note: str = "", level: float = 0.95):
    """One line per scenario (mean over seeds) with its t-interval as a band; the reference (``order[0]``)
    solid black; each policy's start marked by a dotted vertical line; the outcome's window shaded."""
    fig, axes = new_figure(height=3.4)
    ax = axes[0, 0]
    for i, name in enumerate(order):
        part = bands.filter(pl.col("scenario") == name).sort("date")
        if part.is_empty():
            continue
        style = scenario_style(name, reference=i == 0)
        ax.plot(part["date"], part["mean"], label=name, **style)
        low, high = part["ci_low"].to_numpy(), part["ci_high"].to_numpy()
        ax.fill_between(part["date"].to_numpy(), low, high, color=style["color"], alpha=0.18, linewidth=0)
    if window is not None and window[0] != window[1]:
        ax.axvspan(window[0], window[1], color="0.85", alpha=0.5, linewidth=0, label="outcome window")
    elif window is not None:
        ax.axvline(window[0], color="0.6", linewidth=0.8)
    by_date: dict[dt.date, list[str]] = {}
    for date, what in starts:
        if what not in by_date.setdefault(date, []):
            by_date[date].append(what)
    for date, whats in by_date.items():
        ax.axvline(date, color="0.3", linestyle=":", linewidth=1.0)
        ax.annotate(_wrapped(f"{' and '.join(whats)} from {date:%Y-%m}", 28), (date, 0.98),
                    xycoords=("data", "axes fraction"), xytext=(3, 0), textcoords="offset points", fontsize=7,
                    va="top", ha="left", color="0.2")
    ax.set_ylabel(_wrapped(ylabel, 38))
    ax.set_xlabel("date (month)")
    ax.set_title(_wrapped(title + (f" ({worse} is worse)" if worse else ""), 80))
    ax.legend(frameon=False, fontsize=7)
    if note:
        caption(fig, note + f"; lines: mean over seeds, bands: {level:.0%} interval")
    return fig


def forest_figure(summary: pl.DataFrame, *, reference: str, note: str = ""):
    """Each scenario's seed-paired difference from the reference, per outcome, in percent of the
    reference mean, with its 95% interval, written on the right as the brief's table writes it; each row
    says which direction is worse."""
    rows = summary.filter(pl.col("scenario") != reference, pl.col("rel").is_not_null())
    height = 1.2 + 0.45 * max(rows.height, 1)
    fig, axes = new_figure(width=7.0, height=height)
    ax = axes[0, 0]
    labels, numbers = [], []
    for i, row in enumerate(rows.iter_rows(named=True)):
        y = rows.height - 1 - i
        style = scenario_style(row["scenario"])
        low, high = row["rel_low"], row["rel_high"]
        if low is not None and high is not None:
            ax.plot([low, high], [y, y], color=style["color"], linewidth=2)
        ax.plot([row["rel"]], [y], marker=style["marker"] or "o", color=style["color"], markersize=6,
                linestyle="none")
        worse = f"; {row['worse']} is worse" if row["worse"] else ""
        labels.append(_wrapped(f"{row['scenario']}: {row['label']}{worse}", 46))
        numbers.append(with_interval(row["rel"], low, high, sign=True, suffix="%"))
    ax.set_yticks(range(rows.height), list(reversed(labels)), fontsize=7)
    right = ax.secondary_yaxis("right")
    right.set_yticks(range(rows.height), list(reversed(numbers)), fontsize=7)
    right.tick_params(length=0)
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel(f"change from {reference} (% of its mean), 95% interval paired by seed")
    ax.set_title(_wrapped(f"Change from {reference} in each outcome", 70))
    if note:
        caption(fig, note)
    return fig


def draw_compare_figures(summary: pl.DataFrame, bands: pl.DataFrame, outcomes: Sequence[Outcome], folder: Path, *,
                         order: Sequence[str], starts: Sequence[tuple[dt.date, str]] = (),
                         note: str = "", context: bool = True) -> dict[str, Path]:
    """The forest plot and one time-series figure per outcome (with ``context``, also the web's synthetic
    share of new pages, which a brief shows beside them); returns each figure's PNG path by name
    (``differences``, ``over_time_<stem>``)."""
    figures: dict[str, Path] = {}
    if summary.filter(pl.col("scenario") != order[0]).height:
        figures["differences"] = save(forest_figure(summary, reference=order[0], note=note), folder,
                                      "differences")[0]
    shown = [*outcomes]
    names = {o.name for o in outcomes}
    plain_metrics = {o.metric for o in outcomes if o.across is None}
    others = bands["outcome"].unique(maintain_order=True).to_list() if context else []
    for name in others:
        if name not in names and name not in plain_metrics:
            shown.append(Outcome(name=name, metric=name, start=bands["date"].min(), end=bands["date"].max(),
                                 agg="mean"))
    for outcome in shown:
        info = info_of(outcome)
        part = bands.filter(pl.col("outcome") == outcome.name)
        window = outcome.months if outcome.name in names else None
        per_month = describe_monthly(outcome)
        figure = compare_figure(part, order=order, title=per_month, ylabel=f"{per_month} [{info.unit}]",
                                worse=info.worse or "", starts=starts, window=window, note=note)
        figures[f"over_time_{stem_of(outcome.name)}"] = save(figure, folder, f"over_time_{stem_of(outcome.name)}")[0]
    return figures


def base_value(raw: dict[str, Any], dotted: str) -> Any:
    """A scenario field by dotted path (list items by name or index; ``*``: the first item), or None."""
    node: Any = raw
    for key in dotted.split("."):
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and node:
            node = _item(node, key)
        else:
            return None
    return node


def _item(items: list[Any], key: str) -> Any:
    for item in items:
        if isinstance(item, dict) and item.get("name") == key:
            return item
    if key == "*":
        return items[0]
    return items[int(key)] if key.isdigit() and int(key) < len(items) else None


def describe_monthly(outcome: Outcome) -> str:
    """The outcome's monthly series in words (its window is shown shaded, not named)."""
    if outcome.label:
        return outcome.label
    if outcome.across is None:
        return plain_label(outcome.metric)
    base = plain_label(outcome.metric.replace(".*.", ".X.")).removeprefix("X: ")
    across = "worst vendor each month" if outcome.across == "worst" else ACROSS_WORDS[outcome.across]
    return f"{base}, {across}"


def _wrapped(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width=width)) or text


def heatmap_figure(means: pl.DataFrame, *, x: str, y: str, outcome: str, anchor: tuple[Any, Any] | None = None,
                   anchor_name: str = "", label: str = "", worse: str = ""):
    """Mean outcome over a two-parameter grid. The colour scale is centred on the ``anchor`` cell (the base
    scenario's point when the grid holds it, else the grid's lowest corner), each cell shows its value and
    its change from the anchor (means without an interval: three significant figures, by the one rule), and
    the title gives the seeds per cell."""
    xs, ys = sorted(means[x].unique().to_list()), sorted(means[y].unique().to_list())
    grid = np.full((len(ys), len(xs)), np.nan)
    for xv, yv, value in means.select(x, y, outcome).iter_rows():
        grid[ys.index(yv), xs.index(xv)] = value
    if anchor is None or anchor[0] not in xs or anchor[1] not in ys:
        anchor, anchor_name = (xs[0], ys[0]), "the grid's lowest corner"
    i0, j0 = ys.index(anchor[1]), xs.index(anchor[0])
    centre = grid[i0, j0]
    finite = grid[np.isfinite(grid)]
    spread = float(np.nanmax(np.abs(finite - centre))) if finite.size and np.isfinite(centre) else 0.0
    fig, axes = new_figure(width=6.0, height=4.6)
    ax = axes[0, 0]
    norm = Normalize(vmin=centre - spread, vmax=centre + spread) if spread > 0 else None
    image = ax.imshow(grid, origin="lower", cmap="PuOr_r" if worse != "lower" else "PuOr", aspect="auto", norm=norm)
    ax.set_xticks(range(len(xs)), [setting(v) for v in xs])
    ax.set_yticks(range(len(ys)), [setting(v) for v in ys])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.grid(False)
    ax.add_patch(Rectangle((j0 - 0.5, i0 - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=2.0))
    for (i, j), value in np.ndenumerate(grid):
        if np.isfinite(value):
            change = "anchor" if (i, j) == (i0, j0) else single(value - centre, sign=True)
            strong = spread > 0 and abs(value - centre) > 0.6 * spread
            ax.text(j, i, f"{single(value)}\n({change})", ha="center", va="center", fontsize=7,
                    color="white" if strong else "black")
    name = label or outcome
    fig.colorbar(image, ax=ax, label=_wrapped(f"{name} (centred on {anchor_name})", 50))
    runs = means["runs"] if "runs" in means.columns else None
    seeds = "" if runs is None else (f", {int(runs.min())} seed(s) per cell" if runs.min() == runs.max()
                                     else f", {int(runs.min())}-{int(runs.max())} seeds per cell")
    direction = f"; {worse} is worse" if worse else ""
    ax.set_title(_wrapped(f"{name}: mean over seeds{seeds}{direction}", 58), fontsize=9)
    return fig


INDEX_NAMES = {"S1": "first-order Sobol' index (alone)", "ST": "total Sobol' index (with interactions)",
               "mu_star": "Morris mu* (mean absolute effect)"}


def indices_figure(table: pl.DataFrame, *, outcome: str, indices: Sequence[str], label: str = ""):
    """Bars per parameter, one hatch per index, with the 95% confidence half-width as error bars."""
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
        ax.bar(positions, values, width, label=INDEX_NAMES.get(index, index), color=shade, hatch=hatch,
               edgecolor="black",
               yerr=[c if c is not None else 0.0 for c in confs], capsize=3)
    ax.set_xticks(range(len(parameters)), parameters, rotation=20, ha="right")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylabel("share of the outcome's variance" if "S1" in indices or "ST" in indices else "effect size")
    ax.set_title(_wrapped(f"What drives the {label or outcome} (95% intervals)", 70), fontsize=9)
    ax.legend(frameon=False)
    return fig


def one_way_figure(summary: pl.DataFrame, *, parameter: str, outcome: str, label: str = "", worse: str = "",
                   change: float = 10.0, found: Threshold | None = None):
    """A grid over one parameter: left, the outcome's mean at each level with its 95% band; right, its
    seed-paired change from the reference level in percent, with its band and the +-``change``% lines, and
    where the change reaches ``change``% (``found``, from ``ecosystem.experiments.one_way.threshold``): a
    dotted line at the level, its interval shaded, the sentence written under the panel."""
    part = summary.filter(pl.col("outcome") == outcome)
    try:
        x = np.array([float(v) for v in part["level"]])
        order = np.argsort(x)
        ticks = None
    except ValueError:  # levels that are not numbers stand side by side, the reference first
        x, order, ticks = np.arange(part.height, dtype=float), np.arange(part.height), part["level"].to_list()
    fig, axes = new_figure(1, 2, width=7.5, height=3.2)
    panels = [("mean", "ci_low", "ci_high", label or outcome),
              ("rel", "rel_low", "rel_high", f"change from {parameter} = {_level(part['level'][0])} [%]")]
    for ax, (mid, low, high, ylabel) in zip(axes[0], panels, strict=True):
        values = [part[c].cast(pl.Float64).fill_null(np.nan).to_numpy()[order] for c in (mid, low, high)]
        ax.plot(x[order], values[0], marker="o", color="black")
        ax.fill_between(x[order], values[1], values[2], color="0.5", alpha=0.25, linewidth=0)
        ax.set_xlabel(parameter)
        ax.set_ylabel(_wrapped(ylabel, 40))
        if ticks is not None:
            ax.set_xticks(x, ticks)
    for sign in (-1, 1):
        axes[0, 1].axhline(sign * change, color="0.3", linestyle="--", linewidth=0.8)
    if found is not None:
        _mark_threshold(axes[0, 1], found, parameter)
    direction = f"; {worse} is worse" if worse else ""
    fig.suptitle(_wrapped(f"{label or outcome} by {parameter}: mean over seeds, 95% bands{direction}", 90), fontsize=9)
    return fig


def _level(text: str) -> str:
    """A level as the sweep's tables keep it (text) shown as a setting: "2000.0" -> "2,000"."""
    try:
        return setting(float(text))
    except ValueError:
        return text


def _mark_threshold(ax, found: Threshold, parameter: str) -> None:
    """Where the change reaches its percent: a dotted line at the level and its 95% interval shaded (to the
    last level swept when the interval goes beyond it); the sentence, rounded by the one rule, under the axes."""
    if found.level is not None:
        ax.axvline(found.level, color="black", linestyle=":", linewidth=1.2)
        if found.low is not None:
            ax.axvspan(found.low, found.swept[1] if found.high is None else found.high, color="0.6", alpha=0.2,
                       linewidth=0)
    ax.set_title(_wrapped(threshold_text(found, parameter), 52), fontsize=7, loc="left")


def draw_sweep_figures(*, kind: str, parameters: Sequence[str], outcomes: Sequence[str], means: pl.DataFrame,
                       sensitivity: pl.DataFrame, folder: Path, base: dict[str, Any] | None = None,
                       paths_of: dict[str, str] | None = None,
                       described: Sequence[Outcome] = (), note: str = "", one_way: pl.DataFrame | None = None,
                       change: float = 10.0) -> list[Path]:
    """Heat maps for a two-parameter grid (anchored on the ``base`` scenario's point when the grid holds
    it: ``paths_of`` maps parameter names to their dotted paths); for a one-parameter grid, each outcome
    against the levels and its change from the reference (``one_way``, ``change`` percent lines); index
    bars for Sobol' (S1, ST) and Morris (mu*). ``described`` outcomes lend their plain words and direction;
    ``note`` (sweep, design, seeds, dates) is each figure's caption line."""
    from ecosystem.experiments.one_way import threshold

    paths: list[Path] = []
    infos = {o.name: info_of(o) for o in described}
    for outcome in outcomes:
        if kind == "grid" and len(parameters) == 2:
            anchor = tuple(base_value(base, (paths_of or {}).get(p, p)) for p in parameters) if base else None
            info = infos.get(outcome)
            figure = heatmap_figure(means, x=parameters[0], y=parameters[1], outcome=outcome, anchor=anchor,
                                    anchor_name="the base scenario", label=info.label if info else "",
                                    worse=(info.worse or "") if info else "")
            if note:
                caption(figure, note)
            paths += save(figure, folder, f"heatmap_{stem_of(outcome)}")
        elif kind == "grid" and len(parameters) == 1 and one_way is not None and not one_way.is_empty():
            info = infos.get(outcome)
            figure = one_way_figure(one_way, parameter=parameters[0], outcome=outcome, label=info.label if info else "",
                                    worse=(info.worse or "") if info else "", change=change,
                                    found=threshold(one_way, outcome, percent=change))
            if note:
                caption(figure, note)
            paths += save(figure, folder, f"levels_{stem_of(outcome)}")
        elif kind in ("sobol", "morris") and not sensitivity.is_empty():
            indices = ["S1", "ST"] if kind == "sobol" else ["mu_star"]
            info = infos.get(outcome)
            figure = indices_figure(sensitivity, outcome=outcome, indices=indices, label=info.label if info else "")
            if note:
                caption(figure, note)
            paths += save(figure, folder, f"{kind}_{stem_of(outcome)}")
    return paths


def draw_compare_results(results, folder: Path | None = None, *, context: bool = True) -> dict[str, Path]:
    """The figures of a comparison folder (``analysis.results.CompareResults``), into its ``figures/``;
    ``context=False`` draws only the outcomes asked for (``ecosim compare``), not the web's synthetic share."""
    return draw_compare_figures(results.summary, results.bands, results.outcomes, folder or results.folder / "figures",
                                order=results.order, starts=results.policy_starts(), note=results.note(),
                                context=context)
