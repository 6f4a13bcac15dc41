"""Measure the first mover's edge over seeds: scenarios/first_mover.yaml through the batch executors.

Prints one Markdown table: per outcome and age, the mean over seeds and its 95% t-interval, where
``excess_nll_gap`` is the late entrant's excess NLL minus the first mover's at equal age (months since
each entered) and ``market_share_gap`` the first mover's user share minus the late entrant's in the
month the late entrant is that old. Finished runs are kept in ``--out``; a rerun resumes.

    python benchmarks/first_mover_edge.py --seeds 10 --end 2031-12 --workers 2
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from analysis.first_mover import measure_first_mover
from ecosystem.config import load_scenario
from ecosystem.experiments.executors import choose_executor

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=REPO / "scenarios" / "first_mover.yaml")
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0 .. N-1")
    parser.add_argument("--end", default="2031-12", help="last simulated month (late entrant 36 months old)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("results") / "first_mover_edge")
    args = parser.parse_args()

    scenario = load_scenario(args.scenario, overrides={"end": args.end})
    started = time.perf_counter()
    with choose_executor(workers=args.workers) as executor:
        table = measure_first_mover(scenario, seeds=range(args.seeds), folder=args.out, executor=executor,
                                    early="FirstMover", late="LateEntrant")
    minutes = (time.perf_counter() - started) / 60
    print(f"{scenario.name}, seeds 0-{args.seeds - 1}, end {args.end}, {args.workers} workers, {minutes:.1f} min\n")
    print("| outcome | age (months) | seeds | mean | 95% CI |")
    print("|---|---|---|---|---|")
    for outcome, age, n, mean, low, high in table.iter_rows():
        print(f"| {outcome} | {age} | {n} | {mean:+.3f} | [{low:+.3f}, {high:+.3f}] |")


if __name__ == "__main__":
    main()
