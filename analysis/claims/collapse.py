"""Collapse in the closed loop: one vendor retraining on its own crawl of a web only it writes, under each data
policy and temperature."""

from __future__ import annotations

from analysis.claims.measures import first_to_last
from analysis.claims.model import Arm, Claim

CLOSED = {"end": "2025-12"}  # 18 generations of Solo
CLOSED_QUICK = {"end": "2021-12"}
CLOSED_HOLDS = "closed_loop.yaml: one vendor, K_v = 20 components for 30 topics, humans stop when it enters"

ARMS: dict[str, Arm] = {
    "closed_replace": Arm("closed_loop.yaml", CLOSED, CLOSED_QUICK),
    "closed_accumulate": Arm("closed_loop.yaml", {**CLOSED, "vendors.Solo.data_policy": "accumulate"}, CLOSED_QUICK),
    "closed_archive": Arm("closed_loop.yaml", {**CLOSED, "vendors.Solo.data_policy": "archive"}, CLOSED_QUICK),
    "closed_tau1": Arm("closed_loop.yaml", {**CLOSED, "vendors.Solo.temperature": 1.0}, CLOSED_QUICK),
    "closed_tau09": Arm("closed_loop.yaml", {**CLOSED, "vendors.Solo.temperature": 0.9}, CLOSED_QUICK),
}

CLAIMS: tuple[Claim, ...] = (
    Claim("collapse_excess_replace",
          "Retraining only on its own latest crawl (replace), a vendor's excess NLL grows by {effect} over 18 "
          "retrains: collapse emerges from refitting.",
          ("closed_replace",), first_to_last("closed_replace", "Solo", "excess_nll", log10_ratio=True),
          "orders of magnitude (log10 of last / first)", f"{CLOSED_HOLDS}; replace; tau = 0.95; no drift",
          "see the tau = 1 and accumulate entries", direction=+1),
    Claim("collapse_coverage_replace",
          "Under replace the share of topics the model still covers changes by {effect} over 18 retrains.",
          ("closed_replace",), first_to_last("closed_replace", "Solo", "topic_coverage"),
          "(share of topics)", f"{CLOSED_HOLDS}; replace; tau = 0.95", "", direction=-1),
    Claim("collapse_tail_replace",
          "Under replace the rare topics' mass ratio (Q / P inside P's support) changes by {effect} over 18 "
          "retrains.",
          ("closed_replace",), first_to_last("closed_replace", "Solo", "tail_mass_ratio"),
          "", f"{CLOSED_HOLDS}; replace; tau = 0.95",
          "at tau = 1 see collapse_tail_tau1; the collapsed model's few narrow components may sit on rare "
          "topics, so the tail ratio can also rise on a seed", direction=-1),
    Claim("collapse_excess_tau1",
          "Without temperature (tau = 1), excess NLL still grows by {effect} over 18 retrains under replace.",
          ("closed_tau1",), first_to_last("closed_tau1", "Solo", "excess_nll", log10_ratio=True),
          "orders of magnitude (log10 of last / first)", f"{CLOSED_HOLDS}; replace; tau = 1", "", direction=+1),
    Claim("collapse_tail_tau1",
          "At tau = 1 the rare topics' mass ratio changes by {effect} over 18 retrains under replace.",
          ("closed_tau1",), first_to_last("closed_tau1", "Solo", "tail_mass_ratio"),
          "", f"{CLOSED_HOLDS}; replace; tau = 1",
          "with tau = 1 and K_v = K a topic's expected mass is a martingale: tails die only by absorption",
          direction=-1),
    Claim("collapse_tail_tau09",
          "At tau = 0.9 the rare topics' mass ratio changes by {effect} over 18 retrains under replace.",
          ("closed_tau09",), first_to_last("closed_tau09", "Solo", "tail_mass_ratio"),
          "", f"{CLOSED_HOLDS}; replace; tau = 0.9", "", direction=-1),
    Claim("accumulate_excess",
          "Keeping everything ever crawled (accumulate), excess NLL changes by {effect} over 18 retrains, against "
          "its own start.",
          ("closed_accumulate",), first_to_last("closed_accumulate", "Solo", "excess_nll"),
          "nats", f"{CLOSED_HOLDS}; accumulate (subsampled to 1,500); tau = 0.95", ""),
    Claim("accumulate_tail",
          "Under accumulate the rare topics' mass ratio changes by {effect} over 18 retrains.",
          ("closed_accumulate",), first_to_last("closed_accumulate", "Solo", "tail_mass_ratio"),
          "", f"{CLOSED_HOLDS}; accumulate; tau = 0.95",
          "tempered output accumulates in the pool too, so the tail still thins, more slowly than under replace"),
    Claim("archive_excess",
          "Training on half pre-AI archive (archive), excess NLL changes by {effect} over 18 retrains.",
          ("closed_archive",), first_to_last("closed_archive", "Solo", "excess_nll"),
          "nats", f"{CLOSED_HOLDS}; archive share 0.5; tau = 0.95", ""),
)
