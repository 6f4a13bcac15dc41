"""The baseline at growing volume: time, peak memory and pages at each rung of a scale ladder.

    python benchmarks/scale_ladder.py --scales 1,4,16 [--seed 0] [--end 2035-12]

At scale k, everything that sets the web's volume is multiplied by k together: writers, farm output (with
the farms' search visits and fixed cost, so a farm's economics and the number of farms stay as they were),
the vendors' crawl budgets, training sets and own publishing. Reality, the scoring sets and the schedule do
not change, so the findings are comparable from rung to rung. Each rung runs in a fresh process, so its
peak memory is its own. Prints a Markdown table for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def scaled(k: float, scenario) -> dict[str, object]:
    """Overrides that multiply the baseline's volume by ``k``."""
    overrides: dict[str, object] = {
        "humans.writers": round(scenario.humans.writers * k),
        "farms.docs_per_month": round(scenario.farms.docs_per_month * k),
        "farms.visits_per_month": scenario.farms.visits_per_month * k,
        "farms.fixed_cost": scenario.farms.fixed_cost * k,
    }
    for vendor in scenario.vendors:
        prefix = f"vendors.{vendor.name}"
        overrides[f"{prefix}.crawler.budget_per_month"] = round(vendor.crawler.budget_per_month * k)
        if vendor.train_size is not None:  # None: everything crawled
            overrides[f"{prefix}.train_size"] = round(vendor.train_size * k)
        overrides[f"{prefix}.publish_per_month"] = round(vendor.publish_per_month * k)
    return overrides


def rung(k: float, seed: int, end: str) -> dict[str, object]:
    """One rung, in this process."""
    import polars as pl

    from ecosystem.config import load_scenario
    from ecosystem.experiments.run import simulate

    base = load_scenario(BASELINE)
    scenario = load_scenario(BASELINE, overrides={**scaled(k, base), "end": end})
    started = time.perf_counter()
    result = simulate(scenario, seed=seed)
    seconds = time.perf_counter() - started
    web = result.metrics.filter(pl.col("kind") == "web")
    pages = web.filter(pl.col("metric") == "docs").sort("step")["value"][-1]
    excess = result.metrics.filter(pl.col("metric") == "excess_nll", pl.col("step") == result.metrics["step"].max())
    return {"scale": k, "seconds": seconds, "pages": int(pages), "months": scenario.months,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "excess_nll_end": float(excess["value"].mean())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,4,16")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--end", default="2035-12")
    parser.add_argument("--rung", type=float, help=argparse.SUPPRESS)  # internal: run one rung and print JSON
    args = parser.parse_args()
    if args.rung is not None:
        print(json.dumps(rung(args.rung, args.seed, args.end)))
        return
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores. Date: {dt.date.today()}. Seed {args.seed}, "
          f"to {args.end}.\n")
    print("| scale | pages at the end | wall time | peak RSS | time per 1,000 pages | mean excess NLL at the end |")
    print("|---:|---:|---:|---:|---:|---:|")
    for k in (float(x) for x in args.scales.split(",")):
        out = subprocess.run([sys.executable, __file__, "--rung", str(k), "--seed", str(args.seed), "--end", args.end],
                             capture_output=True, text=True, check=True)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {k:g}x | {row['pages']:,} | {row['seconds']:.1f} s | {row['peak_mib']:,.0f} MiB | "
              f"{row['seconds'] / row['pages'] * 1000 * 1000:.1f} ms | {row['excess_nll_end']:.3f} |", flush=True)


if __name__ == "__main__":
    main()
