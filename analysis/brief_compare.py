"""The brief of a comparison: the question, the one-sentence answer with its interval, the key numbers
(rounded by the one rule of ``analysis.rounding``), figures, assumptions in words and the calibration check."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl

from analysis.assumptions import differences
from analysis.brief_sections import BriefError, capital, embedded, intervals_cover
from analysis.experiment_figures import describe_monthly, draw_compare_results, stem_of
from analysis.results import CompareResults
from analysis.rounding import estimate, setting, with_interval
from analysis.wording import SERIES, outcome_phrase, title_of
from ecosystem.calibration.fit import CLOSE, fit_table
from ecosystem.calibration.targets import TargetsError, load_targets
from ecosystem.experiments.catalogue import describe, plain_label
from ecosystem.experiments.registry import info_of
from ecosystem.metric_table import SHARE

# The published figures the calibration check holds the reference against (docs/calibration.md).
TARGETS = Path(__file__).resolve().parents[1] / "data" / "targets.csv"
MAX_FIGURES = 4


def compare_context(results: CompareResults, *, figures_folder: Path, question: str | None) -> dict[str, Any]:
    """Everything the comparison template shows, besides the shared methods and limitations."""
    if len(results.order) < 2:
        raise BriefError(f"{results.folder}: a brief compares scenarios; this comparison has only {results.order[0]}")
    titles = {name: title_of(results.scenarios[name]) for name in results.order}
    reference = results.scenarios[results.reference]
    overrides = [*(results.about.get("set") or []), *([f"end {results.about['end']}"] if results.about.get("end")
                                                      else [])]
    return {
        "title": f"{', '.join(titles[n] for n in results.order[1:])} against {titles[results.reference]}",
        "note": results.note(),
        "question": question or default_question(results, titles),
        "answer": answer(results, titles),
        "reference": titles[results.reference],
        "reference_description": reference.get("description", "").strip().rstrip("."),
        "groups": key_groups(results.summary, reference=results.reference, titles=titles,
                             phrases={o.name: capital(outcome_phrase(o)) for o in results.outcomes}),
        "figures": figures(results, figures_folder),
        "assumptions": [{"name": titles[name], "file": name,
                         "description": _own_description(results.scenarios[name], reference),
                         "differences": differences(reference, results.scenarios[name])}
                        for name in results.order[1:]],
        "overrides": "; ".join(overrides),
        "calibration": calibration(results),
        "intervals_cover": intervals_cover(results.posterior),
        "topics": worst_topics(results),
        "cannot": cannot_answer(results, titles),
    }


def _own_description(scenario: dict[str, Any], reference: dict[str, Any]) -> str:
    """A variant's description, unless it only inherits the reference's (``extends:`` copies it)."""
    text = scenario.get("description", "").strip().rstrip(".")
    return "" if text == reference.get("description", "").strip().rstrip(".") else text


def _row(results: CompareResults, outcome: str, scenario: str) -> dict[str, Any]:
    return results.summary.filter(pl.col("outcome") == outcome, pl.col("scenario") == scenario).row(0, named=True)


def measured(row: dict[str, Any]) -> bool:
    """Whether the summary row has a value (an outcome some scenarios lack has none in the others)."""
    return bool(row["n"]) and row["mean"] is not None and math.isfinite(row["mean"])


def default_question(results: CompareResults, titles: dict[str, str]) -> str:
    return (f"Does {titles[results.order[1]]} change {outcome_phrase(results.outcomes[0])}, compared with "
            f"{titles[results.reference]}? By how much, and how sure can we be?")


def answer(results: CompareResults, titles: dict[str, str]) -> str:
    """One quotable sentence on the first outcome and the first variant: the direction, the seed-paired
    difference with its 95% interval and the relative change, every number as the key-numbers table shows it."""
    outcome, variant, reference = results.outcomes[0], results.order[1], results.reference
    row, base = _row(results, outcome.name, variant), _row(results, outcome.name, reference)
    info, phrase = info_of(outcome), outcome_phrase(outcome)
    unit = f" {info.unit}" if info.unit else ""
    missing = [titles[n] for n, r in ((reference, base), (variant, row)) if not measured(r)]
    if missing:
        return (f"This brief cannot answer the question: {phrase} is not measured in {' or '.join(missing)}, "
                f"so there is nothing to compare.")
    diff, low, high = estimate(row["diff"], row["diff_low"], row["diff_high"])
    if not low:
        return (f"This brief cannot answer how sure we can be: with {row['n']} seed(s) there is no interval; "
                f"{titles[variant]} differs from {titles[reference]} by {diff}{unit} in {phrase}.")
    reference_value = estimate(base["mean"], base["ci_low"], base["ci_high"])[0]
    if row["rel"] is None:
        relative = f"{titles[reference]}'s value is {reference_value}{unit}, so there is no percentage change to give"
    else:
        relative = (f"{estimate(row['rel'], row['rel_low'], row['rel_high'], sign=True, suffix='%')[0]} of "
                    f"{titles[reference]}'s {reference_value}{unit}")
    seeds = f"over {row['n']} seeds"
    if row["diff_low"] <= 0 <= row["diff_high"]:
        return (f"No clear change: with {titles[variant]}, {phrase} differs from {titles[reference]} by {diff}{unit} "
                f"(95% interval {low} to {high}; {relative}), {seeds}. The interval includes zero, so these runs "
                f"cannot tell a rise from a fall.")
    direction = "lower" if row["diff"] < 0 else "higher"
    verdict = "" if not info.worse else (" (worse)" if direction == info.worse else " (better)")
    near, far = sorted((low.lstrip("+-"), high.lstrip("+-")), key=lambda t: abs(float(t.replace(",", ""))))
    return (f"Yes: with {titles[variant]}, {phrase} is {diff.lstrip('+-')}{unit} {direction}{verdict} than with "
            f"{titles[reference]} (95% interval {near} to {far}; {relative}), {seeds}.")


def key_groups(summary: pl.DataFrame, *, reference: str, titles: dict[str, str],
               phrases: dict[str, str]) -> list[dict[str, Any]]:
    """The key-numbers table, one group of rows per outcome (headed by its phrase in words), every number
    rounded by ``analysis.rounding``."""
    groups: dict[str, dict[str, Any]] = {}
    for row in summary.iter_rows(named=True):
        group = groups.setdefault(row["outcome"], {"label": phrases.get(row["outcome"], row["label"]),
                                                   "unit": row["unit"], "worse": row["worse"], "rows": []})
        is_reference = row["scenario"] == reference
        shown = {"scenario": titles.get(row["scenario"], row["scenario"]), "n": str(row["n"])}
        if not measured(row):
            group["rows"].append({**shown, "value": "not measured", "diff": "", "rel": ""})
            continue
        diff = with_interval(row["diff"], row["diff_low"], row["diff_high"])
        rel = (with_interval(row["rel"], row["rel_low"], row["rel_high"], sign=True, suffix="%")
               if row["rel"] is not None else "no reference value to compare with")
        group["rows"].append({**shown, "value": with_interval(row["mean"], row["ci_low"], row["ci_high"]),
                              "diff": "reference" if is_reference else (diff or "not measured in the reference"),
                              "rel": "" if is_reference or not diff else rel})
    return list(groups.values())


def cannot_answer(results: CompareResults, titles: dict[str, str]) -> list[str]:
    """What the question asks that these results cannot say, in words."""
    said = []
    for outcome in results.outcomes:
        rows = results.summary.filter(pl.col("outcome") == outcome.name)
        lacking = [titles[r["scenario"]] for r in rows.iter_rows(named=True) if not measured(r)]
        if lacking:
            said.append(f"{capital(outcome_phrase(outcome))} is not measured in {', '.join(lacking)}; it is compared "
                        f"only where it exists.")
        if any(r["rel"] is None and r["diff"] is not None for r in rows.iter_rows(named=True)):
            said.append(f"{capital(outcome_phrase(outcome))}: {titles[results.reference]}'s value is zero, so the "
                        f"change is given only as a difference, not in percent.")
    if len(results.seeds) < 2:
        said.append("One seed gives no interval: how sure we can be needs more seeds (ecosim compare --seeds).")
    return said


# ----------------------------------------------------------------------------------------------
# Figures, calibration


def figures(results: CompareResults, folder: Path) -> list[dict[str, str]]:
    """The forest plot, then each outcome over time (and the web's machine-made share), at most four."""
    drawn = draw_compare_results(results, folder)
    chosen = [("differences", "Each scenario's change from the reference, in percent of the reference's "
                              "mean; bars are 95% intervals of the seed-paired difference")]
    outcome_figures = {f"over_time_{stem_of(o.name)}" for o in results.outcomes}
    for name in drawn:
        if name != "differences":
            window = ", the shaded span is the window the outcome averages" if name in outcome_figures else ""
            chosen.append((name, f"Mean over seeds with 95% bands; dotted lines mark each policy's start{window}"))
    listed = []
    for name, text in chosen[:MAX_FIGURES]:
        if name not in drawn:
            continue
        listed.append({"uri": embedded(drawn[name]), "title": _figure_title(results, name),
                       "caption": f"{text}. {results.note()}."})
    return listed


def _figure_title(results: CompareResults, name: str) -> str:
    if name == "differences":
        return f"Change from {results.reference} in each outcome"
    for outcome in results.outcomes:
        if name == f"over_time_{stem_of(outcome.name)}":
            return capital(describe_monthly(outcome))
    return "Machine-made share of new pages on the web"


def calibration(results: CompareResults, *, targets: Path = TARGETS) -> dict[str, Any]:
    """The reference against the published figures its runs cover (``targets``, read by
    ``ecosystem.calibration.targets``; matched as ``ecosystem.calibration.fit.fit_table`` decides): how many
    match, and one row per series in plain words, its latest figure covered: published value [interval] beside
    the simulated mean over seeds [95% interval], both rounded by ``analysis.rounding``."""
    checked = {"rows": [], "matched": 0, "covered": 0, "targets": _shown_path(targets),
               "close": setting(100 * CLOSE), "cover": _calibration_cover(results), "problem": ""}
    try:
        published = load_targets(targets)
    except TargetsError as err:
        return {**checked, "problem": str(err)}
    runs_path = results.folder / "runs.parquet"
    if not runs_path.is_file():
        return checked
    scan = pl.scan_parquet(runs_path)
    names = set(scan.collect_schema().names())
    metrics = sorted({t.metric for t in published} & names)
    if not metrics or not {"scenario", "seed", "date"} <= names:
        return checked
    runs = scan.filter(pl.col("scenario") == results.reference).select("seed", "date", *metrics).collect()
    table = fit_table(runs, published).filter(pl.col("mean").is_finite())
    sources = {t.series: t.source.split(",")[0].strip() for t in published}
    for series in table["series"].unique(maintain_order=True):
        figures = table.filter(pl.col("series") == series).sort("date")
        latest = figures.row(-1, named=True)
        info = describe(latest["metric"])
        percent = info is not None and info.unit == SHARE
        unit = f" [{info.unit}]" if info is not None and info.unit and not percent else ""
        checked["rows"].append({
            "series": SERIES.get(series, f"{capital(_short(plain_label(latest['metric'])))}{unit} "
                                         f"({sources[series]})"),
            "month": _period(latest["date"]), "matched": "yes" if latest["matched"] else "no",
            "published": _figure(latest["value"], latest["low"], latest["high"], percent=percent),
            "simulated": _figure(latest["mean"], latest["mean_low"], latest["mean_high"], percent=percent),
            "series_matched": f"{int(figures['matched'].sum())} of {figures.height}"})
    checked.update(matched=int(table["matched"].sum()), covered=table.height)
    return checked


def _short(label: str) -> str:
    """A metric's label up to its first qualification: "new articles Graphite's detector calls AI"."""
    cuts = [i for i in (label.find(", "), label.find(" (")) if i > 0]
    return label[:min(cuts)] if cuts else label


def _shown_path(path: Path) -> str:
    """The targets file as a reader finds it: relative to the project when it is the project's."""
    try:
        return str(path.resolve().relative_to(TARGETS.parents[1]))
    except ValueError:
        return str(path)


def _period(date: str) -> str:
    return date if "-" in date else f"{date} (year)"


def _figure(value: float, low: float | None, high: float | None, *, percent: bool) -> str:
    """A value with its interval by the one rounding rule (a share in percent); a published figure without an
    interval's width, just the value."""
    scale, suffix = (100.0, "%") if percent else (1.0, "")
    if low is None or high is None or not high > low:
        return estimate(value * scale, None, None, suffix=suffix)[0]
    return with_interval(value * scale, low * scale, high * scale, suffix=suffix)


def _calibration_cover(results: CompareResults) -> str:
    """Whether the simulated intervals include the calibration's uncertainty (a ``--posterior`` comparison)."""
    seeds = len(results.seeds)
    posterior = results.posterior
    if posterior is None:
        return (f"Simulated: 95% intervals of the mean over {seeds} seed(s), seed noise only (compare --posterior "
                "adds the calibration's uncertainty).")
    return (f"Every seed ({seeds} in all) drew its parameters from the calibrated posterior ({posterior.path}), so "
            "the simulated intervals cover the calibration's uncertainty as well as seed noise.")


# ----------------------------------------------------------------------------------------------
# Named topics (text reality)


def worst_topics(results: CompareResults, *, most: int = 3) -> dict[str, Any]:
    """On a text reality: for each scenario, the topics its vendors' models serve worst in the last month
    (``vendor.<v>.worst_topic``), by name, with how many vendor-runs name each. Empty on a Gaussian reality,
    whose topics have no names."""
    runs_path = results.folder / "runs.parquet"
    if results.scenarios[results.reference]["reality"]["kind"] != "text" or not runs_path.is_file():
        return {}
    names = _topic_names(results.folder / "runs")
    runs = pl.scan_parquet(runs_path)
    columns = [c for c in runs.collect_schema().names() if c.startswith("vendor.") and c.endswith(".worst_topic")]
    last = runs.select(pl.col("date").max()).collect().item()
    ends = runs.filter(pl.col("date") == last).select("scenario", *columns).collect()  # only the last month is read
    rows = []
    for scenario in results.order:
        frame = ends.filter(pl.col("scenario") == scenario)
        picks = [int(v) for c in columns for v in frame[c].drop_nulls().drop_nans()]
        if picks and max(picks) < len(names):
            counts = Counter(picks).most_common(most)
            rows.append({"scenario": scenario,
                         "topics": ", ".join(f"{names[k]} ({n} of {len(picks)})" for k, n in counts)})
    return {"date": f"{last:%Y-%m}", "rows": rows} if rows else {}


def _topic_names(runs_folder: Path) -> list[str]:
    """Reality's topic names, from any run's manifest (every run of a comparison shares its reality's names)."""
    for manifest in sorted(runs_folder.glob("*.json")):
        try:
            topics = json.loads(manifest.read_text(encoding="utf-8")).get("topics")
        except (OSError, ValueError):
            continue
        if topics:
            return list(topics)
    return []
