"""Language-model vendors on a text web: the first-mover comparison and a watermark lever on real text.

scenarios/text_web.yaml cut to 2019-2023: Pioneer (a word trigram model) enters in 2020-01, Second in 2021-06 and
the late entrant, Third, in 2023-01, with equal training sizes (1,500 pages), equal crawl budgets and the same
reality; each pair of arms shares its seeds (common random numbers). The clean web publishes nothing synthetic
(no farms, no assistants, no vendor pages); the watermark lever marks every vendor's API output from 2021-01 and
shares the keys in a registry, so every crawler drops every vendor's marked pages (a mandate alone lets a crawler
test only its own vendor's marks, and a late entrant has none before it enters). The same lever with the mark in
the words (text.watermark, delta 2) writes marked pages with each vendor's green list and has crawlers count green
tokens in the text, instead of the simulated test of a mark's key, survival and length. Perplexities are compared
as log ratios (nats per token). Each entry says which Gaussian-world entry it puts to the test on real text.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from analysis.claims.measures import at_age
from analysis.claims.model import REPO, Arm, Claim, Runs

FIRST, LATE = "Pioneer", "Third"
_TW = {"start": "2019-01", "end": "2023-01", "vendors.Pioneer.entry": "2020-01", "vendors.Second.entry": "2021-06",
       "vendors.Third.entry": "2023-01"}
_CLEAN = {"farms.candidates_per_month": 0, "humans.assistant.innovation": 0.0, "humans.assistant.imitation": 0.0,
          **{f"vendors.{v}.publish_per_month": 0 for v in ("Pioneer", "Second", "Third")}}
_WATERMARK = {"policies": [{"kind": "watermark_mandate", "start": "2021-01", "compliance": 1.0, "basis": "vendors"},
                         {"kind": "watermark_registry", "start": "2021-01"}]}
# The reduced version: the sample corpus the text tests use (16 modules), two years, small models.
_QUICK = {"start": "2019-01", "end": "2020-12", "vendors.Pioneer.entry": "2019-06", "vendors.Second.entry": "2020-01",
          "vendors.Third.entry": "2020-12", "farms.start": "2019-06", "humans.assistant.start": "2019-06",
          "humans.writers": 40, "metrics.model_samples": 500, "text.probe_docs": 50,
          "reality.corpus": str(REPO / "tests" / "data" / "docstrings_sample.jsonl"), "reality.topic_column": "topic",
          "reality.dim": 4, "reality.topics": 16, "reality.min_docs": 4, "reality.max_tokens": 64,
          **{f"vendors.{v}.{k}": n for v in ("Pioneer", "Second", "Third")
             for k, n in (("train_size", 300), ("retrain_every", 6), ("crawler.budget_per_month", 150),
                          ("components", 6))}}
_QUICK_WATERMARK = {"policies": [{"kind": "watermark_mandate", "start": "2019-09", "compliance": 1.0,
                                "basis": "vendors"}, {"kind": "watermark_registry", "start": "2019-09"}]}
_IN_TEXT = {"text.watermark": {"delta": 2.0}}

ARMS: dict[str, Arm] = {
    "tw_polluted": Arm("text_web.yaml", _TW, _QUICK),
    "tw_clean": Arm("text_web.yaml", {**_TW, **_CLEAN}, _QUICK),
    "tw_registry": Arm("text_web.yaml", {**_TW, **_WATERMARK}, {**_QUICK, **_QUICK_WATERMARK}),
    "tw_text_mark": Arm("text_web.yaml", {**_TW, **_WATERMARK, **_IN_TEXT}, {**_QUICK, **_QUICK_WATERMARK, **_IN_TEXT}),
}


def log_gap(arm: str, metric: str) -> Callable[[Runs], float]:
    """log(late entrant's metric / first mover's), each of its first model (age 0)."""
    return lambda runs: math.log(at_age(runs[arm], LATE, metric, 0) / at_age(runs[arm], FIRST, metric, 0))


def gap(arm: str, metric: str) -> Callable[[Runs], float]:
    """Late entrant's metric minus the first mover's, each of its first model (age 0)."""
    return lambda runs: at_age(runs[arm], LATE, metric, 0) - at_age(runs[arm], FIRST, metric, 0)


def pollution(metric: str) -> Callable[[Runs], float]:
    """The late entrant's log gap on the polluted web minus the same gap on the clean web, seed by seed."""
    polluted, clean = log_gap("tw_polluted", metric), log_gap("tw_clean", metric)
    return lambda runs: polluted(runs) - clean(runs)


def watermarked(metric: str, *, log: bool, lever: str = "tw_registry") -> Callable[[Runs], float]:
    """The late entrant's first model with the watermark lever (arm ``lever``) against without it (log ratio, or
    difference)."""
    def measure(runs: Runs) -> float:
        on, off = (at_age(runs[arm], LATE, metric, 0) for arm in (lever, "tw_polluted"))
        return math.log(on / off) if log else on - off
    return measure


_HOLDS = ("text_web.yaml 2019-01 to 2023-01: stdlib docstrings (50 modules, MiniLM + PCA to 16 dimensions); "
          "word trigram Kneser-Ney models on 48-token pages, tau = 0.9; entries 2020-01 (Pioneer), 2021-06, "
          "2023-01 (Third); equal train_size 1,500 and crawl budgets; replace; no user market")
_NATS = "nats per token (log ratio)"

CLAIMS: tuple[Claim, ...] = (
    Claim("text_web_first_mover_perplexity_age0",
          "On a polluted text web, a late-entering language model's first model has {effect} more held-out "
          "log-perplexity than the first mover's first model (same age, equal training size, same reality).",
          ("tw_polluted",), log_gap("tw_polluted", "text_perplexity"), _NATS, _HOLDS,
          "puts first_mover_pollution_age0 (Gaussian worlds) to the test on real text; the clean web's gap is "
          "text_web_first_mover_perplexity_clean_age0", direction=+1, digits=3),
    Claim("text_web_first_mover_perplexity_clean_age0",
          "On a text web where nothing synthetic is published, the late entrant's first model differs from the "
          "first mover's by {effect} of held-out log-perplexity (the control).",
          ("tw_clean",), log_gap("tw_clean", "text_perplexity"), _NATS,
          _HOLDS + "; no farms, no assistants, no vendor pages", "as first_mover_clean_age0 (Gaussian worlds)",
          digits=3),
    Claim("text_web_pollution_perplexity_age0",
          "What the polluted web costs the late entrant beyond the clean web, seed by seed: {effect} of held-out "
          "log-perplexity.",
          ("tw_polluted", "tw_clean"), pollution("text_perplexity"), _NATS,
          _HOLDS + "; polluted gap minus clean gap (common random numbers)",
          "the Gaussian ledger has no difference-in-differences entry; compare first_mover_pollution_age0 minus "
          "first_mover_clean_age0", direction=+1, digits=3),
    Claim("text_web_pollution_rare_words_age0",
          "The polluted web changes the probability the late entrant's first model gives rare words, beyond the "
          "clean web, by {effect}.",
          ("tw_polluted", "tw_clean"), pollution("text_rare_prob"), "(log ratio)",
          _HOLDS + "; rare words: the tenth of the training split's words seen least often",
          "puts tail loss (tail_kept on Gaussian worlds) to the test on words", direction=-1, digits=3),
    Claim("text_web_first_mover_excess_nll_age0",
          "On the same polluted text web, the late entrant's Gaussian side (the vectors of the same pages) is "
          "worse than the first mover's by {effect} of excess NLL.",
          ("tw_polluted",), gap("tw_polluted", "excess_nll"), "nats", _HOLDS + "; K_v = 20",
          "first_mover_pollution_age0 on a Gaussian reality; here the generated pages' vectors come from their text",
          direction=+1),
    Claim("text_web_entrant_first_synthetic",
          "The late entrant's first training set on the text web is {effect} synthetic.",
          ("tw_polluted",), lambda runs: at_age(runs["tw_polluted"], LATE, "train_synthetic_share", 0),
          "(share)", _HOLDS, "entrant_first_crawl_synthetic on the calibrated Gaussian web"),
    Claim("text_web_watermark_synthetic",
          "A watermark mandate on every vendor from 2021-01 with a shared key registry changes the synthetic share "
          "of the late entrant's first training set by {effect}.",
          ("tw_registry", "tw_polluted"), watermarked("train_synthetic_share", log=False), "(share)",
          _HOLDS + "; mandate compliance 1 (API output marked), every vendor in the registry",
          "marks survive only on the share of an assisted page the model wrote; unmarked human-edited text stays",
          direction=-1),
    Claim("text_web_watermark_perplexity",
          "The same lever changes the late entrant's first model's held-out log-perplexity by {effect}.",
          ("tw_registry", "tw_polluted"), watermarked("text_perplexity", log=True), _NATS,
          _HOLDS + "; mandate compliance 1 (API output marked), every vendor in the registry",
          "the Gaussian ledger measures the registry's adoption (watermark_registry_tips_adoption), not its effect on "
          "a model", direction=-1, digits=3),
    Claim("text_web_text_watermark_synthetic",
          "With the mark written into the words (a green-list watermark, delta 2, read off each page's text by "
          "the crawlers), the same mandate and registry change the synthetic share of the late entrant's first "
          "training set by {effect}.",
          ("tw_text_mark", "tw_polluted"), watermarked("train_synthetic_share", log=False, lever="tw_text_mark"),
          "(share)", _HOLDS + "; mandate compliance 1, every vendor in the registry; text.watermark delta 2, "
          "gamma 0.25, z > 4 on each page's distinct token pairs",
          "puts text_web_watermark_synthetic (the simulated mark: key, survival and length) to the test on the "
          "words; a trigram model's low-entropy contexts and 48-token pages carry a weaker mark", direction=-1),
    Claim("text_web_text_watermark_perplexity",
          "The mark in the words changes the late entrant's first model's held-out log-perplexity by {effect}.",
          ("tw_text_mark", "tw_polluted"), watermarked("text_perplexity", log=True, lever="tw_text_mark"), _NATS,
          _HOLDS + "; mandate compliance 1, every vendor in the registry; text.watermark delta 2",
          "as text_web_watermark_perplexity, with marks that are in the text", direction=-1, digits=3),
)
