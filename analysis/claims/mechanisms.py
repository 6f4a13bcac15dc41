"""Mechanisms the literature names as decisive on the real web (docs/mechanisms.md): a verifier pruning the
training pool, who loses (per-topic), a quality filter in the crawl, human writing displaced by assistants, and
a shared public crawl."""

from __future__ import annotations

import numpy as np

from analysis.claims.calibration import BASELINE_QUICK, DISPLACEMENT_HOLDS
from analysis.claims.collapse import CLOSED, CLOSED_HOLDS, CLOSED_QUICK
from analysis.claims.measures import (
    at_retrains,
    crawlers_window_mean,
    difference,
    excess_gap_last_month,
    excess_gap_last_year,
    first_retrain,
    first_to_last,
    value_at,
    vendors_mean_last,
)
from analysis.claims.model import VENDORS, Arm, Claim, all_vendors

# Verifier pruning: the closed loop with a verifier of each accuracy.
_VERIFIER_ACCURACIES = {"verifier_050": 0.5, "verifier_075": 0.75, "verifier_090": 0.9, "verifier_100": 1.0}
_VERIFIER_HOLDS = f"{CLOSED_HOLDS}; replace; tau = 0.95; the verifier judges every page of the training pool"
_VERIFIER_RUN = ("verifier.yaml: a page is correct when it lies inside reality's support; the verdict is right "
                 "with probability accuracy")

# Who loses: the thresholds of the collapse order.
TAILS_LOST = 3  # topics lost beyond the first model's: a tenth of reality's 30 topics
VARIANCE_GONE = 0.75  # variance ratio below which a quarter of reality's spread is gone

# Quality filtering: every vendor's crawler filtered by a classifier whose reference set is this share model-written.
_QUALITY_END = {"end": "2030-12"}
# Quick runs reach the last token-calibration date (2028-12), small.
_QUALITY_QUICK = {"humans.writers": 40, "end": "2028-12", "reality.test_per_topic": 40, "metrics.model_samples": 1000}
_QUALITY_SHARES = {"quality_model": 1.0, "quality_half": 0.5, "quality_human": 0.0}
_QUALITY_HOLDS = ("quality_filter.yaml to 2030-12: every vendor's crawler keeps the top 30% of the pages a quality "
                  "classifier scores, trained each month on a reference set against the pages it fetched; "
                  "survival averaged over the vendors and 2024-01 to 2026-12")
_AUDIT = "FineWeb 29.3% of AI pages vs 12.8% of human pages (2.3x); DCLM 14.5% vs 1.5% (9.8x) (Russell et al. 2026)"

# A shared public crawl, and the vendors that subscribe to it.
_SUBSCRIBERS = ("Meta", "Mistral", "DeepSeek")
_SHARED_HOLDS = ("shared_crawl.yaml to 2025-06: a snapshot of 6,000 pages every two months, unfiltered; Meta, "
                 "Mistral and DeepSeek train from it beside their own crawls; replace policy, train_size 4,000")

ARMS: dict[str, Arm] = {
    **{arm: Arm("verifier.yaml", {**CLOSED, "vendors.Solo.verifier.accuracy": accuracy}, CLOSED_QUICK)
       for arm, accuracy in _VERIFIER_ACCURACIES.items()},
    "who_closed": Arm("closed_loop.yaml", {**CLOSED, "metrics.per_topic": True}, CLOSED_QUICK),
    "quality_none": Arm("baseline.yaml", _QUALITY_END, _QUALITY_QUICK),
    **{arm: Arm("quality_filter.yaml", {**_QUALITY_END, **all_vendors(**{
        "crawler.filters.quality.model_share": share})}, _QUALITY_QUICK) for arm, share in _QUALITY_SHARES.items()},
    "shared_crawl": Arm("shared_crawl.yaml", {"end": "2025-06"}, BASELINE_QUICK),
}

# ----------------------------------------------------------------------------------------------
# Verifier pruning (Feng et al. 2024)

VERIFIERS: tuple[Claim, ...] = tuple(
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
)

# ----------------------------------------------------------------------------------------------
# Who loses: per-topic metrics, and what goes first

WHO_LOSES: tuple[Claim, ...] = (
    Claim("who_worst_topic_first_model",
          "A closed-loop vendor's first model (trained on human pages) is already worse on its worst-off topic "
          "than on average, by {effect} of excess NLL.",
          ("who_closed",), lambda runs: float(at_retrains(runs["who_closed"], "Solo", "worst_topic_excess_nll")[0]
                                              - at_retrains(runs["who_closed"], "Solo", "excess_nll")[0]),
          "nats", f"{CLOSED_HOLDS}; K_v = 20 components cannot hold 30 topics; average: weighted by P",
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
          "generations (retrains)", f"{CLOSED_HOLDS}; replace; tau = 0.95; a run that never crosses a threshold "
          "counts one generation past its last", "thresholds: 3 topics lost beyond the first model's; variance "
          "ratio below 0.75", direction=+1),
)

# ----------------------------------------------------------------------------------------------
# Quality filtering in the crawl (FineWeb-Edu, DCLM)

QUALITY_FILTER: tuple[Claim, ...] = tuple(
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
    for vendor in VENDORS
)

# ----------------------------------------------------------------------------------------------
# Human output displaced by assistants (del Rio-Chanona et al. 2023)

DISPLACEMENT: tuple[Claim, ...] = (
    Claim("displacement_synthetic_share_2025",
          "Displaced human writing raises the machine-made share of new pages in May 2025 by {effect} against the "
          "same web without displacement.",
          ("displacement", "baseline"),
          difference(value_at("displacement", "web.synthetic_share_new", "2025-05"),
                     value_at("baseline", "web.synthetic_share_new", "2025-05")),
          "(share of new pages)", DISPLACEMENT_HOLDS, "", direction=+1),
)

# ----------------------------------------------------------------------------------------------
# A shared public crawl (a Common Crawl)

SHARED_CRAWL: tuple[Claim, ...] = (
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
          ("shared_crawl", "baseline"), excess_gap_last_month("shared_crawl", "baseline", _SUBSCRIBERS),
          "nats (mean over the three subscribers)", _SHARED_HOLDS, ""),
)
