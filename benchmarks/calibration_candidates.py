"""Candidate calibrated baselines scored on fresh seeds with the calibration's own distance.

A calibration picks its particle on few seeds, and farm entry makes one seed's page shares move by several
points; before a parameter set becomes the baseline, this scores the candidates on seeds no calibration, pilot,
recheck or ledger uses (3000 on, or from ``--first-seed``) and prints each one's distance and simulated targets (published in brackets).
Candidates may come from different calibrations of the same targets; all are scored with one noise estimate.
The choices it made are in benchmarks/RESULTS.md.

    python benchmarks/calibration_candidates.py --seeds 10 --workers 2 --candidate web_2026.yaml 0.5 500 ...
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ecosystem.calibration.recheck import calibration_distance, mean_statistics
from ecosystem.calibration.settings import load_calibration
from ecosystem.calibration.smc import SamplerChoice

REPO = Path(__file__).resolve().parents[1]
CALIBRATIONS = REPO / "scenarios" / "calibration"
NOISE = REPO / "data" / "calibration" / "web_2026" / "noise.json"  # one noise for all: the same distance
FIRST_SEED = 3000
# Each candidate: a calibration file and its parameters' values, in the file's order. web_2025's: assisted_share,
# human_edit, human_edit_concentration, farms.docs_per_month, qa immediate, qa with_adoption, qa
# community_elasticity. web_2026's: other share, tokens_mean, innovation, assisted_share; the article writers'
# innovation, assisted_share and human_edit; farms' docs_per_month and candidates_per_month; the crawl's fresh share.
# web_2027's: other share, tokens_mean, innovation, imitation, assisted_share, human_edit; the article writers'
# innovation, assisted_share and human_edit; the crawl's fresh share. Every file's base is the baseline as it is
# now, so a baseline before it is not a candidate here; the comparisons made are in benchmarks/RESULTS.md.
CANDIDATES = {
    "web_2027's particle 16 (the baseline)":
        ("web_2027.yaml", [0.2304, 694, 0.000207, 0.1269, 0.6686, 0.243, 0.01517, 0.8086, 0.6074, 0.0712]),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=FIRST_SEED,
                        help="first of the seeds (a set not used to choose the candidates, to avoid a winner's curse)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--candidate", nargs="+", action="append", default=[], metavar=("FILE", "VALUE"),
                        help="one more candidate: a calibration file in scenarios/calibration and its values")
    args = parser.parse_args()
    candidates = dict(CANDIDATES)
    for file, *values in args.candidate:
        candidates[f"{file} {' '.join(values)}"] = (file, [float(value) for value in values])
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    noise = json.loads(NOISE.read_text(encoding="utf-8"))
    print(f"seeds {seeds[0]}-{seeds[-1]}")
    for file in dict.fromkeys(file for file, _ in candidates.values()):  # each file once, its candidates together
        names = [name for name, (of, _) in candidates.items() if of == file]
        calibration = load_calibration(CALIBRATIONS / file)
        labels = [p.label for p in calibration.file.parameters]
        means = mean_statistics(calibration, [dict(zip(labels, candidates[name][1], strict=True)) for name in names],
                                seeds, SamplerChoice(workers=args.workers))
        observed = {t.key: t.value for t in calibration.targets}
        score = calibration_distance(calibration, noise, args.seeds)
        for name, mean in zip(names, means, strict=True):
            print(f"{name}: distance {score(mean, observed):.2f}; "
                  + ", ".join(f"{key} {value:.3g} ({observed[key]:.3g})" for key, value in mean.items()))

if __name__ == "__main__":
    main()
