"""Collapse on real text (docs/text-reality.md): the closed loop on a reality fitted to the stdlib docstrings, 50
named topics (the modules) ordered from the most documented to the least."""

from __future__ import annotations

from analysis.claims.measures import at_retrains, first_to_last, rarity_order
from analysis.claims.model import REPO, Arm, Claim

# The reduced version reads the sample corpus the text tests use (347 docstrings of 16 modules) with one generation
# a month.
_TEXT = {"end": "2023-12", "metrics.per_topic": True}
_TEXT_QUICK = {"start": "2019-07", "end": "2021-06", "humans.writers": 100, "metrics.model_samples": 1000,
               "reality.corpus": str(REPO / "tests" / "data" / "docstrings_sample.jsonl"),
               "reality.topic_column": "topic", "reality.dim": 8, "reality.topics": 16, "reality.min_docs": 4,
               "reality.max_tokens": 64, "reality.test_per_topic": 100, "vendors.Solo.components": 8,
               "vendors.Solo.temperature": 0.9, "vendors.Solo.retrain_every": 1, "vendors.Solo.train_size": 300,
               "vendors.Solo.publish_per_month": 300, "vendors.Solo.crawler.budget_per_month": 300,
               "vendors.Solo.crawler.lead_months": 6}

ARMS: dict[str, Arm] = {
    "text_replace": Arm("text_closed_loop.yaml", _TEXT, _TEXT_QUICK),
    "text_accumulate": Arm("text_closed_loop.yaml", {**_TEXT, "vendors.Solo.data_policy": "accumulate"},
                           _TEXT_QUICK),
}

_TEXT_HOLDS = ("text_closed_loop.yaml to 2023-12 (12 generations): stdlib docstrings embedded with "
               "all-MiniLM-L6-v2, PCA to 16 dimensions, 50 topics; K_v = 20; tau = 0.95")

CLAIMS: tuple[Claim, ...] = (
    Claim("text_tail_replace",
          "On real text (replace), the rare topics kept (mean of min(Q / P, 1)) change by {effect} over 12 retrains.",
          ("text_replace",), first_to_last("text_replace", "Solo", "tail_kept"),
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
          "On real text, keeping every crawl (accumulate) changes the rare topics kept by {effect} over 12 "
          "retrains.",
          ("text_accumulate",), first_to_last("text_accumulate", "Solo", "tail_kept"),
          "", _TEXT_HOLDS + "; accumulate", ""),
    Claim("text_topics_lost_accumulate",
          "On real text under accumulate, {effect} of the 50 named topics are lost by the 12th retrain.",
          ("text_accumulate",), lambda runs: float(at_retrains(runs["text_accumulate"], "Solo", "topics_lost")[-1]),
          "", _TEXT_HOLDS + "; accumulate", "", digits=1),
)
