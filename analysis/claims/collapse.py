"""Collapse in the closed loop: one vendor retraining on its own crawl of a web only it writes, under each data
policy and temperature."""

from __future__ import annotations

from analysis.claims.measures import difference, first_to_last, rare_minus_common_loss
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
    # The counterfactual: the temperature's |Sigma| factor rewards components narrow by chance (docs/science.md).
    "closed_exact": Arm("closed_loop.yaml", {**CLOSED, "vendors.Solo.tempering": "exact"}, CLOSED_QUICK),
}
TAIL_KEPT = "the rare topics kept (mean over them of min(Q / P, 1), mass inside P's support)"
RARE_VS_COMMON = ("the share of their kept mass the rare topics lose from the first model to the last exceeds the "
                  "common topics' share by")
_RELATIVE = "(share of the first model's kept mass, rare minus common)"
_NOT_RAW = "the first model already keeps less of the rare topics (K_v < K): losses count from it"

CLAIMS: tuple[Claim, ...] = (
    Claim("collapse_excess_replace",
          "Retraining only on its own latest crawl (replace), a vendor's excess NLL grows by {effect} over 18 "
          "retrains: collapse emerges from refitting.",
          ("closed_replace",), first_to_last("closed_replace", "Solo", "excess_nll", log10_ratio=True),
          "orders of magnitude (log10 of last / first)",
          f"{CLOSED_HOLDS}; replace; tau = 0.95 on the weights; no drift",
          "see the tau = 1 and accumulate entries", direction=+1),
    Claim("collapse_coverage_replace",
          "Under replace the share of topics the model still covers changes by {effect} over 18 retrains.",
          ("closed_replace",), first_to_last("closed_replace", "Solo", "topic_coverage"),
          "(share of topics)", f"{CLOSED_HOLDS}; replace; tau = 0.95", "", direction=-1),
    Claim("collapse_tail_replace",
          f"Under replace {TAIL_KEPT} changes by {{effect}} over 18 retrains.",
          ("closed_replace",), first_to_last("closed_replace", "Solo", "tail_kept"),
          "", f"{CLOSED_HOLDS}; replace; tau = 0.95 on the weights",
          "at tau = 1 see collapse_tail_tau1; the pooled tail_mass_ratio can rise when one narrow component "
          "lands on a rare topic, which this capped measure does not reward", direction=-1),
    Claim("collapse_rare_vs_common",
          f"Rare topics fade first: under replace {RARE_VS_COMMON} {{effect}} over 18 retrains.",
          ("closed_replace",), rare_minus_common_loss("closed_replace", "Solo"),
          _RELATIVE, f"{CLOSED_HOLDS}; replace; tau = 0.95 on the weights", _NOT_RAW, direction=+1),
    Claim("collapse_rare_vs_common_tau1",
          f"At tau = 1 {RARE_VS_COMMON} {{effect}} over 18 retrains under replace.",
          ("closed_tau1",), rare_minus_common_loss("closed_tau1", "Solo"),
          _RELATIVE, f"{CLOSED_HOLDS}; replace; tau = 1", _NOT_RAW, direction=+1),
    Claim("collapse_tempering_exact",
          "With the exact per-component temperature (weights times |Sigma_k|^((1 - 1/tau)/2)) the rare topics' "
          "extra loss changes by {effect} against temperature on the weights alone: a rare topic's component "
          "is fitted from ~20 points, narrow by chance, and that factor hands it mass, an artefact of small "
          "samples.",
          ("closed_exact", "closed_replace"),
          difference(rare_minus_common_loss("closed_exact", "Solo"), rare_minus_common_loss("closed_replace", "Solo")),
          _RELATIVE, f"{CLOSED_HOLDS}; replace; tau = 0.95, tempering exact against weights (same seeds)",
          "the exact formula is exact for one fitted mixture; the artefact is in what it does to small-sample "
          "fits over generations", direction=-1),
    Claim("collapse_excess_tau1",
          "Without temperature (tau = 1), excess NLL still grows by {effect} over 18 retrains under replace.",
          ("closed_tau1",), first_to_last("closed_tau1", "Solo", "excess_nll", log10_ratio=True),
          "orders of magnitude (log10 of last / first)", f"{CLOSED_HOLDS}; replace; tau = 1", "", direction=+1),
    Claim("collapse_tail_tau1",
          f"At tau = 1 {TAIL_KEPT} changes by {{effect}} over 18 retrains under replace.",
          ("closed_tau1",), first_to_last("closed_tau1", "Solo", "tail_kept"),
          "", f"{CLOSED_HOLDS}; replace; tau = 1",
          "with tau = 1 and K_v = K a topic's expected mass is a martingale: tails die only by absorption",
          direction=-1),
    Claim("collapse_tail_tau09",
          f"At tau = 0.9 {TAIL_KEPT} changes by {{effect}} over 18 retrains under replace.",
          ("closed_tau09",), first_to_last("closed_tau09", "Solo", "tail_kept"),
          "", f"{CLOSED_HOLDS}; replace; tau = 0.9", "", direction=-1),
    Claim("accumulate_excess",
          "Keeping everything ever crawled (accumulate), excess NLL changes by {effect} over 18 retrains, against "
          "its own start.",
          ("closed_accumulate",), first_to_last("closed_accumulate", "Solo", "excess_nll"),
          "nats", f"{CLOSED_HOLDS}; accumulate (subsampled to 1,500); tau = 0.95", ""),
    Claim("accumulate_tail",
          f"Under accumulate {TAIL_KEPT} changes by {{effect}} over 18 retrains.",
          ("closed_accumulate",), first_to_last("closed_accumulate", "Solo", "tail_kept"),
          "", f"{CLOSED_HOLDS}; accumulate; tau = 0.95",
          "tempered output accumulates in the pool too, so the tail still thins, more slowly than under replace"),
    Claim("archive_excess",
          "Training on half pre-AI archive (archive), excess NLL changes by {effect} over 18 retrains.",
          ("closed_archive",), first_to_last("closed_archive", "Solo", "excess_nll"),
          "nats", f"{CLOSED_HOLDS}; archive share 0.5; tau = 0.95", ""),
)
