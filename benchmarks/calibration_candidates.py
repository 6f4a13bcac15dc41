"""Candidate calibrated baselines scored on fresh seeds with the calibration's own distance.

A calibration picks its particle on few seeds, and farm entry makes one seed's page shares move by several
points; before a parameter set becomes the baseline, this scores the candidates on seeds no calibration, pilot,
recheck or ledger uses (3000 on) and prints each one's distance and simulated targets. It chose the baseline of
2026-12-07 (benchmarks/RESULTS.md): web_2024's writers and farms with web_2025's Q&A community.

    python benchmarks/calibration_candidates.py --seeds 10 --workers 2
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ecosystem.calibration.recheck import calibration_distance, mean_statistics
from ecosystem.calibration.settings import load_calibration
from ecosystem.calibration.smc import SamplerChoice

REPO = Path(__file__).resolve().parents[1]
CALIBRATION = REPO / "scenarios" / "calibration" / "web_2025.yaml"
NOISE = REPO / "data" / "calibration" / "web_2025" / "noise.json"
FIRST_SEED = 3000
# web_2025's parameters, in its file's order: assisted_share, human_edit, human_edit_concentration,
# farms.docs_per_month, qa immediate, qa with_adoption, qa community_elasticity
CANDIDATES = {
    "web_2024 (its closest particle; no network effect)": [0.829, 0.759, 2.0, 57, 0.322, 0.600, 0.0],
    "web_2025 (its rechecked particle)": [0.62152, 0.54920, 4.98, 46, 0.19960, 0.82170, 0.29710],
    "web_2024's writers and farms, web_2025's Q&A community": [0.829, 0.759, 2.0, 57, 0.19960, 0.82170, 0.29710],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    calibration = load_calibration(CALIBRATION)
    labels = [p.label for p in calibration.file.parameters]
    seeds = list(range(FIRST_SEED, FIRST_SEED + args.seeds))
    means = mean_statistics(calibration, [dict(zip(labels, values, strict=True)) for values in CANDIDATES.values()],
                            seeds, SamplerChoice(workers=args.workers))
    observed = {t.key: t.value for t in calibration.targets}
    score = calibration_distance(calibration, json.loads(NOISE.read_text(encoding="utf-8")), args.seeds)
    print(f"seeds {seeds[0]}-{seeds[-1]}; published: "
          + ", ".join(f"{key} {value:.3g}" for key, value in observed.items()))
    for name, mean in zip(CANDIDATES, means, strict=True):
        print(f"{name}: distance {score(mean, observed):.2f}; "
              + ", ".join(f"{key} {value:.3g}" for key, value in mean.items()))


if __name__ == "__main__":
    main()
