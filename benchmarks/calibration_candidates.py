"""Candidate calibrated baselines scored on fresh seeds with the calibration's own distance.

A calibration picks its particle on few seeds, and farm entry makes one seed's page shares move by several
points; before a parameter set becomes the baseline, this scores the candidates on seeds no calibration, pilot,
recheck or ledger uses (3000 on) and prints each one's distance and simulated targets. It chose the baseline of
2026-12-07 (benchmarks/RESULTS.md): web_2024's writers and farms with web_2025's Q&A community.

    python benchmarks/calibration_candidates.py --seeds 10 --workers 2
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import multiprocessing
from pathlib import Path

import numpy as np

from ecosystem.calibration.recheck import _Task
from ecosystem.calibration.settings import load_calibration
from ecosystem.calibration.smc import Standardized

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


def _simulate(job: tuple[str, int]) -> tuple[str, int, dict[str, float]]:
    name, seed = job
    calibration = load_calibration(CALIBRATION)
    labels = [p.label for p in calibration.file.parameters]
    return name, seed, _Task(calibration, dict(zip(labels, CANDIDATES[name], strict=True)))(seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    calibration = load_calibration(CALIBRATION)
    jobs = [(name, seed) for name in CANDIDATES for seed in range(FIRST_SEED, FIRST_SEED + args.seeds)]
    with concurrent.futures.ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(_simulate, jobs))
    observed = {t.key: t.value for t in calibration.targets}
    distance = Standardized(calibration.targets, resolution=calibration.file.resolution,
                            noise=json.loads(NOISE.read_text(encoding="utf-8")), seeds=args.seeds)
    print(f"seeds {FIRST_SEED}-{FIRST_SEED + args.seeds - 1}; published: "
          + ", ".join(f"{key} {value:.3g}" for key, value in observed.items()))
    for name in CANDIDATES:
        runs = [run for candidate, _, run in results if candidate == name]
        mean = {key: float(np.mean([run[key] for run in runs])) for key in observed}
        print(f"{name}: distance {distance(mean, observed):.2f}; "
              + ", ".join(f"{key} {value:.3g}" for key, value in mean.items()))


if __name__ == "__main__":
    main()
