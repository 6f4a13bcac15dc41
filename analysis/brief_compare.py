"""The brief of a comparison: the question, the one-sentence answer with its interval, the key numbers
(formatted as the terminal summary formats them), figures, assumptions in words and the calibration check."""

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
from analysis.summary import interval, number, percent
from ecosystem.experiments.catalogue import plain_label
from ecosystem.experiments.registry import info_of

# Published AI-written share of new English web articles (Graphite 2025; docs/calibration.md), and the
# metrics that measure it, the closest first.
CALIBRATED = ["web.ai_written_share_new", "web.synthetic_share_new"]
PUBLISHED_SHARE = [("2023-11", "~39%"), ("2024-11", "~50%"), ("2025-05", "~52%")]
MAX_FIGURES = 4


def compare_context(results: CompareResults, *, figures_folder: Path, question: str | None) -> dict[str, Any]:
    """Everything the comparison template shows, besides the shared methods and limitations."""
    if len(results.order) < 2:
        raise BriefError(f"{results.folder}: a brief compares scenarios; this comparison has only {results.order[0]}")
    reference = results.scenarios[results.reference]
    overrides = [*(results.about.get("set") or []), *([f"end {results.about['end']}"] if results.about.get("end")
                                                      else [])]
    return {
        "title": f"{', '.join(results.order[1:])} against {results.reference}: a brief from ecosim",
        "note": results.note(),
        "question": question or default_question(results),
        "answer": answer(results),
        "reference": results.reference,
        "reference_description": reference.get("description", "").strip().rstrip("."),
        "groups": key_groups(results.summary, reference=results.reference),
        "figures": figures(results, figures_folder),
        "assumptions": [{"name": name, "differences": differences(reference, results.scenarios[name])}
                        for name in results.order[1:]],
        "overrides": "; ".join(overrides),
        "calibration": calibration(results),
        "intervals_cover": intervals_cover(results.posterior),
        "topics": worst_topics(results),
    }


def _first(results: CompareResults) -> tuple[Any, dict]:
    """The headline: the first outcome, for the first scenario after the reference."""
    outcome = results.outcomes[0]
    row = results.summary.filter(pl.col("outcome") == outcome.name, pl.col("scenario") == results.order[1])
    return outcome, row.row(0, named=True)


def default_question(results: CompareResults) -> str:
    outcome, _ = _first(results)
    info = info_of(outcome)
    return (f"Does {results.order[1]} change the {info.label} compared with {results.reference}, by how much, "
            f"and how sure can we be?")


def answer(results: CompareResults) -> str:
    """One sentence: the direction, the paired difference with its 95% interval and the relative change."""
    outcome, row = _first(results)
    info = info_of(outcome)
    unit = f" {info.unit}" if info.unit else ""
    diff, low, high = row["diff"], row["diff_low"], row["diff_high"]
    if diff is None or low is None or not math.isfinite(low):
        return (f"Not enough seeds to answer: {row['n']} seed(s) give {results.order[1]} a difference of "
                f"{number(diff)}{unit} from {results.reference}, without an interval.")
    rel = f" ({percent(row['rel'])} of the reference's {number(_reference_mean(results, outcome.name))}{unit})" \
        if row["rel"] is not None else ""
    said = f"{number(diff)} {interval(low, high)}{unit}{rel}, over {row['n']} seeds"
    if low <= 0 <= high:
        return (f"No clear change: with {results.order[1]}, the {info.label} differs from {results.reference} by "
                f"{said}; the 95% interval includes zero.")
    better = (diff < 0) == (info.worse == "higher") if info.worse else None
    verdict = "" if better is None else (" (better)" if better else " (worse)")
    direction = "lower" if diff < 0 else "higher"
    return (f"Yes: with {results.order[1]}, the {info.label} is {direction}{verdict} than with {results.reference}: "
            f"a difference of {said}.")


def _reference_mean(results: CompareResults, outcome: str) -> float:
    row = results.summary.filter(pl.col("outcome") == outcome, pl.col("scenario") == results.reference)
    return row["mean"].item()


def key_groups(summary: pl.DataFrame, *, reference: str) -> list[dict[str, Any]]:
    """The key-numbers table, one group of rows per outcome, every number formatted as the terminal
    summary formats it."""
    groups: dict[str, dict[str, Any]] = {}
    for row in summary.iter_rows(named=True):
        group = groups.setdefault(row["outcome"], {"label": row["label"], "unit": row["unit"], "worse": row["worse"],
                                                   "rows": []})
        is_reference = row["scenario"] == reference
        group["rows"].append({
            "scenario": row["scenario"],
            "value": f"{number(row['mean'])} {interval(row['ci_low'], row['ci_high'])}",
            "diff": "reference" if is_reference else (f"{number(row['diff'])} "
                                                      f"{interval(row['diff_low'], row['diff_high'])}"),
            "rel": "" if is_reference else (f"{percent(row['rel'])} [{percent(row['rel_low'])}, "
                                            f"{percent(row['rel_high'])}]"),
            "n": str(row["n"]),
        })
    return list(groups.values())


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


def calibration(results: CompareResults) -> dict[str, Any]:
    """The reference's AI-written share of new pages (Graphite's measure; the machine-made share in runs
    that lack it) at the months with a published figure: mean over seeds and range."""
    runs_path = results.folder / "runs.parquet"
    if not runs_path.is_file():
        return {"rows": [], "metric": ""}
    runs = pl.scan_parquet(runs_path)
    names = runs.collect_schema().names()
    metric = next((m for m in CALIBRATED if m in names), None)
    if metric is None:
        return {"rows": [], "metric": ""}
    frame = runs.filter(pl.col("scenario") == results.reference).select("date", metric).collect()
    rows = []
    for month, published in PUBLISHED_SHARE:
        values = frame.filter(pl.col("date").dt.strftime("%Y-%m") == month)[metric].drop_nulls()
        if values.is_empty():
            continue
        rows.append({"month": month, "published": published,
                     "simulated": f"{values.mean():.0%} ({values.min():.0%}-{values.max():.0%})"})
    return {"rows": rows, "metric": metric, "label": plain_label(metric)}


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
