"""A sweep of one parameter read as answers: each level's outcome with its 95% interval, its difference
from a reference level taken seed by seed (every point runs the same seeds: common random numbers, as in
``compare``), and the level at which the outcome has changed by a given percent, with an interval."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from ecosystem.experiments.compare import summarize
from ecosystem.experiments.sweep import Sweep, expand_path

LEVEL = "level"


def is_one_way(sweep: Sweep) -> bool:
    """A grid over one parameter: levels repeated over the same seeds."""
    return sweep.file.design.kind == "grid" and len(sweep.file.parameters) == 1


def reference_level(sweep: Sweep, levels: list[Any]) -> Any:
    """The base scenario's value when the grid holds it, else the first level."""
    raw = sweep.base_raw
    values = [_value_at(raw, path) for path in expand_path(raw, sweep.file.parameters[0])]
    return next((level for level in levels if all(value == level for value in values)), levels[0])


def _value_at(raw: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        if isinstance(raw, list):
            raw = next((item for i, item in enumerate(raw) if str(i) == key or
                        (isinstance(item, dict) and item.get("name") == key)), None)
        else:
            raw = raw.get(key) if isinstance(raw, dict) else None
    return raw


def one_way_summary(sweep: Sweep, outcomes: pl.DataFrame) -> pl.DataFrame:
    """``compare.summarize`` over the levels (the reference first, then in the grid's order), with the
    level in ``level`` (as text) in place of the scenario."""
    label = sweep.file.parameters[0].label
    levels = outcomes[label].unique(maintain_order=True).to_list()
    reference = reference_level(sweep, levels)
    order = [str(reference), *(str(level) for level in levels if level != reference)]
    table = outcomes.with_columns(pl.Series("scenario", [str(level) for level in outcomes[label]], dtype=pl.Utf8))
    return summarize(table, sweep.file.outcomes, order=order).rename({"scenario": LEVEL})


@dataclass(frozen=True)
class Threshold:
    """Where an outcome has changed by ``percent`` from the reference level: ``level`` interpolated from the
    mean change, ``low``-``high`` from the edges of its 95% band; None where the range swept never gets there."""

    percent: float
    rises: bool  # the direction of the change at the farthest level
    level: float | None
    low: float | None
    high: float | None
    swept: tuple[float, float]  # the reference level and the farthest level on the side examined

    def text(self, parameter: str) -> str:
        first, last = self.swept
        if self.level is None:
            return f"a {self.percent:g}% change is not reached in the range swept ({parameter} {first:g} to {last:g})"
        low = "?" if self.low is None else f"{self.low:.3g}"
        high = f"beyond {last:g}" if self.high is None else f"{self.high:.3g}"
        way = "rises" if self.rises else "falls"
        return f"{way} by {self.percent:g}% at {parameter} = {self.level:.3g} (95% interval {low} to {high})"


def threshold(summary: pl.DataFrame, outcome: str, *, percent: float) -> Threshold | None:
    """The level at which ``outcome`` first changes by ``percent`` (either way: the direction of the change
    at the farthest level), moving away from the reference level towards the side with more levels; None
    for levels that are not numbers."""
    part = summary.filter(pl.col("outcome") == outcome)
    try:
        levels = [float(v) for v in part[LEVEL]]
    except ValueError:
        return None
    reference = levels[0]
    rows = list(zip(levels, part["rel"], part["rel_low"], part["rel_high"], strict=True))
    above = sorted((r for r in rows if r[0] > reference), key=lambda r: r[0])
    below = sorted((r for r in rows if r[0] < reference), key=lambda r: -r[0])
    side = above if len(above) >= len(below) else below
    if not side:
        return None
    far = side[-1][1]
    sign = -1.0 if far is not None and far < 0 else 1.0
    path = [(reference, 0.0, 0.0, 0.0), *side]
    xs = [r[0] for r in path]

    def crossing(values: list[float | None]) -> float | None:
        return _first_crossing(xs, [math.nan if v is None else sign * v for v in values], abs(percent))

    mean = crossing([r[1] for r in path])
    near = crossing([r[3] if sign > 0 else r[2] for r in path])  # the band's edge that gets there first
    far_edge = crossing([r[2] if sign > 0 else r[3] for r in path])
    return Threshold(percent=abs(percent), rises=sign > 0, level=mean, low=near if mean is not None else None,
                     high=far_edge if mean is not None else None, swept=(reference, xs[-1]))


def _first_crossing(xs: list[float], ys: list[float], target: float) -> float | None:
    """The first x where the piecewise-linear ys reaches ``target`` (NaN points are skipped)."""
    points = [(x, y) for x, y in zip(xs, ys, strict=True) if not np.isnan(y)]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if y1 >= target:  # and y0 < target, or the previous pair would have returned
            return x0 + (target - y0) * (x1 - x0) / (y1 - y0)
    return None


def levels_of(summary: pl.DataFrame, outcome: str) -> pl.DataFrame:
    """One outcome's rows, for a table in the terminal: level, runs, mean and change from the reference."""
    return summary.filter(pl.col("outcome") == outcome).select(
        LEVEL, "n", "mean", "ci_low", "ci_high", "diff", "diff_low", "diff_high", "rel", "rel_low", "rel_high")
