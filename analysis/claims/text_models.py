"""Language models on real text (docs/text-models.md): the ``text_lm`` closed loop, a trigram model with
Kneser-Ney smoothing retrained on its own text, against the published curves of language models retrained on
their output. Each seed of the ledger is one chain of the experiment, run in this process (no scenario, no
batch runner): keep-10 and fresh-50 for 4 generations, replace and accumulate for 12 (an arm replays exactly
whichever arms run beside it, so their first 4 generations are the same as in a 4-generation run).

The published figures are those of a GPT-2 replication over 4 rounds of retraining (test perplexity +52%
replacing the data, +31% keeping 10% original data, +6% with 50% fresh human data; rare words in the output
-52% against -34% for the others; repeated 4-grams 4% -> 36%; vocabulary -39%) and Gerstgrasser et al. (2024)
(accumulating every generation's data keeps the error bounded). An n-gram model is not an LLM: the entries
say, each with a verdict, which directions and orders carry over.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from analysis.claims.model import LOG_RATIO_UNIT, REPO, Claim, Entry
from ecosystem.replication import run_experiment

Tables = dict[str, pl.DataFrame]  # "short" (keep-10, fresh-50) and "long" (replace, accumulate) -> table

OPTIONS = {"samples": 1000, "probe_tokens": 20_000}
SHORT, LONG = 4, 12  # the published rounds, and the closed loop's length elsewhere in the ledger
QUICK = {"corpus": str(REPO / "tests" / "data" / "docstrings_sample.jsonl"), "samples": 150, "probe_tokens": 3000,
         "max_tokens": 300}
QUICK_SHORT, QUICK_LONG = 2, 3

_HOLDS = ("text_lm on the standard library's docstrings (80% training split, 1,000 documents written and trained on "
          "per generation), word trigram model with interpolated modified Kneser-Ney, sampled at temperature 1 from "
          "the words of its training data; one chain a seed")
_NGRAM = "a trigram model, not a neural language model: see docs/text-models.md"


def tables(seed: int, *, quick: bool) -> Tables:
    """One seed's chain: the short and the long run."""
    options, (short, long) = (QUICK, (QUICK_SHORT, QUICK_LONG)) if quick else (OPTIONS, (SHORT, LONG))
    return {"short": run_experiment("text_lm", seed=seed, generations=short, policies=("keep-10", "fresh-50"),
                                    **options),
            "long": run_experiment("text_lm", seed=seed, generations=long, policies=("replace", "accumulate"),
                                   **options)}


def cell(policy: str, quantity: str, generation: int | None) -> Callable[[Tables], float]:
    """A quantity of one arm at a generation (None: the arm's last)."""
    def measure(runs: Tables) -> float:
        table = runs["long" if policy in ("replace", "accumulate") else "short"]
        rows = table.filter(pl.col("arm") == policy, pl.col("quantity") == quantity).sort("generation")
        if generation is None:
            return float(rows["mean"][-1])
        return float(rows.filter(pl.col("generation") == generation)["mean"][0])
    return measure


def _minus(a: Callable[[Tables], float], b: Callable[[Tables], float]) -> Callable[[Tables], float]:
    return lambda runs: a(runs) - b(runs)


# Measures at the published round (4) and at the long run's end (12); in the quick version at the runs' ends.
def at_round(policy: str, quantity: str) -> Callable[[Tables], float]:
    return lambda runs: cell(policy, quantity, _round(runs, policy))(runs)


def at_end(policy: str, quantity: str) -> Callable[[Tables], float]:
    return cell(policy, quantity, None)


def _round(runs: Tables, policy: str) -> int:
    """Generation 4, or the run's last generation if it is shorter (the quick version)."""
    table = runs["long" if policy in ("replace", "accumulate") else "short"]
    return min(SHORT, int(table["generation"].max()))


_PPL = "perplexity_change"


def _perplexity(policy: str, words: str, published: str) -> Claim:
    return Claim(f"text_lm_perplexity_{policy.replace('-', '')}",
                 f"A trigram model retrained 4 times on text its predecessor wrote ({words}) has a held-out "
                 "perplexity {effect} higher than the model trained on human text.",
                 (), at_round(policy, _PPL), "(relative change)", f"{_HOLDS}; {policy}", _NGRAM, direction=+1,
                 published=published)


CLAIMS: tuple[Claim, ...] = (
    _perplexity("replace", "each generation only its predecessor's text", "+52% (GPT-2 replication, 4 rounds)"),
    _perplexity("keep-10", "90% its predecessor's text, 10% the original human documents",
                "+31% (GPT-2 replication, 4 rounds, 10% original data)"),
    _perplexity("fresh-50", "half its predecessor's text, half human documents drawn anew",
                "+6% (GPT-2 replication, 4 rounds, 50% fresh human data)"),
    Claim("text_lm_order_keep10",
          "After 4 retrains on their own text, keeping 10% of the original documents lowers the trigram model's "
          "perplexity rise by {effect} against replacing the data.",
          (), _minus(at_round("replace", _PPL), at_round("keep-10", _PPL)), "(relative change)",
          f"{_HOLDS}; replace minus keep-10", _NGRAM, direction=+1, published="+52% against +31% (GPT-2, 4 rounds)"),
    Claim("text_lm_order_fresh50",
          "After 4 retrains, half fresh human documents lower the perplexity rise by {effect} against keeping 10% "
          "of the original ones.",
          (), _minus(at_round("keep-10", _PPL), at_round("fresh-50", _PPL)), "(relative change)",
          f"{_HOLDS}; keep-10 minus fresh-50", _NGRAM, direction=+1, published="+31% against +6% (GPT-2, 4 rounds)"),
    Claim("text_lm_accumulate_vs_replace",
          "After 12 retrains, accumulating every generation's text instead of replacing it lowers the perplexity "
          "rise by {effect}.",
          (), _minus(at_end("replace", _PPL), at_end("accumulate", _PPL)), "(relative change)",
          f"{_HOLDS}; 12 generations; replace minus accumulate", _NGRAM, direction=+1,
          published="Gerstgrasser et al. 2024: accumulating keeps the error bounded, replacing does not"),
    Claim("text_lm_accumulate_late_rise",
          "Under accumulate, the perplexity rise still grows by {effect} between the 4th and the 12th retrain.",
          (), _minus(at_end("accumulate", _PPL), at_round("accumulate", _PPL)), "(relative change)",
          f"{_HOLDS}; accumulate, generation 12 minus generation 4",
          "bounded is not flat: the pool keeps the human documents but their share falls as 1 / (generation + 1)",
          published="Gerstgrasser et al. 2024: bounded under accumulate"),
    Claim("text_lm_rare_first",
          "After one retrain on its own text, the probability the model gives rare words where people wrote them "
          "falls {effect} more than that of the other words.",
          (), lambda runs: float(np.log10(cell("replace", "rare_prob_ratio", 1)(runs)
                                          / cell("replace", "common_prob_ratio", 1)(runs))),
          f"{LOG_RATIO_UNIT} (log10 rare / other, each against generation 0)",
          f"{_HOLDS}; replace; rare words: the tenth of the vocabulary least seen in the training split",
          _NGRAM, direction=-1, published="Shumailov et al. 2024: the tails of the distribution vanish first"),
    Claim("text_lm_rare_output_round",
          "After 4 retrains (replace), the rare words used in the model's output change by {effect} more than the "
          "other words.",
          (), _minus(at_round("replace", "rare_types_change"), at_round("replace", "other_types_change")),
          "(relative change)", f"{_HOLDS}; replace; distinct words in the output's first 20,000 tokens",
          "a trigram model backs off to its word frequencies when a context is rare, which spreads its output over "
          "the vocabulary and slows the rare words' loss in the first generations", direction=-1,
          published="-52% against -34% (GPT-2, 4 rounds)"),
    Claim("text_lm_rare_output_end",
          "After 12 retrains (replace), the rare words used in the model's output change by {effect} more than "
          "the other words.",
          (), _minus(at_end("replace", "rare_types_change"), at_end("replace", "other_types_change")),
          "(relative change)", f"{_HOLDS}; replace, 12 generations", _NGRAM, direction=-1,
          published="-52% against -34% (GPT-2, 4 rounds)"),
    Claim("text_lm_vocabulary_round",
          "After 4 retrains (replace), the vocabulary of the model's output changes by {effect}.",
          (), at_round("replace", "vocabulary_change"), "(relative change)",
          f"{_HOLDS}; replace; distinct words in the output's first 20,000 tokens", _NGRAM, direction=-1,
          published="-39% (GPT-2, 4 rounds)"),
    Claim("text_lm_vocabulary_end",
          "After 12 retrains (replace), the vocabulary of the model's output changes by {effect}.",
          (), at_end("replace", "vocabulary_change"), "(relative change)", f"{_HOLDS}; replace, 12 generations",
          _NGRAM, direction=-1, published="-39% (GPT-2, 4 rounds)"),
    Claim("text_lm_repeated_4grams",
          "After 4 retrains (replace), the share of the output's 4-grams that repeat one earlier in the same "
          "document changes by {effect}.",
          (), _minus(at_round("replace", "repeated_4gram_share"), cell("replace", "repeated_4gram_share", 0)),
          "(share)", f"{_HOLDS}; replace",
          "a trigram model sampled at temperature 1 does not fall into the loops a neural model decoded greedily "
          "or with a narrow nucleus does", direction=+1, published="4% -> 36% (GPT-2, 4 rounds)", digits=3),
)


def measure_text_models(*, quick: bool) -> list[Entry]:
    """Every entry over the ledger's seeds (two, on the sample corpus and short runs, in the quick version)."""
    from analysis.claims.planning import LEDGER_SEEDS, QUICK_SEEDS  # planning reads the catalogue, which reads this

    seeds = QUICK_SEEDS if quick else LEDGER_SEEDS
    runs = [tables(seed, quick=quick) for seed in seeds]
    return [Entry(claim, np.array([claim.measure(r) for r in runs], dtype=float), seeds) for claim in CLAIMS]
