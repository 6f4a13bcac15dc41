"""Time and peak memory of scenarios/baseline.yaml, and the cost of a month early versus late.

Usage: python benchmarks/bench_baseline.py [--seed N]
Prints a Markdown row block to paste into benchmarks/RESULTS.md.

These machines are noisy, so the wall time is also given as a ratio to a fixed reference workload timed in
the same process: scikit-learn's GaussianMixture(30, covariance_type="full", max_iter=50, tol=0,
init_params="random") fitted on 20,000 8-dimensional points with one BLAS thread.

"Equal publication volume": the web grows (more writers, more farms), so a late month publishes
more pages than an early one. The per-month cost is compared per 1,000 new pages, over months in
which no vendor retrains (a refit costs the same whenever it happens: its training set has a fixed
size), in an early window (2023-2025) and a late one (2033-2035).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import time
import warnings
from pathlib import Path

import numpy as np
import polars as pl
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

from ecosystem.experiments.run import simulate
from ecosystem.scenario_files import load_scenario

ROOT = Path(__file__).parents[1]


def reference_seconds() -> float:
    """Wall time of the fixed reference fit (one BLAS thread, as the engine runs)."""
    points = np.random.default_rng(0).normal(size=(20_000, 8))
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # 50 iterations with tol=0 never "converge"
        started = time.perf_counter()
        GaussianMixture(30, covariance_type="full", max_iter=50, tol=0, init_params="random",
                        random_state=0).fit(points)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    reference = reference_seconds()
    stamps = [time.perf_counter()]
    result = simulate(scenario, seed=args.seed, progress=lambda done, total: stamps.append(time.perf_counter()))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    per_month = pl.DataFrame({"step": range(scenario.months), "seconds": np.diff(stamps)},
                             schema={"step": pl.Int32, "seconds": pl.Float64})
    metrics = result.metrics
    new_docs = metrics.filter(pl.col("metric") == "docs_new").select("step", "date", pl.col("value").alias("new"))
    retrain_steps = metrics.filter(pl.col("metric") == "retrained", pl.col("value") > 0)["step"].unique()
    months = per_month.join(new_docs, on="step").filter(~pl.col("step").is_in(retrain_steps.implode()))
    months = months.with_columns((pl.col("seconds") / pl.col("new") * 1000).alias("per_1000"))

    def window(first: int, last: int) -> pl.DataFrame:
        return months.filter(pl.col("date").dt.year().is_between(first, last))

    early, late = window(2023, 2025), window(2033, 2035)
    ratio = late["per_1000"].median() / early["per_1000"].median()
    print(f"| {dt.date.today()} | {platform.processor() or platform.machine()}, {os.cpu_count()} cores "
          f"| {result.wall_seconds:.1f} s | {peak_mib:.0f} MiB "
          f"| {early['seconds'].median() * 1000:.0f} ms ({early['new'].median():.0f} pages) "
          f"| {late['seconds'].median() * 1000:.0f} ms ({late['new'].median():.0f} pages) "
          f"| {early['per_1000'].median() * 1000:.1f} / {late['per_1000'].median() * 1000:.1f} ms "
          f"| {ratio:.2f} | {reference:.1f} s | {result.wall_seconds / reference:.1f} |")


if __name__ == "__main__":
    main()
