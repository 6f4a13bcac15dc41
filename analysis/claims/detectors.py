"""Detectors: whether an AI-text detector wrongly flags human pages on common topics more than on rare ones."""

from __future__ import annotations

from analysis.claims.measures import fpr_gap
from analysis.claims.model import Arm, Claim, all_vendors

_DETECTOR_END = {"end": "2026-06"}
_DETECTOR_QUICK = {"humans.writers": 60, "reality.test_per_topic": 40, "metrics.model_samples": 1000,
                   "end": "2024-06"}

ARMS: dict[str, Arm] = {
    "detector_cold": Arm("policies/detector_filtering.yaml", {**_DETECTOR_END, **all_vendors(temperature=0.5)},
                         _DETECTOR_QUICK),
    "detector_warm": Arm("policies/detector_filtering.yaml", {**_DETECTOR_END, **all_vendors(temperature=0.9)},
                         _DETECTOR_QUICK),
}

CLAIMS: tuple[Claim, ...] = (
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
)
