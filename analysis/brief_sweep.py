"""The brief of a sweep: how the outcomes move over the design's points, which parameter matters most
(from the Sobol' or Morris indices when the design has them), the figures, and what the base assumes. A grid
over one parameter is read as answers: each level against the reference level, seed by seed, and the level
at which the first outcome has changed by ``change`` percent. Every number is rounded by the one rule of
``analysis.rounding``, as in a comparison's brief, and the answer quotes the tables' numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from analysis.assumptions import LEVERS, Difference, describe_policy
from analysis.brief_compare import key_groups
from analysis.brief_sections import capital, embedded, intervals_cover
from analysis.experiment_figures import INDEX_NAMES, draw_sweep_figures, stem_of
from analysis.results import SweepResults
from analysis.rounding import estimate, setting, with_interval
from analysis.wording import outcome_phrase, threshold_text
from ecosystem.experiments.registry import info_of
from ecosystem.experiments.stats import mean_ci

MAX_POINTS = 40
MAX_FIGURES = 4


def sweep_context(results: SweepResults, *, figures_folder: Path, question: str | None,
                  change: float = 10.0) -> dict[str, Any]:
    """Everything the sweep template shows, besides the shared methods and limitations (``change``: the
    percent change whose level a one-parameter grid reports)."""
    outcomes = results.outcomes
    labels = [info_of(o).label for o in outcomes]
    one_way = not results.one_way.is_empty()
    default = (f"At what {results.parameters[0]} does {outcome_phrase(outcomes[0])} change by {setting(change)}% "
               f"from {results.parameters[0]} = {_level(results.one_way['level'][0])}?" if one_way else
               f"How does the {labels[0]} change across {', '.join(results.parameters)}, and which of them "
               f"matters most?")
    return {
        "title": f"Sweep {results.name}: {', '.join(results.parameters)}: a brief from ecosim",
        "note": results.note(),
        "question": question or default,
        "answer": one_way_answer(results, change) if one_way else answer(results),
        "parameters": results.parameters,
        "outcome_heads": [f"{label} [{info_of(o).unit}]" for o, label in zip(outcomes, labels, strict=True)],
        "points": [] if one_way else point_rows(results),
        "points_note": (f"{results.means.height} points" + (f"; the first {MAX_POINTS} are shown, all are in "
                                                            f"point_means.parquet" if results.means.height > MAX_POINTS
                                                            else "")),
        "levels": level_groups(results, change) if one_way else [],
        "parameter": results.parameters[0],
        "reference_level": _level(results.one_way["level"][0]) if one_way else "",
        "indices": index_rows(results),
        "figures": figures(results, figures_folder, change=change),
        "base_name": results.base.get("name", "base"),
        "base_description": results.base.get("description", "").strip().rstrip("."),
        "assumptions": assumptions(results),
        "intervals_cover": intervals_cover(results.posterior),
    }


# ----------------------------------------------------------------------------------------------
# Any design: points, their ranges and the sensitivity indices


def answer(results: SweepResults) -> str:
    """One sentence on the first outcome: its range over the points (each value as the points table shows
    it), and the parameter that moves it most."""
    outcome = results.outcomes[0]
    info = info_of(outcome)
    unit = f" {info.unit}" if info.unit else ""
    means = results.means.drop_nulls(outcome.name).sort(outcome.name)
    if means.is_empty():
        return f"No finished run gives the {info.label}."
    low, high = means.row(0, named=True), means.row(-1, named=True)
    shown = {point: estimate(*_point_estimate(results, point, outcome.name))[0] for point in (low["point"],
                                                                                           high["point"])}
    text = (f"Across {means.height} points, the {info.label} ranges from {shown[low['point']]}{unit} "
            f"({_at(results, low)}) to {shown[high['point']]}{unit} ({_at(results, high)})")
    top = _top_index(results, outcome.name)
    if top is not None:
        text += f"; {top['parameter']} matters most ({INDEX_NAMES.get(top['index'], top['index'])} {_index(top)})"
    return text + f", over {results.seeds} seed(s) per point."


def _point_estimate(results: SweepResults, point: int, outcome: str) -> tuple[float, float, float]:
    """A point's mean over its seeds with its 95% interval, from the runs' table."""
    found = mean_ci(results.table.filter(pl.col("point") == point)[outcome].to_numpy())
    return found.mean, found.low, found.high


def _at(results: SweepResults, row: dict) -> str:
    return ", ".join(f"{p} = {setting(row[p])}" for p in results.parameters)


def _index(row: dict) -> str:
    """An index with its 95% interval (value +- its bootstrap half-width), rounded by the one rule."""
    conf = row.get("conf")
    if conf is None or not np.isfinite(conf):
        return with_interval(row["value"], None, None)
    return with_interval(row["value"], row["value"] - conf, row["value"] + conf)


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
    for point in results.table.sort("point")["point"].unique(maintain_order=True).to_list()[:MAX_POINTS]:
        group = results.table.filter(pl.col("point") == point)
        first = group.row(0, named=True)
        values = [with_interval(*_point_estimate(results, point, o.name)) for o in results.outcomes]
        rows.append({"point": point, "parameters": [setting(first[p]) for p in results.parameters],
                     "outcomes": values, "n": group.height})
    return rows


def index_rows(results: SweepResults) -> list[dict[str, str]]:
    table = results.sensitivity
    if table.is_empty() or "outcome" not in table.columns:
        return []
    return [{"outcome": row["outcome"], "parameter": row["parameter"], "index": INDEX_NAMES.get(row["index"],
                                                                                              row["index"]),
             "value": _index(row)} for row in table.iter_rows(named=True)]


# ----------------------------------------------------------------------------------------------
# A grid over one parameter: levels against the reference level, and where the change reaches a percent


def _level(text: str) -> str:
    """A level as one_way.parquet keeps it (text), shown as a setting: "1.0" -> "1"."""
    try:
        return setting(float(text))
    except ValueError:
        return text


def _threshold(results: SweepResults, outcome: str, change: float):
    from ecosystem.experiments.one_way import threshold

    return threshold(results.one_way, outcome, percent=change)


def level_groups(results: SweepResults, change: float) -> list[dict[str, Any]]:
    """The comparison brief's key-numbers table with levels in place of scenarios, one group per outcome,
    each with the level at which the outcome has changed by ``change`` percent (``threshold``)."""
    parameter, table = results.parameters[0], results.one_way
    titles = {level: f"{parameter} = {_level(level)}" for level in table["level"].unique().to_list()}
    groups = key_groups(table.rename({"level": "scenario"}), reference=table["level"][0], titles=titles,
                        phrases={o.name: capital(outcome_phrase(o)) for o in results.outcomes})
    for outcome, group in zip(table["outcome"].unique(maintain_order=True).to_list(), groups, strict=True):
        found = _threshold(results, outcome, change)
        group["threshold"] = "" if found is None else f"{_reaches(group['label'], found, parameter)}."
    return groups


def one_way_answer(results: SweepResults, change: float) -> str:
    """The first outcome: where it has changed by ``change`` percent, then its difference at the farthest level
    examined from the reference, with its interval, every number as the levels table shows it."""
    outcome, parameter, table = results.outcomes[0], results.parameters[0], results.one_way
    rows = table.filter(pl.col("outcome") == outcome.name)
    reference = rows["level"][0]
    found = _threshold(results, outcome.name, change)
    far = rows["level"][-1] if found is None else next(
        (level for level in rows["level"] if _as_number(level) == found.swept[1]), rows["level"][-1])
    row = rows.filter(pl.col("level") == far).row(0, named=True)
    info = info_of(outcome)
    unit = f" {info.unit}" if info.unit else ""
    phrase = capital(outcome_phrase(outcome))
    said = "" if found is None else _reaches(phrase, found, parameter)
    diff = with_interval(row["diff"], row["diff_low"], row["diff_high"])
    if far == reference:
        value = with_interval(row["mean"], row["ci_low"], row["ci_high"])
        return (f"{phrase} is {value}{unit} at {parameter} = {_level(reference)}, over {row['n']} seed(s); a sweep "
                f"of one level has no other level to compare it with.")
    if not diff:
        return (f"{said or phrase}; with {row['n']} seed(s) per level there is no interval to say how sure that "
                f"is (ecosim sweep with more seeds).")
    rel = ("" if row["rel"] is None else
           f" ({with_interval(row['rel'], row['rel_low'], row['rel_high'], sign=True, suffix='%')})")
    at = (f"at {parameter} = {_level(far)} it differs from {parameter} = {_level(reference)} by {diff}{unit}{rel}, "
          f"seed by seed over {row['n']} seeds per level")
    return f"{said}; {at}." if said else f"{capital(at)}."


def _reaches(phrase: str, found, parameter: str) -> str:
    """"The X, over 2028, falls by 10% at compliance = 0.86 (...)", or "The X: a 10% change is not reached ..."."""
    return f"{phrase}{': ' if found.level is None else ', '}{threshold_text(found, parameter)}"


def _as_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------------
# Figures, assumptions


def figures(results: SweepResults, folder: Path, *, change: float = 10.0) -> list[dict[str, str]]:
    """The sweep's heat maps, level plots or index bars, at most four, each captioned with the design and dates."""
    drawn = draw_sweep_figures(kind=results.file.design.kind, parameters=results.parameters,
                               outcomes=[o.name for o in results.outcomes], means=results.means,
                               sensitivity=results.sensitivity, folder=folder, base=results.base,
                               paths_of={p.label: p.path for p in results.file.parameters},
                               described=results.outcomes, note=results.note(), one_way=results.one_way,
                               change=change)
    pngs = [path for path in drawn if path.suffix == ".png"][:MAX_FIGURES]
    what = {"heatmap": "Mean over seeds at each point of the grid; the colour scale is centred on the boxed cell",
            "levels": (f"Left: mean over seeds at each level with its 95% band; right: the change from the reference "
                       f"level, seed by seed, in percent, with its 95% band, the dashed lines at +-{setting(change)}% "
                       f"and, dotted, the level where the mean change reaches it (its interval shaded)"),
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
    items += [Difference(f"the sweep sets {path} to {setting(value)}", "")
              for path, value in results.file.overrides.items() if path != "policies"]
    for parameter in results.file.parameters:
        span = (", ".join(setting(v) for v in parameter.levels) if parameter.levels is not None
                else f"{setting(parameter.low)} to {setting(parameter.high)}")
        items.append(Difference(f"{parameter.label} ({parameter.path}) varies over {span}", ""))
    return items
