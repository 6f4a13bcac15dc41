"""The claims ledger: every finding the project states, measured by one command on seeds never used while
developing, with its 95% interval and the conditions under which it holds.

A claim is an effect over seeds. Each claim names its arms (a scenario file and overrides), and a
measure that turns the runs of one seed into one number (a difference between vendors of the same run,
between two arms of the same seed, or a value at a date); the ledger reports the mean over seeds with
its Student t interval. Arms are shared between claims and run once through the resumable batch runner,
so an interrupted ledger resumes where it stopped. ``ecosim claims`` writes ``docs/claims.md``,
``docs/claims.parquet`` and the block of README.md between its markers; README.md and docs/ quote these
numbers and no hand-typed one. ``quick=True`` runs a reduced version of every entry (two seeds, short
runs) for the test suite.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from scipy.stats import spearmanr

from analysis.topics import LOST_BELOW
from ecosystem.config import load_scenario
from ecosystem.experiments.batch import RunSpec
from ecosystem.experiments.stats import mean_ci
from ecosystem.io import write_text, write_with

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
LEDGER_SEEDS = range(2000, 2020)  # disjoint from every seed used while developing (0-99) and in tests
QUICK_SEEDS = range(2000, 2002)
README_START, README_END = "<!-- claims:start -->", "<!-- claims:end -->"

Runs = dict[str, pl.DataFrame]  # arm name -> one run's wide metrics (one row per month)


@dataclass(frozen=True)
class Arm:
    scenario: str  # file under scenarios/
    overrides: dict[str, Any] = field(default_factory=dict)
    quick: dict[str, Any] = field(default_factory=dict)  # extra overrides for the reduced test version

    def resolved(self, *, quick: bool) -> dict[str, Any]:
        """The validated scenario's fields that differ from the schema's defaults: a run is keyed by these
        and its seed, so adding a field to the schema does not invalidate the ledger's finished runs (a
        change to the engine or to a default does not either: run ``ecosim claims --fresh`` after one)."""
        overrides = {**self.overrides, **(self.quick if quick else {})}
        return load_scenario(SCENARIOS / self.scenario, overrides=overrides).model_dump(mode="json",
                                                                                       exclude_defaults=True)


@dataclass(frozen=True)
class Claim:
    id: str
    statement: str  # one sentence; {effect} is replaced by the measured effect with its interval
    arms: tuple[str, ...]
    measure: Callable[[Runs], float]
    unit: str
    holds: str  # the conditions of the experiment (temperature, capacity, data policy, drift...)
    fails: str  # where it does not hold, or has not been shown
    direction: int = 0  # +1 / -1: the claim is that the effect is above / below 0; 0: a measured value
    published: str = ""  # a published figure to compare with, with its source
    digits: int = 2


@dataclass(frozen=True)
class Replication:
    """A published closed form reproduced with the engine's own models (ecosystem.replication.claims): the
    simulated value over seeds against the theory. Runs in this process, not through the batch runner."""

    id: str
    experiment: str  # a name in ecosystem.replication.claims.CLAIMS
    holds: str
    source: str


@dataclass(frozen=True)
class Entry:
    claim: Claim
    values: np.ndarray  # one per seed
    seeds: range
    theory: float | None = None  # the closed form, for a replication

    @property
    def estimate(self):
        return mean_ci(self.values)

    @property
    def verdict(self) -> str:
        est = self.estimate
        if self.theory is not None:
            return "matches theory" if est.low <= self.theory <= est.high else "differs from theory"
        if self.claim.direction == 0:
            return "measured"
        if math.isnan(est.low):
            return "too few seeds"
        shown = est.low > 0 if self.claim.direction > 0 else est.high < 0
        return "holds" if shown else "not shown"

    def effect_text(self) -> str:
        est, d = self.estimate, self.claim.digits
        sign = "+" if self.claim.direction != 0 else ""
        return f"{est.mean:{sign}.{d}f} [{est.low:{sign}.{d}f}, {est.high:{sign}.{d}f}] {self.claim.unit}".strip()

    def sentence(self) -> str:
        theory = "" if self.theory is None else f"{self.theory:.{self.claim.digits}f}"
        return self.claim.statement.format(effect=self.effect_text(), theory=theory)


# ----------------------------------------------------------------------------------------------
# Measures: small functions of one seed's runs


def at(frame: pl.DataFrame, column: str, date: str) -> float:
    """A metric's value in one month (NaN if the run does not have it)."""
    rows = frame.filter(pl.col("date") == dt.date.fromisoformat(date + "-01"))
    return float(rows[column][0]) if column in frame.columns and rows.height and rows[column][0] is not None \
        else math.nan


def window_mean(frame: pl.DataFrame, column: str, first: str, last: str) -> float:
    rows = frame.filter(pl.col("date").is_between(dt.date.fromisoformat(first + "-01"),
                                                   dt.date.fromisoformat(last + "-01")))
    return float(rows[column].mean()) if column in frame.columns and rows.height else math.nan


def at_retrains(frame: pl.DataFrame, vendor: str, metric: str) -> np.ndarray:
    """A vendor's metric in each month it retrained, oldest first."""
    rows = frame.filter(pl.col(f"vendor.{vendor}.retrained") == 1.0).sort("step")
    return rows[f"vendor.{vendor}.{metric}"].to_numpy()


def at_age(frame: pl.DataFrame, vendor: str, metric: str, age: int) -> float:
    rows = frame.filter(pl.col(f"vendor.{vendor}.age_months") == age)
    return float(rows[f"vendor.{vendor}.{metric}"][0]) if rows.height else math.nan


def first_to_last(arm: str, vendor: str, metric: str, *, log10_ratio: bool = False) -> Callable[[Runs], float]:
    def measure(runs: Runs) -> float:
        series = at_retrains(runs[arm], vendor, metric)
        if log10_ratio:
            return float(np.log10(series[-1] / series[0]))
        return float(series[-1] - series[0])
    return measure


def late_minus_first(arm: str, metric: str, age: int) -> Callable[[Runs], float]:
    """LateEntrant's metric minus FirstMover's, each at the same age (months since its first model)."""
    def measure(runs: Runs) -> float:
        frame = runs[arm]
        return at_age(frame, "LateEntrant", metric, age) - at_age(frame, "FirstMover", metric, age)
    return measure


def share_gap(arm: str, age: int) -> Callable[[Runs], float]:
    """FirstMover's share of users minus LateEntrant's, when LateEntrant's model is ``age`` months old."""
    def measure(runs: Runs) -> float:
        rows = runs[arm].filter(pl.col("vendor.LateEntrant.age_months") == age)
        if not rows.height:
            return math.nan
        return float(rows["vendor.FirstMover.market_share"][0] - rows["vendor.LateEntrant.market_share"][0])
    return measure


def difference(a: Callable[[Runs], float], b: Callable[[Runs], float]) -> Callable[[Runs], float]:
    return lambda runs: a(runs) - b(runs)


def value_at(arm: str, column: str, date: str) -> Callable[[Runs], float]:
    return lambda runs: at(runs[arm], column, date)


def fpr_gap(arm: str) -> Callable[[Runs], float]:
    """Detector false-positive rate on common-topic human pages minus rare-topic ones, 2024-2026."""
    def measure(runs: Runs) -> float:
        frame = runs[arm]
        return (window_mean(frame, "detector.Sentinel.fpr_common", "2024-01", "2026-06")
                - window_mean(frame, "detector.Sentinel.fpr_tail", "2024-01", "2026-06"))
    return measure


# ----------------------------------------------------------------------------------------------
# The arms and the claims

_CLOSED = {"end": "2025-12"}  # 18 generations of Solo
_CLOSED_QUICK = {"end": "2021-12"}
_CLEAN_WEB = {  # nothing synthetic is ever published: no farms, no assistants, no vendor output
    "farms.candidates_per_month": 0, "humans.assistant.innovation": 0.0, "humans.assistant.imitation": 0.0,
    "vendors.Pioneer.publish_per_month": 0,
}
_NO_DRIFT = {"reality.drift.new_topics_per_year": 0}
_NO_MARKET = {"market.users": 0}
# The reduced version moves the late entrant to 2021 so that ages 0, 12 and 24 fit in five short years.
_FM_QUICK = {"humans.writers": 60, "reality.test_per_topic": 40, "metrics.model_samples": 1000,
             "vendors.LateEntrant.entry": "2021-01", "end": "2023-01"}
_DETECTOR_END = {"end": "2026-06"}
_DETECTOR_QUICK = {"humans.writers": 60, "reality.test_per_topic": 40, "metrics.model_samples": 1000,
                   "end": "2024-06"}
_VENDORS = ["Pioneer", "Meta", "Anthropic", "Mistral", "DeepSeek"]


def _all_vendors(**fields: Any) -> dict[str, Any]:
    return {f"vendors.{v}.{k}": value for v in _VENDORS for k, value in fields.items()}


ARMS: dict[str, Arm] = {
    "closed_replace": Arm("closed_loop.yaml", _CLOSED, _CLOSED_QUICK),
    "closed_accumulate": Arm("closed_loop.yaml", {**_CLOSED, "vendors.Solo.data_policy": "accumulate"}, _CLOSED_QUICK),
    "closed_archive": Arm("closed_loop.yaml", {**_CLOSED, "vendors.Solo.data_policy": "archive"}, _CLOSED_QUICK),
    "closed_tau1": Arm("closed_loop.yaml", {**_CLOSED, "vendors.Solo.temperature": 1.0}, _CLOSED_QUICK),
    "closed_tau09": Arm("closed_loop.yaml", {**_CLOSED, "vendors.Solo.temperature": 0.9}, _CLOSED_QUICK),
    "fm_polluted": Arm("first_mover.yaml", {**_NO_DRIFT, **_NO_MARKET, "end": "2029-01"}, _FM_QUICK),
    "fm_clean": Arm("first_mover.yaml", {**_NO_DRIFT, **_NO_MARKET, **_CLEAN_WEB, "end": "2029-01"}, _FM_QUICK),
    "fm_clean_drift": Arm("first_mover.yaml", {**_NO_MARKET, **_CLEAN_WEB, "end": "2029-01"}, _FM_QUICK),
    "fm_market": Arm("first_mover.yaml", {"end": "2031-01"}, {**_FM_QUICK, "end": "2024-01"}),
    "fm_market_equal": Arm("first_mover.yaml", {"end": "2031-01", "market.quality_sensitivity": 0.0},
                           {**_FM_QUICK, "end": "2024-01"}),
    # per-topic rows only add metrics (the who-loses entries read them), so one run serves both
    "baseline": Arm("baseline.yaml", {"end": "2025-06", "metrics.per_topic": True},
                    {"humans.writers": 60, "end": "2025-05", "reality.test_per_topic": 40,
                     "metrics.model_samples": 1000}),
    "detector_cold": Arm("policies/detector_filtering.yaml", {**_DETECTOR_END, **_all_vendors(temperature=0.5)},
                         _DETECTOR_QUICK),
    "detector_warm": Arm("policies/detector_filtering.yaml", {**_DETECTOR_END, **_all_vendors(temperature=0.9)},
                         _DETECTOR_QUICK),
}

_CLOSED_HOLDS = "closed_loop.yaml: one vendor, K_v = 20 components for 30 topics, humans stop when it enters"
CLAIMS: tuple[Claim, ...] = (
    Claim("collapse_excess_replace",
          "Retraining only on its own latest crawl (replace), a vendor's excess NLL grows by {effect} over 18 "
          "retrains: collapse emerges from refitting.",
          ("closed_replace",), first_to_last("closed_replace", "Solo", "excess_nll", log10_ratio=True),
          "orders of magnitude (log10 of last / first)", f"{_CLOSED_HOLDS}; replace; tau = 0.95; no drift",
          "see the tau = 1 and accumulate entries", direction=+1),
    Claim("collapse_coverage_replace",
          "Under replace the share of topics the model still covers changes by {effect} over 18 retrains.",
          ("closed_replace",), first_to_last("closed_replace", "Solo", "topic_coverage"),
          "(share of topics)", f"{_CLOSED_HOLDS}; replace; tau = 0.95", "", direction=-1),
    Claim("collapse_tail_replace",
          "Under replace the rare topics' mass ratio (Q / P inside P's support) changes by {effect} over 18 "
          "retrains.",
          ("closed_replace",), first_to_last("closed_replace", "Solo", "tail_mass_ratio"),
          "", f"{_CLOSED_HOLDS}; replace; tau = 0.95",
          "at tau = 1 see collapse_tail_tau1; the collapsed model's few narrow components may sit on rare "
          "topics, so the tail ratio can also rise on a seed", direction=-1),
    Claim("collapse_excess_tau1",
          "Without temperature (tau = 1), excess NLL still grows by {effect} over 18 retrains under replace.",
          ("closed_tau1",), first_to_last("closed_tau1", "Solo", "excess_nll", log10_ratio=True),
          "orders of magnitude (log10 of last / first)", f"{_CLOSED_HOLDS}; replace; tau = 1", "", direction=+1),
    Claim("collapse_tail_tau1",
          "At tau = 1 the rare topics' mass ratio changes by {effect} over 18 retrains under replace.",
          ("closed_tau1",), first_to_last("closed_tau1", "Solo", "tail_mass_ratio"),
          "", f"{_CLOSED_HOLDS}; replace; tau = 1",
          "with tau = 1 and K_v = K a topic's expected mass is a martingale: tails die only by absorption",
          direction=-1),
    Claim("collapse_tail_tau09",
          "At tau = 0.9 the rare topics' mass ratio changes by {effect} over 18 retrains under replace.",
          ("closed_tau09",), first_to_last("closed_tau09", "Solo", "tail_mass_ratio"),
          "", f"{_CLOSED_HOLDS}; replace; tau = 0.9", "", direction=-1),
    Claim("accumulate_excess",
          "Keeping everything ever crawled (accumulate), excess NLL changes by {effect} over 18 retrains, against "
          "its own start.",
          ("closed_accumulate",), first_to_last("closed_accumulate", "Solo", "excess_nll"),
          "nats", f"{_CLOSED_HOLDS}; accumulate (subsampled to 1,500); tau = 0.95", ""),
    Claim("accumulate_tail",
          "Under accumulate the rare topics' mass ratio changes by {effect} over 18 retrains.",
          ("closed_accumulate",), first_to_last("closed_accumulate", "Solo", "tail_mass_ratio"),
          "", f"{_CLOSED_HOLDS}; accumulate; tau = 0.95",
          "tempered output accumulates in the pool too, so the tail still thins, more slowly than under replace"),
    Claim("archive_excess",
          "Training on half pre-AI archive (archive), excess NLL changes by {effect} over 18 retrains.",
          ("closed_archive",), first_to_last("closed_archive", "Solo", "excess_nll"),
          "nats", f"{_CLOSED_HOLDS}; archive share 0.5; tau = 0.95", ""),
    Claim("first_mover_pollution_age0",
          "On a polluted web, a late entrant's first model is worse than the first mover's first model by "
          "{effect} of excess NLL (same age, equal training size, same reality).",
          ("fm_polluted",), late_minus_first("fm_polluted", "excess_nll", 0),
          "nats", "first_mover.yaml, entries 2020-01 and 2028-01; drift off (same reality); no user market "
          "(no revenue, no licences); equal train_size 4,000; tau = 0.9; replace",
          "a clean web gives no gap (first_mover_clean_age0); with drift on the gap also carries new topics "
          "(first_mover_drift_age0)", direction=+1),
    Claim("first_mover_pollution_age12",
          "A year later (age 12 months, second model) the late entrant is still worse by {effect} of excess NLL.",
          ("fm_polluted",), late_minus_first("fm_polluted", "excess_nll", 12),
          "nats", "as first_mover_pollution_age0", "", direction=+1),
    Claim("first_mover_clean_age0",
          "On a web where nothing synthetic is published, the late entrant's first model differs from the first "
          "mover's by {effect} of excess NLL (the counterfactual control).",
          ("fm_clean",), late_minus_first("fm_clean", "excess_nll", 0),
          "nats", "as first_mover_pollution_age0, with no farms, no assistants and no vendor output", ""),
    Claim("first_mover_drift_age0",
          "Drift alone (new topics, a clean web) makes the late entrant's first model differ by {effect} of "
          "excess NLL.",
          ("fm_clean_drift",), late_minus_first("fm_clean_drift", "excess_nll", 0),
          "nats", "clean web; one new topic a year from 2019; no user market", ""),
    Claim("entrant_first_crawl_synthetic",
          "The late entrant's first training set is {effect} synthetic.",
          ("fm_polluted",), lambda runs: at_age(runs["fm_polluted"], "LateEntrant", "train_synthetic_share", 0),
          "(share)", "as first_mover_pollution_age0", "", digits=2),
    *(claim for months in (12, 24, 36) for claim in (
        Claim(f"user_share_gap_{months}",
              f"{months} months after the late entrant arrives, the first mover leads in users by {{effect}}.",
              ("fm_market",), share_gap("fm_market", months),
              "(share of users)", "first_mover.yaml as shipped: users re-choose 10% a month by quality with a "
              "switching cost 1.5; revenue buys crawl pages and licences; drift on", "", direction=+1),
        Claim(f"user_share_inertia_{months}",
              f"With users blind to quality (equal-quality counterfactual) the lead {months} months on is {{effect}}: "
              "inertia alone.",
              ("fm_market_equal",), share_gap("fm_market_equal", months),
              "(share of users)", f"as user_share_gap_{months} with quality_sensitivity 0", "", direction=+1),
        Claim(f"user_share_quality_{months}",
              f"{months} months on, the part of the first mover's user lead that quality earns, net of inertia on "
              "the same seeds, is {effect}.",
              ("fm_market", "fm_market_equal"),
              difference(share_gap("fm_market", months), share_gap("fm_market_equal", months)),
              "(share of users)", f"user_share_gap_{months} minus user_share_inertia_{months}, seed by seed; the "
              "quality part includes drift and the data revenue buys", "", direction=+1),
    )),
    Claim("detector_fpr_common_tau05",
          "With vendors at tau = 0.5, a detector wrongly flags common-topic human pages more often than rare-topic "
          "ones, by {effect} of false-positive rate.",
          ("detector_cold",), fpr_gap("detector_cold"),
          "(FPR, common minus rare)", "policies/detector_filtering.yaml with every vendor at tau = 0.5; "
          "2024-01 to 2026-06", "at tau = 0.9 see detector_fpr_common_tau09", direction=+1, digits=3),
    Claim("detector_fpr_common_tau09",
          "With vendors at tau = 0.9, the same difference is {effect}.",
          ("detector_warm",), fpr_gap("detector_warm"),
          "(FPR, common minus rare)", "as detector_fpr_common_tau05 at tau = 0.9", "", direction=+1, digits=3),
    Claim("calibration_ai_written_2023_11",
          "Pages more than half AI-written make up {effect} of new pages in Nov 2023.",
          ("baseline",), value_at("baseline", "web.ai_written_share_new", "2023-11"),
          "(share)", "baseline.yaml", "", published="~39% (Graphite 2025)"),
    Claim("calibration_ai_written_2024_11",
          "Pages more than half AI-written make up {effect} of new pages in Nov 2024.",
          ("baseline",), value_at("baseline", "web.ai_written_share_new", "2024-11"),
          "(share)", "baseline.yaml", "", published="~50% (Graphite 2025)"),
    Claim("calibration_ai_written_2025_05",
          "Pages more than half AI-written make up {effect} of new pages in May 2025.",
          ("baseline",), value_at("baseline", "web.ai_written_share_new", "2025-05"),
          "(share)", "baseline.yaml", "", published="~52%, flat since mid-2024 (Graphite 2025)"),
    Claim("calibration_ai_any_2025_04",
          "Pages with any AI-written text make up {effect} of new pages in April 2025.",
          ("baseline",), value_at("baseline", "web.ai_any_share_new", "2025-04"),
          "(share)", "baseline.yaml", "", published="74% mixed + 2.5% pure AI = 76.5% (Ahrefs 2025)"),
)


REPLICATIONS: tuple[Replication, ...] = (
    Replication("replication_gaussian", "gaussian", "MLE refits on 20 samples, 10 generations, 200 chains a seed",
                "Shumailov et al., Nature 2024"),
    Replication("replication_gmm", "gmm", "EM refits of a two-component mixture on 50 samples, 25 generations",
                "Shumailov et al., Nature 2024"),
    Replication("replication_categorical", "categorical", "Zipf vocabulary of 1,000 words, 100 samples, 50 "
                "generations", "genetic drift (heterozygosity loss); Shumailov et al. 2024"),
    Replication("replication_regression", "regression", "linear model, T = 20, d = 3, 10 generations on its own "
                "labels", "Dohmatob, Feng & Kempe 2024"),
    Replication("replication_mixing", "mixing", "25% fresh real data, synthetic sampled at 0.6x variance, 20 "
                "generations", "Bertrand et al. 2024; Gerstgrasser et al. 2024"),
)


def _replication_claim(rep: Replication) -> Claim:
    from ecosystem.replication.claims import CLAIMS as REPLICATION_CLAIMS

    spec = REPLICATION_CLAIMS[rep.experiment]
    return Claim(rep.id, f"Replication ({rep.source}): the {spec.quantity} is {{effect}}; the closed form gives "
                 "{theory}.", (), lambda runs: math.nan, spec.unit, rep.holds, "", digits=3)


def measure_replications(*, quick: bool) -> list[Entry]:
    """Each replication over the ledger's seeds (two in the quick version), in this process."""
    from ecosystem.replication.claims import seed_values

    seeds = QUICK_SEEDS if quick else LEDGER_SEEDS
    entries = []
    for rep in REPLICATIONS:
        values, theory = seed_values(rep.experiment, seeds=seeds)
        entries.append(Entry(_replication_claim(rep), values, seeds, theory=theory))
    return entries


# ----------------------------------------------------------------------------------------------
# Running


def plan(*, quick: bool, folder: Path, claims: Sequence[Claim] | None = None) -> list[RunSpec]:
    """One run per arm the claims use (default: every claim, looked up when called, so entries appended
    below count) and per seed."""
    claims = CLAIMS if claims is None else claims
    seeds = QUICK_SEEDS if quick else LEDGER_SEEDS
    arms = list(dict.fromkeys(a for c in claims for a in c.arms))
    return [RunSpec(label=arm, scenario=ARMS[arm].resolved(quick=quick), seed=seed, folder=str(folder),
                    tags={"arm": arm}) for arm in arms for seed in seeds]


def measure(specs: Sequence[RunSpec], *, claims: Sequence[Claim] | None = None) -> list[Entry]:
    claims = CLAIMS if claims is None else claims
    by_seed: dict[int, Runs] = {}
    for spec in specs:
        by_seed.setdefault(spec.seed, {})[spec.label] = pl.read_parquet(spec.metrics_path)
    seeds = sorted(by_seed)
    return [Entry(c, np.array([c.measure(by_seed[s]) for s in seeds], dtype=float), range(seeds[0], seeds[-1] + 1))
            for c in claims]


# ----------------------------------------------------------------------------------------------
# Writing


def table(entries: Sequence[Entry]) -> pl.DataFrame:
    rows = []
    for e in entries:
        est = e.estimate
        rows.append({"id": e.claim.id, "statement": e.sentence(), "experiment": ", ".join(
            f"{ARMS[a].scenario} {_overrides_text(ARMS[a].overrides)}".strip() for a in e.claim.arms),
            "seeds": f"{e.seeds.start}-{e.seeds.stop - 1}", "n": est.n, "effect": est.mean, "ci_low": est.low,
            "ci_high": est.high, "unit": e.claim.unit, "holds": e.claim.holds, "fails": e.claim.fails,
            "verdict": e.verdict, "published": e.claim.published})
    return pl.DataFrame(rows)


def _overrides_text(overrides: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in overrides.items())


def markdown(frame: pl.DataFrame, *, wall_seconds: float | None = None, run_seconds: float | None = None) -> str:
    lines = ["# Claims ledger", "",
             "Generated by `ecosim claims` (analysis/claims.py); do not edit by hand. Each entry is the mean over "
             "seeds with its 95% Student t interval; seeds are disjoint from every seed used while developing. "
             "`verdict`: *holds* when the interval excludes zero in the claimed direction, *not shown* when it "
             "does not, *measured* for values with no claimed direction.", ""]
    if wall_seconds is not None and run_seconds is not None:
        lines += [f"Generated {dt.date.today():%Y-%m-%d}. The runs took {run_seconds / 3600:.1f} hours of simulation "
                  f"(summed over runs, as each run recorded it); this command took {wall_seconds / 60:.0f} minutes "
                  "(finished runs are reused).", ""]
    for row in frame.iter_rows(named=True):
        lines += [f"## `{row['id']}`: {row['verdict']}", "", row["statement"], "",
                  f"- effect: {row['effect']:.4g} [{row['ci_low']:.4g}, {row['ci_high']:.4g}] {row['unit']}, "
                  f"n = {row['n']} seeds ({row['seeds']})",
                  f"- experiment: {row['experiment']}", f"- holds under: {row['holds']}"]
        if row["fails"]:
            lines.append(f"- does not hold / not shown: {row['fails']}")
        if row["published"]:
            lines.append(f"- published: {row['published']}")
        lines.append("")
    return "\n".join(lines)


README_CLAIMS = ("collapse_excess_replace", "collapse_excess_tau1", "collapse_tail_replace", "accumulate_excess",
                 "first_mover_pollution_age0", "first_mover_clean_age0", "user_share_gap_24",
                 "user_share_quality_24", "detector_fpr_common_tau05", "detector_fpr_common_tau09",
                 "calibration_ai_written_2024_11", "calibration_ai_any_2025_04", "quality_half_survival_ratio",
                 "quality_half_excess_effect", "verifier_transition", "who_worst_topic_web_2025",
                 "text_tail_replace", "text_topics_lost_replace", "text_rarity_order")


def readme_block(frame: pl.DataFrame) -> str:
    by_id = {row["id"]: row for row in frame.iter_rows(named=True)}
    lines = [README_START, "<!-- generated by `ecosim claims` from docs/claims.parquet: do not edit -->"]
    for claim_id in README_CLAIMS:
        if claim_id in by_id:
            row = by_id[claim_id]
            lines.append(f"- {row['statement']} *({row['verdict']}; n = {row['n']}; "
                         f"[`{claim_id}`](docs/claims.md))*")
    lines.append(README_END)
    return "\n".join(lines)


def check_readme(readme: Path) -> None:
    """Refuse, before any run, a README without the block the ledger fills."""
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    if README_START not in text or README_END not in text:
        raise ValueError(f"{readme}: no {README_START} ... {README_END} block for the ledger to fill")


def write_ledger(entries: Sequence[Entry], *, docs: Path, readme: Path | None, wall_seconds: float | None = None,
                 run_seconds: float | None = None) -> pl.DataFrame:
    frame = table(entries)
    write_with(docs / "claims.parquet", frame.write_parquet)
    write_text(docs / "claims.md", markdown(frame, wall_seconds=wall_seconds, run_seconds=run_seconds))
    if readme is not None:
        check_readme(readme)
        text = readme.read_text(encoding="utf-8")
        start, end = text.find(README_START), text.find(README_END)
        write_text(readme, text[:start] + readme_block(frame) + text[end + len(README_END):])
    return frame


# ----------------------------------------------------------------------------------------------
# Issue 12: what the literature says drives collapse on the real web (docs/mechanisms.md)

_VERIFIER_ACCURACIES = {"verifier_050": 0.5, "verifier_075": 0.75, "verifier_090": 0.9, "verifier_100": 1.0}
ARMS.update({arm: Arm("verifier.yaml", {**_CLOSED, "vendors.Solo.verifier.accuracy": accuracy}, _CLOSED_QUICK)
             for arm, accuracy in _VERIFIER_ACCURACIES.items()})
ARMS.update({
    "who_closed": Arm("closed_loop.yaml", {**_CLOSED, "metrics.per_topic": True}, _CLOSED_QUICK),
})

TAILS_LOST = 3  # topics lost beyond the first model's: a tenth of reality's 30 topics
VARIANCE_GONE = 0.75  # variance ratio below which a quarter of reality's spread is gone


def first_retrain(arm: str, vendor: str, metric: str, crossed: Callable[[np.ndarray], np.ndarray]) -> Callable[
        [Runs], float]:
    """The generation (1 = first model) at which ``crossed`` first holds for a vendor's metric; one past the
    last generation if it never does."""
    def measure(runs: Runs) -> float:
        series = at_retrains(runs[arm], vendor, metric)
        hit = np.flatnonzero(crossed(series))
        return float(hit[0] + 1 if len(hit) else len(series) + 1)
    return measure


def vendors_mean_last(arm: str, metric: str, *, minus: str | None = None) -> Callable[[Runs], float]:
    """The mean over the scenario's vendors of ``metric`` (less ``minus``) in the run's last month."""
    def measure(runs: Runs) -> float:
        frame = runs[arm]
        date = f"{frame['date'].max():%Y-%m}"
        values = [at(frame, f"vendor.{v}.{metric}", date) - (at(frame, f"vendor.{v}.{minus}", date) if minus else 0)
                  for v in _VENDORS]
        return float(np.nanmean(values))
    return measure


_VERIFIER_HOLDS = f"{_CLOSED_HOLDS}; replace; tau = 0.95; the verifier judges every page of the training pool"
_VERIFIER_RUN = ("verifier.yaml: a page is correct when it lies inside reality's support; the verdict is right "
                 "with probability accuracy")
CLAIMS = CLAIMS + tuple(
    Claim(f"verifier_excess_{arm.removeprefix('verifier_')}",
          f"With a verifier of accuracy {accuracy:g} pruning its training pool, a closed-loop vendor's excess NLL "
          "grows by {effect} over 18 retrains.",
          (arm,), first_to_last(arm, "Solo", "excess_nll", log10_ratio=True),
          "orders of magnitude (log10 of last / first)", f"{_VERIFIER_HOLDS}; {_VERIFIER_RUN}", "")
    for arm, accuracy in _VERIFIER_ACCURACIES.items()
) + (
    Claim("verifier_transition",
          "A verifier that is always right (accuracy 1) rather than a coin (0.5) changes the growth of excess NLL "
          "over 18 retrains by {effect}.",
          ("verifier_100", "verifier_050"),
          difference(first_to_last("verifier_100", "Solo", "excess_nll", log10_ratio=True),
                     first_to_last("verifier_050", "Solo", "excess_nll", log10_ratio=True)),
          "orders of magnitude", _VERIFIER_HOLDS,
          "Feng et al. (2024) find a sharp transition in verifier quality; pruning only removes pages, so it "
          "cannot restore spread lost to temperature nor topics lost to capacity (docs/mechanisms.md)",
          direction=-1),
    Claim("verifier_against_none",
          "Against no verifier at all, an always-right verifier changes the growth of excess NLL by {effect}.",
          ("verifier_100", "closed_replace"),
          difference(first_to_last("verifier_100", "Solo", "excess_nll", log10_ratio=True),
                     first_to_last("closed_replace", "Solo", "excess_nll", log10_ratio=True)),
          "orders of magnitude", _VERIFIER_HOLDS, "", direction=-1),
    Claim("who_worst_topic_first_model",
          "A closed-loop vendor's first model (trained on human pages) is already worse on its worst-off topic "
          "than on average, by {effect} of excess NLL.",
          ("who_closed",), lambda runs: float(at_retrains(runs["who_closed"], "Solo", "worst_topic_excess_nll")[0]
                                              - at_retrains(runs["who_closed"], "Solo", "excess_nll")[0]),
          "nats", f"{_CLOSED_HOLDS}; K_v = 20 components cannot hold 30 topics; average: weighted by P",
          "", direction=+1),
    Claim("who_worst_topic_web_2025",
          "On the calibrated web in June 2025, the vendors' worst-off topic has an excess NLL higher than their "
          "average by {effect} (mean over the five vendors).",
          ("baseline",), vendors_mean_last("baseline", "worst_topic_excess_nll", minus="excess_nll"),
          "nats", "baseline.yaml to 2025-06; average: weighted by P", "", direction=+1),
    Claim("who_tail_web_2025",
          "On the same web the rare topics' excess NLL exceeds the average by {effect} (mean over the five "
          "vendors): the tail pays more than its share.",
          ("baseline",), vendors_mean_last("baseline", "tail_excess_nll", minus="excess_nll"),
          "nats", "baseline.yaml to 2025-06; the rarest 30% of topics", "", direction=+1),
    Claim("who_topics_lost_web_2025",
          "In June 2025 the vendors have lost {effect} each on average (under a tenth of their mass).",
          ("baseline",), vendors_mean_last("baseline", "topics_lost"),
          "topics", "baseline.yaml to 2025-06, 30 original topics plus drift", ""),
    Claim("collapse_order_closed",
          "In the closed loop, the tails go first: three more topics are lost {effect} before a quarter of the "
          "variance is gone.",
          ("who_closed",),
          difference(first_retrain("who_closed", "Solo", "variance_ratio", lambda s: s < VARIANCE_GONE),
                     first_retrain("who_closed", "Solo", "topics_lost", lambda s: s >= s[0] + TAILS_LOST)),
          "generations (retrains)", f"{_CLOSED_HOLDS}; replace; tau = 0.95; a run that never crosses a threshold "
          "counts one generation past its last", "thresholds: 3 topics lost beyond the first model's; variance "
          "ratio below 0.75", direction=+1),
)

_QUALITY_END = {"end": "2030-12"}
# Quick runs reach the last token-calibration date (2028-12), small.
_QUALITY_QUICK = {"humans.writers": 40, "end": "2028-12", "reality.test_per_topic": 40, "metrics.model_samples": 1000}
_QUALITY_SHARES = {"quality_model": 1.0, "quality_half": 0.5, "quality_human": 0.0}
ARMS["quality_none"] = Arm("baseline.yaml", _QUALITY_END, _QUALITY_QUICK)
ARMS.update({arm: Arm("quality_filter.yaml", {**_QUALITY_END, **_all_vendors(**{
    "crawler.filters.quality.model_share": share})}, _QUALITY_QUICK) for arm, share in _QUALITY_SHARES.items()})


def crawlers_window_mean(arm: str, metric: str, first: str, last: str) -> Callable[[Runs], float]:
    """The mean over the vendors' crawlers and the months ``first``..``last`` of a crawler metric."""
    def measure(runs: Runs) -> float:
        frame = runs[arm]
        return float(np.nanmean([window_mean(frame, f"crawler.{v}.{metric}", first, last) for v in _VENDORS]))
    return measure


def excess_gap_last_year(arm: str, reference: str, vendors: Sequence[str] = tuple(_VENDORS)) -> Callable[[Runs], float]:
    """Excess NLL averaged over the run's last twelve months (a whole year, not one January) and over
    ``vendors``, ``arm`` minus ``reference`` (same seed, same end)."""
    def last_year(name: str) -> Callable[[Runs], float]:
        def measure(runs: Runs) -> float:
            end = runs[name]["date"].max()
            first = f"{end.year - 1}-{end.month + 1:02d}" if end.month < 12 else f"{end.year}-01"
            return float(np.nanmean([window_mean(runs[name], f"vendor.{v}.excess_nll", first, f"{end:%Y-%m}")
                                     for v in vendors]))
        return measure
    return difference(last_year(arm), last_year(reference))


_QUALITY_HOLDS = ("quality_filter.yaml to 2030-12: every vendor's crawler keeps the top 30% of the pages a quality "
                  "classifier scores, trained each month on a reference set against the pages it fetched; "
                  "survival averaged over the vendors and 2024-01 to 2026-12")
_AUDIT = "FineWeb 29.3% of AI pages vs 12.8% of human pages (2.3x); DCLM 14.5% vs 1.5% (9.8x) (Russell et al. 2026)"
CLAIMS = CLAIMS + tuple(
    Claim(f"{arm}_survival_ratio",
          f"A quality filter whose reference set is {share:.0%} model-written has an AI / human survival ratio of "
          "{effect} (share of synthetic pages kept over share of human pages kept).",
          (arm,), crawlers_window_mean(arm, "quality_survival_ratio", "2024-01", "2026-12"),
          "", _QUALITY_HOLDS, "", published=_AUDIT)
    for arm, share in _QUALITY_SHARES.items()
) + tuple(
    Claim(f"{arm}_excess_effect",
          f"With that filter ({share:.0%} model-written reference), the vendors' excess NLL over 2030 changes "
          "by {effect} against the same web without a quality filter.",
          (arm, "quality_none"), excess_gap_last_year(arm, "quality_none"),
          "nats (mean over the five vendors and 2030)", _QUALITY_HOLDS,
          "with a reference of model output alone the filter keeps almost only synthetic pages and vendors' models "
          "degenerate (excess NLL in the millions of nats), so that mean is dominated by a few vendor-years"
          if share == 1.0 else "", direction=+1 if share > 0 else 0)
    for arm, share in _QUALITY_SHARES.items()
) + tuple(
    Claim(f"quality_half_excess_effect_{vendor.lower()}",
          f"With the shipped filter (50% model-written reference), {vendor}'s excess NLL over 2030 changes by "
          "{effect} against the same web without a quality filter.",
          ("quality_half", "quality_none"), excess_gap_last_year("quality_half", "quality_none", (vendor,)),
          "nats (mean over 2030)", _QUALITY_HOLDS, "", direction=+1)
    for vendor in _VENDORS
)

# Published series of AI share of new web text: WildAI (Russell et al. 2026, arXiv 2609.40295: AI share of tokens
# in a monthly 5,000-document Common Crawl sample; the last two are the paper's forecasts) and Graphite 2025
# (share of new articles more than half AI-written).
WILDAI_TOKENS = {"2024-06": 0.101, "2025-06": 0.161, "2026-06": 0.275, "2026-08": 0.311}
WILDAI_FORECAST = {"2027-12": 0.423, "2028-12": 0.507}
GRAPHITE_PAGES = {"2022-10": 0.05, "2023-11": 0.39, "2024-11": 0.50, "2025-05": 0.52}
CLAIMS = CLAIMS + tuple(
    Claim(f"calibration_ai_tokens_{date.replace('-', '_')}",
          f"Model-written tokens make up {{effect}} of new pages' tokens in {dt.date.fromisoformat(date + '-01'):%b %Y}"
          + (" (against a published forecast)." if date in WILDAI_FORECAST else "."),
          ("quality_none",), value_at("quality_none", "web.ai_token_share_new", date),
          "(share)", "baseline.yaml (calibrated on page shares, not on tokens); web.ai_token_share_new", "",
          published=f"{share:.1%} (Russell et al. 2026, WildAI{', forecast' if date in WILDAI_FORECAST else ''})")
    for date, share in {**WILDAI_TOKENS, **WILDAI_FORECAST}.items()
)

ARMS["displacement"] = Arm("displacement.yaml", {"end": "2025-06"}, ARMS["baseline"].quick)
_DISPLACEMENT_HOLDS = ("displacement.yaml: baseline.yaml with writers leaving documents to assistants by how well "
                       "the best model answers their topic (immediate 0.17, with_adoption 0.33)")
CLAIMS = CLAIMS + (
    Claim("calibration_displaced_2023_05",
          "Writers leave {effect} of their would-be documents to assistants in May 2023.",
          ("displacement",), value_at("displacement", "humans.displaced_share", "2023-05"),
          "(share)", _DISPLACEMENT_HOLDS, "",
          published="-16% Stack Overflow posts after ChatGPT (del Rio-Chanona et al. 2023)"),
    Claim("calibration_displaced_2024_06",
          "Writers leave {effect} of their would-be documents to assistants in June 2024.",
          ("displacement",), value_at("displacement", "humans.displaced_share", "2024-06"),
          "(share)", _DISPLACEMENT_HOLDS, "",
          published="growing to ~25% (del Rio-Chanona et al. 2023)"),
    Claim("displacement_synthetic_share_2025",
          "Displaced human writing raises the machine-made share of new pages in May 2025 by {effect} against the "
          "same web without displacement.",
          ("displacement", "baseline"),
          difference(value_at("displacement", "web.synthetic_share_new", "2025-05"),
                     value_at("baseline", "web.synthetic_share_new", "2025-05")),
          "(share of new pages)", _DISPLACEMENT_HOLDS, "", direction=+1),
)

ARMS["shared_crawl"] = Arm("shared_crawl.yaml", {"end": "2025-06"}, ARMS["baseline"].quick)
_SUBSCRIBERS = ("Meta", "Mistral", "DeepSeek")


def subscribers_excess_gap(arm: str, reference: str) -> Callable[[Runs], float]:
    """The shared crawl's subscribers' mean excess NLL in the last month, ``arm`` minus ``reference``."""
    def mean_excess(frame: pl.DataFrame) -> float:
        date = f"{frame['date'].max():%Y-%m}"
        return float(np.nanmean([at(frame, f"vendor.{v}.excess_nll", date) for v in _SUBSCRIBERS]))
    return lambda runs: mean_excess(runs[arm]) - mean_excess(runs[reference])


_SHARED_HOLDS = ("shared_crawl.yaml to 2025-06: a snapshot of 6,000 pages every two months, unfiltered; Meta, "
                 "Mistral and DeepSeek train from it beside their own crawls; replace policy, train_size 4,000")
CLAIMS = CLAIMS + (
    Claim("shared_crawl_train_share",
          "Vendors that subscribe to the shared public crawl draw {effect} of their training set from it "
          "(mean of the three at their last retraining before June 2025).",
          ("shared_crawl",),
          lambda runs: float(np.nanmean([at_retrains(runs["shared_crawl"], v, "train_public_share")[-1]
                                         for v in _SUBSCRIBERS])),
          "(share)", _SHARED_HOLDS, ""),
    Claim("shared_crawl_excess_effect",
          "Training from the shared crawl as well changes the subscribers' excess NLL in mid-2025 by {effect} "
          "against the same web without it.",
          ("shared_crawl", "baseline"), subscribers_excess_gap("shared_crawl", "baseline"),
          "nats (mean over the three subscribers)", _SHARED_HOLDS, ""),
)

# Issue 11: collapse on a reality fitted to real text (docs/text-reality.md): the stdlib docstrings, 50 named
# topics (the modules) ordered from the most documented to the least. The reduced version reads the sample
# corpus the text tests use (347 docstrings of 16 modules) with one generation a month.
_TEXT = {"end": "2023-12", "metrics.per_topic": True}
_TEXT_QUICK = {"start": "2019-07", "end": "2021-06", "humans.writers": 100, "metrics.model_samples": 1000,
               "reality.corpus": str(REPO / "tests" / "data" / "docstrings_sample.jsonl"),
               "reality.topic_column": "topic", "reality.dim": 8, "reality.topics": 16, "reality.min_docs": 4,
               "reality.max_tokens": 64, "reality.test_per_topic": 100, "vendors.Solo.components": 8,
               "vendors.Solo.temperature": 0.9, "vendors.Solo.retrain_every": 1, "vendors.Solo.train_size": 300,
               "vendors.Solo.publish_per_month": 300, "vendors.Solo.crawler.budget_per_month": 300,
               "vendors.Solo.crawler.lead_months": 6}
ARMS["text_replace"] = Arm("text_closed_loop.yaml", _TEXT, _TEXT_QUICK)
ARMS["text_accumulate"] = Arm("text_closed_loop.yaml", {**_TEXT, "vendors.Solo.data_policy": "accumulate"},
                              _TEXT_QUICK)
_TEXT_HOLDS = ("text_closed_loop.yaml to 2023-12 (12 generations): stdlib docstrings embedded with "
               "all-MiniLM-L6-v2, PCA to 16 dimensions, 50 topics; K_v = 20; tau = 0.95")


def rarity_order(arm: str, vendor: str) -> Callable[[Runs], float]:
    """Spearman correlation between a topic's weight in reality and how many retrainings it survived (kept
    at least a tenth of its mass; never lost counts as all): positive when the rare topics go first. Topics
    are indexed from the commonest to the rarest."""
    def measure(runs: Runs) -> float:
        frame = runs[arm].filter(pl.col(f"vendor.{vendor}.retrained") == 1.0).sort("step")
        prefix = f"vendor.{vendor}.topic_"
        columns = sorted((c for c in frame.columns if c.startswith(prefix) and c.endswith("_mass_ratio")),
                         key=lambda c: int(c.removeprefix(prefix).split("_")[0]))
        ratios = frame.select(columns).to_numpy()  # (retrainings, topics)
        lost = ratios < LOST_BELOW
        survived = np.where(lost.any(axis=0), lost.argmax(axis=0), len(ratios))
        return float(spearmanr(-np.arange(len(columns)), survived).statistic)
    return measure


CLAIMS = CLAIMS + (
    Claim("text_tail_replace",
          "On real text (replace), the rare topics' mass ratio changes by {effect} over 12 retrains.",
          ("text_replace",), first_to_last("text_replace", "Solo", "tail_mass_ratio"),
          "", _TEXT_HOLDS + "; replace", "", direction=-1),
    Claim("text_coverage_replace",
          "On real text (replace), the share of named topics the model still covers changes by {effect} over 12 "
          "retrains.",
          ("text_replace",), first_to_last("text_replace", "Solo", "topic_coverage"),
          "(share of topics)", _TEXT_HOLDS + "; replace", "", direction=-1),
    Claim("text_topics_lost_replace",
          "On real text (replace), {effect} of the 50 named topics are lost (under a tenth of their mass) by the "
          "12th retrain.",
          ("text_replace",), lambda runs: float(at_retrains(runs["text_replace"], "Solo", "topics_lost")[-1]),
          "", _TEXT_HOLDS + "; replace", "", digits=1),
    Claim("text_rarity_order",
          "On real text (replace), the rank correlation between a topic's weight and how long it survives is "
          "{effect}: positive would mean the rare topics go first.",
          ("text_replace",), rarity_order("text_replace", "Solo"),
          "(Spearman)", _TEXT_HOLDS + "; replace",
          "real topics overlap in P's space: a shrinking model keeps the regions it still covers, whatever their "
          "size", direction=+1),
    Claim("text_tail_accumulate",
          "On real text, keeping every crawl (accumulate) changes the rare topics' mass ratio by {effect} over 12 "
          "retrains.",
          ("text_accumulate",), first_to_last("text_accumulate", "Solo", "tail_mass_ratio"),
          "", _TEXT_HOLDS + "; accumulate", ""),
    Claim("text_topics_lost_accumulate",
          "On real text under accumulate, {effect} of the 50 named topics are lost by the 12th retrain.",
          ("text_accumulate",), lambda runs: float(at_retrains(runs["text_accumulate"], "Solo", "topics_lost")[-1]),
          "", _TEXT_HOLDS + "; accumulate", "", digits=1),
)
