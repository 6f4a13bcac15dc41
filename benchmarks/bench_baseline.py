"""Time and peak memory of scenarios/baseline.yaml, and the cost of a month early versus late.

Usage: python benchmarks/bench_baseline.py [--seed N] [--process]
Prints a Markdown table (header and one row) to paste into benchmarks/RESULTS.md. With ``--process`` it then
times the whole command a user runs, ``ecosim run scenarios/baseline.yaml`` (imports, run, results folder, and
figures unless ``--no-figures``), as CPU seconds of the child process (``getrusage(RUSAGE_CHILDREN)``).

Every time is CPU time of this process (``time.process_time``: user + system, all its threads), not wall
time: the machines are shared, and another job on the cores stretches the wall clock but not the CPU
seconds the run itself uses. The wall time is printed beside it for reference.

CPU time still drifts with the machine's state (frequency, caches shared with other jobs), so the run is
also given as a ratio to a fixed reference workload timed in the same process, once before the run and
once after it (reference, run, reference), and divided by the mean of the two: scikit-learn's
GaussianMixture(30, covariance_type="full", max_iter=50, tol=0, init_params="random") fitted on 20,000
8-dimensional points with one BLAS thread. Both reference times are printed; if they differ much, the
machine changed during the run and the ratio is less trustworthy.

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
import subprocess
import sys
import tempfile
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
    """CPU time of the fixed reference fit (one BLAS thread, as the engine runs)."""
    points = np.random.default_rng(0).normal(size=(20_000, 8))
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # 50 iterations with tol=0 never "converge"
        started = time.process_time()
        GaussianMixture(30, covariance_type="full", max_iter=50, tol=0, init_params="random",
                        random_state=0).fit(points)
        return time.process_time() - started


def process_seconds(*options: str, seed: int) -> float:
    """CPU time (user + system) of one ``ecosim run`` of the baseline in a child process, into a scratch folder."""
    ecosim = Path(sys.executable).parent / "ecosim"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run([str(ecosim), "run", str(ROOT / "scenarios" / "baseline.yaml"), "--seed", str(seed),
                        "--out", str(Path(scratch) / "baseline"), *options], check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--process", action="store_true", help="also time the whole `ecosim run` process")
    args = parser.parse_args()
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    reference_before = reference_seconds()
    stamps = [time.process_time()]
    wall_started = time.perf_counter()
    result = simulate(scenario, seed=args.seed, progress=lambda done, total: stamps.append(time.process_time()))
    cpu_seconds = time.process_time() - stamps[0]
    wall_seconds = time.perf_counter() - wall_started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the second reference fit
    reference_after = reference_seconds()
    reference = (reference_before + reference_after) / 2
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
    print("| date | machine | CPU time (wall) | peak RSS | early month (median CPU) | late month (median CPU) "
          "| per 1,000 new pages, early / late | late / early | reference fit before / after (CPU) "
          "| baseline / mean reference |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {dt.date.today()} | {platform.processor() or platform.machine()}, {os.cpu_count()} cores "
          f"| {cpu_seconds:.1f} s ({wall_seconds:.1f} s) | {peak_mib:.0f} MiB "
          f"| {early['seconds'].median() * 1000:.0f} ms ({early['new'].median():.0f} pages) "
          f"| {late['seconds'].median() * 1000:.0f} ms ({late['new'].median():.0f} pages) "
          f"| {early['per_1000'].median() * 1000:.1f} / {late['per_1000'].median() * 1000:.1f} ms "
          f"| {ratio:.2f} | {reference_before:.2f} / {reference_after:.2f} s | {cpu_seconds / reference:.2f} |")
    if args.process:
        with_figures, without = process_seconds(seed=args.seed), process_seconds("--no-figures", seed=args.seed)
        print(f"\nWhole process, `ecosim run scenarios/baseline.yaml --seed {args.seed}`: {with_figures:.1f} s CPU "
              f"with its figures, {without:.1f} s with --no-figures")


if __name__ == "__main__":
    main()
