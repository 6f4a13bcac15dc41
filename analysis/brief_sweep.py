"""The brief of a sweep: how the outcomes move over the design's points, which parameter matters most
(from the Sobol' or Morris indices when the design has them), the figures, and what the base assumes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from analysis.assumptions import LEVERS, Difference, describe_policy
from analysis.brief_sections import capital, embedded, intervals_cover
from analysis.experiment_figures import INDEX_NAMES, draw_sweep_figures, stem_of
from analysis.results import SweepResults
from analysis.summary import interval, number
from ecosystem.experiments.registry import info_of
from ecosystem.experiments.stats import mean_ci

MAX_POINTS = 40
MAX_FIGURES = 4


def sweep_context(results: SweepResults, *, figures_folder: Path, question: str | None) -> dict[str, Any]:
    """Everything the sweep template shows, besides the shared methods and limitations."""
    outcomes = results.outcomes
    labels = [info_of(o).label for o in outcomes]
    return {
        "title": f"Sweep {results.name}: {', '.join(results.parameters)}: a brief from ecosim",
        "note": results.note(),
        "question": question or (f"How does the {labels[0]} change across {', '.join(results.parameters)}, "
                                 f"and which of them matters most?"),
        "answer": answer(results),
        "parameters": results.parameters,
        "outcome_heads": [f"{label} [{info_of(o).unit}]" for o, label in zip(outcomes, labels, strict=True)],
        "points": point_rows(results),
        "points_note": (f"{results.means.height} points" + (f"; the first {MAX_POINTS} are shown, all are in "
                                                            f"point_means.parquet" if results.means.height > MAX_POINTS
                                                            else "")),
        "indices": index_rows(results),
        "figures": figures(results, figures_folder),
        "base_name": results.base.get("name", "base"),
        "base_description": results.base.get("description", "").strip().rstrip("."),
        "assumptions": assumptions(results),
        "intervals_cover": intervals_cover(results.posterior),
    }


def answer(results: SweepResults) -> str:
    """One sentence on the first outcome: its range over the points, and the parameter that moves it most."""
    outcome = results.outcomes[0]
    info = info_of(outcome)
    unit = f" {info.unit}" if info.unit else ""
    means = results.means.drop_nulls(outcome.name).sort(outcome.name)
    if means.is_empty():
        return f"No finished run gives the {info.label}."
    low, high = means.row(0, named=True), means.row(-1, named=True)
    text = (f"Across {means.height} points, the {info.label} ranges from {number(low[outcome.name])}{unit} "
            f"({_at(results, low)}) to {number(high[outcome.name])}{unit} ({_at(results, high)})")
    top = _top_index(results, outcome.name)
    if top is not None:
        text += (f"; {top['parameter']} matters most ({INDEX_NAMES.get(top['index'], top['index'])} "
                 f"{number(top['value'])} {_conf(top)})")
    return text + f", over {results.seeds} seed(s) per point."


def _at(results: SweepResults, row: dict) -> str:
    return ", ".join(f"{p} = {_show(row[p])}" for p in results.parameters)


def _show(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _conf(row: dict) -> str:
    conf = row.get("conf")
    if conf is None or not np.isfinite(conf):
        return ""
    return interval(row["value"] - conf, row["value"] + conf)


def _top_index(results: SweepResults, outcome: str) -> dict | None:
    table = results.sensitivity
    if table.is_empty() or "outcome" not in table.columns:
        return None
    for index in ("ST", "mu_star", "S1"):
        rows = table.filter(pl.col("outcome") == outcome, pl.col("index") == index).drop_nulls("value")
        if rows.height:
            return rows.sort("value", descending=True).row(0, named=True)
    return None


def point_rows(results: SweepResults) -> list[dict[str, Any]]:
    """Per point: parameter values and each outcome's mean over seeds with its 95% interval."""
    rows = []
    for point, group in results.table.sort("point", "seed").group_by("point", maintain_order=True):
        if len(rows) == MAX_POINTS:
            break
        first = group.row(0, named=True)
        values = []
        for outcome in results.outcomes:
            estimate = mean_ci(group[outcome.name].to_numpy())
            values.append(f"{number(estimate.mean)} {interval(estimate.low, estimate.high)}")
        rows.append({"point": point[0], "parameters": [_show(first[p]) for p in results.parameters],
                     "outcomes": values, "n": group.height})
    return rows


def index_rows(results: SweepResults) -> list[dict[str, str]]:
    table = results.sensitivity
    if table.is_empty() or "outcome" not in table.columns:
        return []
    return [{"outcome": row["outcome"], "parameter": row["parameter"], "index": INDEX_NAMES.get(row["index"],
                                                                                              row["index"]),
             "value": f"{number(row['value'])} {_conf(row)}"} for row in table.iter_rows(named=True)]


def figures(results: SweepResults, folder: Path) -> list[dict[str, str]]:
    """The sweep's heat maps or index bars, at most four, each captioned with the design and dates."""
    drawn = draw_sweep_figures(kind=results.file.design.kind, parameters=results.parameters,
                               outcomes=[o.name for o in results.outcomes], means=results.means,
                               sensitivity=results.sensitivity, folder=folder, base=results.base,
                               paths_of={p.label: p.path for p in results.file.parameters},
                               described=results.outcomes, note=results.note())
    pngs = [path for path in drawn if path.suffix == ".png"][:MAX_FIGURES]
    what = {"heatmap": "Mean over seeds at each point of the grid; the colour scale is centred on the boxed cell",
            "sobol": "Sobol' indices with 95% bootstrap intervals", "morris": "Morris mu* with 95% intervals"}
    listed = []
    for png in pngs:
        kind = png.stem.split("_")[0]
        outcome = next((o for o in results.outcomes if png.stem.endswith(stem_of(o.name))), None)
        title = capital(info_of(outcome).label) if outcome is not None else png.stem
        listed.append({"uri": embedded(png), "title": title,
                       "caption": f"{what.get(kind, '')}. {results.note()}."})
    return listed


def assumptions(results: SweepResults) -> list[Difference]:
    """The base's policies, the sweep file's overrides and the parameters varied, in words."""
    items = [Difference(f"the base has {describe_policy(p)}", LEVERS.get(p.get("kind"), ("", ""))[1])
             for p in results.base.get("policies", [])]
    items += [Difference(f"the sweep sets {path} to {value}", "") for path, value in results.file.overrides.items()
              if path != "policies"]
    for parameter in results.file.parameters:
        span = (", ".join(_show(v) for v in parameter.levels) if parameter.levels is not None
                else f"{_show(parameter.low)} to {_show(parameter.high)}")
        items.append(Difference(f"{parameter.label} ({parameter.path}) varies over {span}", ""))
    return items
