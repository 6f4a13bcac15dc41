"""Parts every brief shares: ODD-protocol methods, limitations, the claims ledger's conditions, and
figures embedded as data URIs (so the HTML is one self-contained file)."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from analysis.rounding import with_interval
from ecosystem.calibration.posterior import PosteriorRecord
from ecosystem.config import ScenarioError
from ecosystem.experiments.catalogue import describe
from ecosystem.experiments.schema import Outcome

DEFAULT_CLAIMS = Path(__file__).resolve().parents[1] / "docs" / "claims.parquet"
CLAIM_COLUMNS = ["id", "statement", "experiment", "seeds", "n", "effect", "ci_low", "ci_high", "unit", "holds",
                 "fails"]


class BriefError(ScenarioError):
    """A brief that cannot be made; the message is one line for the user."""


def embedded(png: Path) -> str:
    """A PNG file as a data URI."""
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def odd_sections(s: dict[str, Any], *, first: dt.date, last: dt.date) -> list[tuple[str, str]]:
    """The ODD protocol's sections (Grimm et al. 2020), filled from a resolved scenario ``s``."""
    reality, humans, vendors = s["reality"], s["humans"], s["vendors"]
    def setup(v: dict[str, Any]) -> str:
        return (f"{v['components']} components, retrains every {v['retrain_every']} months, data policy "
                f"{v['data_policy']}, temperature {v['temperature']}")

    setups = {setup(v) for v in vendors}
    if len(setups) == 1:  # one set-up for all: said once
        vendor_text = (", ".join(f"{v['name']} from {v['entry']}" for v in vendors) + f", each with "
                       f"{setups.pop()}")
    else:
        vendor_text = "; ".join(f"{v['name']} from {v['entry']} ({setup(v)})" for v in vendors) or "none"
    return [
        ("Purpose and patterns", "To measure how generative models drift from human text when they retrain on a "
         "web that carries machine-made text, and how policy levers change that. Patterns the model must "
         "reproduce: model collapse under recursive training (Shumailov et al., Nature 2024), less degradation "
         "when human data is kept (Gerstgrasser et al. 2024), and the published series of AI text on the web, each "
         "observed as it was measured (WildAI, Graphite, Stack Overflow: docs/calibration.md)."),
        ("Entities, state variables and scales", f"Human writers ({humans['writers']}), content farms, AI vendors "
         f"with their crawlers, detector providers and the web (sites and pages). A page is a point in "
         f"R^{reality['dim']} with its provenance (human, assisted, farm, vendor), watermark and lineage. "
         f"{reality_text(reality)} Vendors: {vendor_text}. One step is a month; these runs cover {first:%Y-%m} to "
         f"{last:%Y-%m}."),
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
        ("Input data", ("No external time series drive the runs. " if reality["kind"] != "text" else
                        f"Reality is fitted to a corpus of real documents ({reality['corpus']}). ")
         + "Parameters come from the scenario files; the baseline's values are cited in scenarios/baseline.yaml "
         "from docs/calibration.md."),
        ("Submodels", "Vendor models are Gaussian mixtures (scikit-learn) with a sampling temperature; data "
         "policies replace, accumulate, archive or license; scores are held-out human NLL, excess NLL (an "
         "estimate of KL(P||Q)), tail-mass ratio, topic coverage, variance ratio and precision; watermarks follow "
         "the green-list z-test and fade with edits; detectors are scikit-learn classifiers whose rates are "
         "measured against ground truth; farms earn ad revenue by PageRank against generation cost "
         "(docs/policies.md, docs/science.md)."),
    ]


def reality_text(reality: dict[str, Any]) -> str:
    """One sentence on what reality is, for either kind."""
    if reality["kind"] == "text":
        topics = "its labelled topics" if reality.get("topic_column") or reality["corpus"] == "stdlib" else \
            "clusters named by their most distinctive words"
        return (f"Reality is a known mixture of {reality['topics']} topics fitted to real documents "
                f"({reality['corpus']}) embedded with sentence-transformers and reduced by PCA; topics are "
                f"{topics}, weighted as often as the corpus has them.")
    return (f"Reality is a known mixture of {reality['topics']} topics with Zipf weights (exponent "
            f"{reality['zipf_exponent']}).")


def intervals_cover(posterior: PosteriorRecord | None) -> str:
    """In plain words, what the intervals cover: seed noise only, or also the calibration's uncertainty."""
    if posterior is None:
        return ("Parameters fixed at the scenario's values; intervals cover seed noise only (ecosim compare or "
                "sweep --posterior draws each seed's parameters from a calibration).")
    drawn = len(set(posterior.particles.values()))
    return (f"Each seed's parameters were drawn from the calibrated posterior ({posterior.path}, generation "
            f"{posterior.generation}, sha256 {posterior.sha256[:12]}; {', '.join(posterior.parameters.values())}; "
            f"{drawn} distinct particle(s) over {len(posterior.particles)} seeds), the same draw in every scenario; "
            "intervals cover both seed noise and what the calibration data leave uncertain.")


def limitations(*, seeds: int, outcomes: Sequence[Outcome], scenario: dict[str, Any],
                posterior: PosteriorRecord | None = None) -> list[str]:
    """What the reader must keep in mind, from the way the model and the experiment are built."""
    n = seeds
    space = ("Documents are embeddings of real text reduced to a few dimensions, and each topic one Gaussian in "
             "that space" if scenario["reality"]["kind"] == "text" else
             "Documents are points in a small vector space, not text")
    items = [
        f"{space}: the model shows mechanisms and orders of magnitude, not forecasts of any real model's "
        "quality.",
        f"The intervals reflect {n} seeds; more seeds narrow them. They cover the randomness of the simulation, "
        + ("and the calibrated parameters' uncertainty (each seed's parameters were drawn from the posterior); "
           "other parameters keep the scenario's values." if posterior is not None else
           "not uncertainty in the parameters: a sweep (ecosim sweep) shows how results move with parameters."),
        "The web is calibrated to published measurements of AI text and human questions (the calibration check "
        "below says how closely); the policy levers' strengths come from the cited literature, and "
        "provenance-signing adoption is an assumption.",
    ]
    if scenario["reality"]["drift"]["new_topics_per_year"] > 0:
        items.append("Reality drifts: new topics appear each January, so excess NLL jumps then until vendors "
                     "retrain; single months can mislead, and outcomes averaged over a window are safer.")
    if any(o.across == "worst" for o in outcomes):
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


def relevant_claims(ledger: pl.DataFrame, *, outcomes: Sequence[Outcome],
                    scenarios: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The ledger's claims that bear on this brief: those naming a lever or a scenario of ``scenarios`` (the
    variants, by name), shown in full; and how many more concern an outcome's metric in set-ups the question
    did not use (only the annex lists those, so a brief stays short)."""
    levers, metrics = set(), set()
    for name, scenario in scenarios.items():
        levers.add(name)
        for policy in scenario.get("policies", []):
            kind = str(policy.get("kind", ""))
            levers |= {kind, kind.replace("_", " "), kind.split("_")[0]}
    for outcome in outcomes:
        metric = outcome.metric.rsplit(".", 1)[-1]
        metrics |= {metric, metric.replace("_", " ")}
    shown, elsewhere = [], 0
    for claim in ledger.iter_rows(named=True):
        text = f"{claim['statement']} {claim['experiment']}".lower()
        if any(word in text for word in _words(levers)):
            shown.append(claim_row(claim))
        elif any(word in text for word in _words(metrics)):
            elsewhere += 1
    labels = sorted({info.label for o in outcomes if (info := describe(o.metric)) is not None})
    return {"claims": shown, "elsewhere": elsewhere, "metrics": labels}


def _words(words: set[str]) -> set[str]:
    return {w.lower() for w in words if len(w) > 3}


def claim_row(claim: dict[str, Any]) -> dict[str, str]:
    """One ledger claim as the brief prints it, its effect rounded by the one rule."""
    unit = f" {claim['unit']}" if claim["unit"] else ""
    return {**{k: str(claim[k]) for k in ("id", "statement", "experiment", "seeds", "n", "holds", "fails")},
            "effect": f"{with_interval(claim['effect'], claim['ci_low'], claim['ci_high'])}{unit}"}
