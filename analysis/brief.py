"""A policy brief generated entirely from a comparison's results folder: self-contained HTML (figures
embedded as data URIs, laid out to print) and a PDF of it printed by the system Chromium.

The brief holds the question and a one-sentence answer with its interval, the key numbers (formatted by
the same functions as the terminal summary, so they cannot disagree), two to four figures with
captions, what each scenario assumes beyond the reference (with each lever's published source), the
calibration check against published figures, an ODD-protocol model description (Grimm et al. 2020),
and limitations, including the conditions of the claims-ledger entries that concern the outcomes.
"""

from __future__ import annotations

import base64
import math
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from analysis.assumptions import differences
from analysis.experiment_figures import describe_monthly, draw_compare_results, stem_of
from analysis.results import CompareResults
from analysis.summary import interval, number, percent
from ecosystem.config import ScenarioError
from ecosystem.experiments.registry import info_of
from ecosystem.io import write_text

TEMPLATES = Path(__file__).parent / "templates"
DEFAULT_CLAIMS = Path(__file__).resolve().parents[1] / "docs" / "claims.parquet"
CHROMIUM = "/usr/bin/chromium"
CLAIM_COLUMNS = ["id", "statement", "experiment", "seeds", "n", "effect", "ci_low", "ci_high", "unit", "holds",
                 "fails"]
# Published machine-made share of new English web articles (Graphite 2025; CALIBRATION.md).
PUBLISHED_SHARE = [("2023-11", "~39%"), ("2024-11", "~50%"), ("2025-05", "~52%")]
MAX_FIGURES = 4


class BriefError(ScenarioError):
    """A brief that cannot be made; the message is one line for the user."""


@dataclass(frozen=True)
class BriefFiles:
    html: Path
    pdf: Path | None
    pdf_problem: str  # why there is no PDF ("" when there is one)


def write_brief(results: CompareResults, out: str | Path, *, claims: Path | None = None,
                question: str | None = None, pdf: bool = True, chromium: str = CHROMIUM) -> BriefFiles:
    """Render ``brief.html`` into ``out`` (and ``brief.pdf`` unless ``pdf`` is false)."""
    out = Path(out)
    html = out / "brief.html"
    write_text(html, render_brief(results, figures_folder=out / "figures", claims=claims, question=question))
    if not pdf:
        return BriefFiles(html, None, "not asked for")
    problem = print_pdf(html, out / "brief.pdf", chromium=chromium)
    return BriefFiles(html, None if problem else out / "brief.pdf", problem)


def render_brief(results: CompareResults, *, figures_folder: Path, claims: Path | None = None,
                 question: str | None = None) -> str:
    """The brief as one self-contained HTML string."""
    if len(results.order) < 2:
        raise BriefError(f"{results.folder}: a brief compares scenarios; this comparison has only {results.order[0]}")
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    claims_path = claims or DEFAULT_CLAIMS
    ledger = read_claims(claims_path)
    reference = results.scenarios[results.reference]
    context = {
        "title": title(results),
        "source": str(results.folder),
        "note": results.note(),
        "question": question or default_question(results),
        "answer": answer(results),
        "reference": results.reference,
        "reference_description": reference.get("description", ""),
        "groups": key_groups(results.summary, reference=results.reference),
        "figures": figures(results, figures_folder),
        "assumptions": [{"name": name, "differences": differences(reference, results.scenarios[name])}
                        for name in results.order[1:]],
        "overrides": "; ".join(results.about.get("set") or []) + (
            f"; end {results.about['end']}" if results.about.get("end") else ""),
        "calibration": calibration(results),
        "odd": odd_sections(results),
        "limitations": limitations(results),
        "claims": None if ledger is None else relevant_claims(ledger, results),
        "claims_total": 0 if ledger is None else ledger.height,
        "claims_path": str(claims_path),
    }
    context["overrides"] = context["overrides"].strip("; ")
    return environment.get_template("brief.html.j2").render(**context)


# ----------------------------------------------------------------------------------------------
# The question, the answer and the key numbers


def _first(results: CompareResults) -> tuple[Any, dict]:
    """The headline: the first outcome, for the first scenario after the reference."""
    outcome = results.outcomes[0]
    row = results.summary.filter(pl.col("outcome") == outcome.name, pl.col("scenario") == results.order[1])
    return outcome, row.row(0, named=True)


def title(results: CompareResults) -> str:
    return f"{', '.join(results.order[1:])} against {results.reference}: a brief from ecosim"


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
    return (f"Yes: with {results.order[1]}, the {info.label} is {direction}{verdict} than with {results.reference} "
            f"by {said}.")


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
    for name in drawn:
        if name != "differences":
            chosen.append((name, "Mean over seeds with 95% bands; dotted lines mark each policy's start, the "
                                 "shaded span is the window the outcome averages"))
    listed = []
    for name, text in chosen[:MAX_FIGURES]:
        if name not in drawn:
            continue
        png = drawn[name]
        uri = "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")
        listed.append({"uri": uri, "title": _figure_title(results, name), "caption": f"{text}. {results.note()}."})
    return listed


def _figure_title(results: CompareResults, name: str) -> str:
    if name == "differences":
        return f"Change from {results.reference} in each outcome"
    for outcome in results.outcomes:
        if name == f"over_time_{stem_of(outcome.name)}":
            return _capital(describe_monthly(outcome))
    return "Machine-made share of new pages on the web"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def calibration(results: CompareResults) -> list[dict[str, str]]:
    """The reference's machine-made share of new pages at the months with a published figure."""
    runs_path = results.folder / "runs.parquet"
    if not runs_path.is_file():
        return []
    runs = (pl.scan_parquet(runs_path).filter(pl.col("scenario") == results.reference)
            .select("date", "web.synthetic_share_new").collect())
    rows = []
    for month, published in PUBLISHED_SHARE:
        values = runs.filter(pl.col("date").dt.strftime("%Y-%m") == month)["web.synthetic_share_new"].drop_nulls()
        if values.is_empty():
            continue
        rows.append({"month": month, "published": published,
                     "simulated": f"{values.mean():.0%} ({values.min():.0%}-{values.max():.0%})"})
    return rows


# ----------------------------------------------------------------------------------------------
# Methods and limitations


def odd_sections(results: CompareResults) -> list[tuple[str, str]]:
    """The ODD protocol's sections (Grimm et al. 2020), filled from the reference scenario."""
    s = results.scenarios[results.reference]
    reality, humans, vendors = s["reality"], s["humans"], s["vendors"]
    vendor_text = "; ".join(f"{v['name']} from {v['entry']} ({v['components']} components, retrains every "
                            f"{v['retrain_every']} months, data policy {v['data_policy']}, temperature "
                            f"{v['temperature']})" for v in vendors) or "none"
    first, last = results.dates
    return [
        ("Purpose and patterns", "To measure how generative models drift from human text when they retrain on a "
         "web that carries machine-made text, and how policy levers change that. Patterns the model must "
         "reproduce: model collapse under recursive training (Shumailov et al., Nature 2024), less degradation "
         "when human data is kept (Gerstgrasser et al. 2024), and the published share of machine-made new pages."),
        ("Entities, state variables and scales", f"Human writers ({humans['writers']}), content farms, AI vendors "
         f"with their crawlers, detector providers and the web (sites and pages). A page is a point in "
         f"R^{reality['dim']} with its provenance (human, assisted, farm, vendor), watermark and lineage. Reality "
         f"is a known mixture of {reality['topics']} topics with Zipf weights (exponent {reality['zipf_exponent']}). "
         f"Vendors: {vendor_text}. One step is a month; these runs cover {first:%Y-%m} to {last:%Y-%m}."),
        ("Process overview and scheduling", "Each month, in this order: policies due take effect; vendors due "
         "retrain on their crawled corpus and release; human writers publish (some with an AI assistant); content "
         "farms enter while profitable and publish; the web graph gains pages and links and its ranking is "
         "refreshed; detectors retrain; crawlers fetch pages within their budget and filter them; metrics are "
         "recorded (EcosystemModel.step in ecosystem/model.py)."),
        ("Design concepts", "Emergence: model quality changes only because a vendor refits its model on the pages "
         "it crawled; no rule links quality to the synthetic share. Adaptation: farms enter and leave on expected "
         "profit; writers adopt assistants by Bass diffusion. Sensing: crawlers see ranks, watermarks they hold "
         "keys for, detector scores and signatures. Stochasticity: one seed per run feeds independent named "
         "random streams; scenarios compared share seeds (common random numbers). Observation: every model is "
         "scored exactly against the known reality each month."),
        ("Initialisation", f"Reality, the held-out human test set ({reality['test_per_topic']} pages per topic), "
         f"writers and their topic preferences are drawn from the run's seed; the web is built month by month "
         f"from {s['start']}; vendors enter on their dates."),
        ("Input data", "No external time series drive the runs. Parameters come from the scenario files; the "
         "baseline's values are cited in scenarios/baseline.yaml from CALIBRATION.md."),
        ("Submodels", "Vendor models are Gaussian mixtures (scikit-learn) with a sampling temperature; data "
         "policies replace, accumulate, archive or license; scores are held-out human NLL, excess NLL (an "
         "estimate of KL(P||Q)), tail-mass ratio, topic coverage, variance ratio and precision; watermarks follow "
         "the green-list z-test and fade with edits; detectors are scikit-learn classifiers whose rates are "
         "measured against ground truth; farms earn ad revenue by PageRank against generation cost "
         "(docs/policies.md, docs/science.md)."),
    ]


def limitations(results: CompareResults) -> list[str]:
    """What the reader must keep in mind, from the way the model and the comparison are built."""
    n = len(results.seeds)
    items = [
        "Documents are points in a small vector space, not text: the model shows mechanisms and orders of "
        "magnitude, not forecasts of any real model's quality.",
        f"The intervals reflect {n} seeds; more seeds narrow them. They cover the randomness of the simulation, "
        f"not uncertainty in the parameters: a sweep (ecosim sweep) shows how results move with parameters.",
        "Excess NLL jumps in the January after new topics appear (reality drifts) until vendors retrain, so "
        "single months can mislead; outcomes averaged over a window are safer.",
        "Only the machine-made share of new pages is calibrated against a published measurement; the policy "
        "levers' strengths come from the cited literature, and provenance-signing adoption is an assumption.",
    ]
    if any(o.across == "worst" for o in results.outcomes):
        items.append("The worst-vendor outcome takes, in each run, the vendor whose window value is worst, so it "
                     "can be a different vendor in different runs.")
    return items


def read_claims(path: Path) -> pl.DataFrame | None:
    """The claims ledger, or None when there is none; a malformed ledger is refused with one line."""
    if not path.is_file():
        return None
    try:
        ledger = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as err:
        raise BriefError(f"{path}: unreadable claims ledger: {str(err).splitlines()[0]}") from None
    missing = [c for c in CLAIM_COLUMNS if c not in ledger.columns]
    if missing:
        raise BriefError(f"{path}: claims ledger lacks column(s) {', '.join(missing)}")
    return ledger


def relevant_claims(ledger: pl.DataFrame, results: CompareResults) -> list[dict[str, str]]:
    """Claims whose statement or experiment names an outcome's metric or a lever the scenarios use."""
    words = set()
    for outcome in results.outcomes:
        metric = outcome.metric.rsplit(".", 1)[-1]
        words |= {metric, metric.replace("_", " ")}
    for name in results.order[1:]:
        words.add(name)
        for policy in results.scenarios[name].get("policies", []):
            kind = str(policy.get("kind", ""))
            words |= {kind, kind.split("_")[0]}
    words = {w.lower() for w in words if len(w) > 3}
    listed = []
    for claim in ledger.iter_rows(named=True):
        text = f"{claim['statement']} {claim['experiment']}".lower()
        if any(word in text for word in words):
            unit = f" {claim['unit']}" if claim["unit"] else ""
            listed.append({**{k: str(claim[k]) for k in ("id", "statement", "experiment", "seeds", "n", "holds",
                                                          "fails")},
                           "effect": f"{number(claim['effect'])} {interval(claim['ci_low'], claim['ci_high'])}{unit}"})
    return listed


# ----------------------------------------------------------------------------------------------
# PDF


def print_pdf(html: Path, pdf: Path, *, chromium: str = CHROMIUM, timeout: float = 180.0) -> str:
    """Print ``html`` to ``pdf`` with headless Chromium; returns "" on success, else why there is no PDF."""
    if shutil.which(chromium) is None:
        return f"the PDF needs chromium ({chromium} not found; `make system` installs it)"
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ecosim-chromium-") as profile:
        target = pdf.with_name(f".{pdf.name}.tmp")
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={target}",
                   html.resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            return f"chromium could not print the PDF: {type(err).__name__}"
        if not target.is_file() or target.stat().st_size == 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return f"chromium printed no PDF (exit {done.returncode}): {last}"
        target.replace(pdf)
    return ""
