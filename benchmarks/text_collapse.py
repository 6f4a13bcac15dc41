"""Which named topics the text closed loop loses, and in what order, over seeds (the docs' numbers).

    python benchmarks/text_collapse.py --seeds 3 --end 2023-12

For each seed and data policy: the tail-mass ratio and topic coverage at the first and last retraining,
the number of topics lost (under a tenth of their mass in reality), the topics lost at the earliest loss
date with their rank in the corpus (0 = the module with most docstrings, 49 = the fewest), and the rank
correlation between a topic's weight and how long it survived (never lost: beyond the end): positive
when rare topics go first.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import polars as pl
from scipy.stats import spearmanr

from analysis.topics import topic_losses
from ecosystem.experiments.reading import simulate_topics
from ecosystem.scenario_files import load_scenario

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "text_closed_loop.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--end", default="2023-12")
    parser.add_argument("--policies", default="replace,accumulate")
    args = parser.parse_args()
    for policy in args.policies.split(","):
        for seed in range(args.seeds):
            scenario = load_scenario(SCENARIO, overrides={"end": args.end, "vendors.Solo.data_policy": policy})
            model, history = simulate_topics(scenario, vendor="Solo", seed=seed)
            rows = model.recorder.to_frame().filter(pl.col("entity") == "Solo", pl.col("metric") == "retrained",
                                                    pl.col("value") == 1.0)["step"]
            metrics = model.recorder.to_frame().filter(pl.col("entity") == "Solo", pl.col("step").is_in(rows.to_list()))
            start, end = rows.min(), rows.max()

            rank = {name: i for i, name in enumerate(history.names)}
            lost = topic_losses(history)
            survived = np.full(len(history.names), len(history.dates), dtype=float)
            for t in lost:
                survived[rank[t.name]] = history.dates.index(t.lost_on)
            rho = spearmanr(history.weights, survived).statistic if lost else float("nan")
            first = [t for t in lost if t.lost_on == lost[0].lost_on] if lost else []
            named = ", ".join(f"{t.name} (rank {rank[t.name]})" for t in first)
            when = f" in {first[0].lost_on:%Y-%m}" if first else ""
            tail = [_value(metrics, "tail_mass_ratio", step) for step in (start, end)]
            coverage = [_value(metrics, "topic_coverage", step) for step in (start, end)]
            print(f"{policy} seed {seed}: tail-mass ratio {tail[0]:.2f} -> {tail[1]:.2f}, coverage {coverage[0]:.2f}"
                  f" -> {coverage[1]:.2f}, {len(lost)} of {len(history.names)} topics lost; first{when}: {named}; "
                  f"Spearman(weight, survival) {rho:.2f}", flush=True)


def _value(metrics: pl.DataFrame, name: str, step: int) -> float:
    return float(metrics.filter(pl.col("metric") == name, pl.col("step") == step)["value"][0])


if __name__ == "__main__":
    main()
