"""How far a baseline run is from its arithmetic floor: the CPU time its estimators' arithmetic alone would take.

Usage: python benchmarks/arithmetic_floor.py [--seed N] [--end YYYY-MM]
Prints a Markdown table to paste into benchmarks/RESULTS.md (issue 26).

The run is counted as it happens (wrappers count the shapes each step works on; they add no arithmetic):

- EM, per refit: every E step (the quadratic forms vec(P) . vec(x x') as a (K, d*d) x (d*d, n) product and the
  cross terms (K, d) x (d, n)), every M step (the responsibilities times the pairwise products and the points),
  and the k-means start (k-means++: 2 + log K candidate distances per centre; Lloyd: K distances per point
  an iteration, the iterations scikit-learn's loop reports);
- scoring: every block of mixture densities a scoring evaluates (the test set under Q, Q's integration points
  under P, P's own test set when topics change), the same two products;
- exp calls: one per component and point of every log-sum-exp, and the M step's exp of the responsibilities.

A multiply-add counts 2 FLOPs. The floor is FLOPs at the GFLOP/s one numpy thread reaches on the run's own
product shapes (measured here, best of several), plus exp calls at the measured rate of ``np.exp``. Everything
else a run does (writers, farms, crawls, the web, metrics) has no floor here: the distance includes it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time
from collections import Counter
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from ecosystem.experiments.run import simulate
from ecosystem.learning import em, kmeans, scoring
from ecosystem.learning.mixture import Mixture
from ecosystem.scenario_files import load_scenario

ROOT = Path(__file__).parents[1]


class Counts:
    """FLOPs and exp calls by part, and the product shapes they came from."""

    def __init__(self) -> None:
        self.flops: Counter[str] = Counter()
        self.exps: Counter[str] = Counter()
        self.shapes: Counter[tuple[int, int, int]] = Counter()
        self.scoring_depth = 0

    def product(self, part: str, k: int, d: int, n: int) -> None:
        """The two products of a density block or an M step: (k, d*d) x (d*d, n) and (k, d) x (d, n)."""
        self.flops[part] += 2 * k * d * d * n + 2 * k * d * n
        self.shapes[(k, d * d, n)] += 1


def instrument(counts: Counts) -> None:
    """Wrap the estimators' steps so that each counts its arithmetic before doing it."""
    gm = em.BatchedGaussianMixture

    def wrap(owner, name, count):
        original = getattr(owner, name)

        def counted(*args, **kwargs):
            count(*args, **kwargs)
            return original(*args, **kwargs)

        setattr(owner, name, counted)

    def e_step(self, X, xp=None):
        k, (n, d) = self.n_components, X.shape
        counts.product("EM", k, d, n)
        counts.exps["EM"] += k * n

    def m_step(self, X, log_resp, xp=None):
        counts.exps["EM"] += log_resp.size

    def fit_components(self, X, resp):
        counts.product("EM", len(resp), X.shape[1], len(X))

    def density_block(self, X, *, with_weights):
        part = "scoring" if counts.scoring_depth else "other mixture work"
        counts.product(part, self.n_components, X.shape[1], len(X))
        counts.exps[part] += self.n_components * len(X)  # each block feeds a log-sum-exp (or a softmax)

    wrap(gm, "_estimate_log_prob_resp", e_step)
    wrap(gm, "_m_step", m_step)
    wrap(gm, "_fit_components", fit_components)
    wrap(Mixture, "_block_log_densities", density_block)

    def plus_plus(X, n_clusters, *args):
        n, d = X.shape
        trials = 2 + int(np.log(n_clusters))
        counts.flops["EM"] += 2 * n * d * (1 + (n_clusters - 1) * trials)

    wrap(kmeans, "_plus_plus", plus_plus)
    lloyd = kmeans._kmeans_single_lloyd

    def counted_lloyd(X, weights, centers, **kwargs):
        out = lloyd(X, weights, centers, **kwargs)
        n, d = X.shape
        counts.flops["EM"] += (out[3] + 1) * (2 * n * d * len(centers) + n * d)  # distances, centre sums
        return out

    kmeans._kmeans_single_lloyd = counted_lloyd
    for name in ("score", "_prepare"):
        original = getattr(scoring.RealityScorer, name)

        def scored(*args, _original=original, **kwargs):
            counts.scoring_depth += 1
            try:
                return _original(*args, **kwargs)
            finally:
                counts.scoring_depth -= 1

        setattr(scoring.RealityScorer, name, scored)


def best_seconds(work, repeats: int = 7, inner: int = 20) -> float:
    """The fastest of several timings (CPU time) of ``inner`` calls, per call: the floor, not the average."""
    best = np.inf
    for _ in range(repeats):
        started = time.process_time()
        for _ in range(inner):
            work()
        best = min(best, (time.process_time() - started) / inner)
    return best


def gflops(shape: tuple[int, int, int]) -> float:
    k, inner, n = shape
    rng = np.random.default_rng(0)
    a, b, out = rng.normal(size=(k, inner)), rng.normal(size=(inner, n)), np.empty((k, n))
    return 2 * k * inner * n / best_seconds(lambda: np.matmul(a, b, out=out)) / 1e9


def exp_rate() -> float:
    values = np.random.default_rng(0).uniform(-60, 0, size=(40, 10_240))  # shifted log-densities, as exp sees
    out = np.empty_like(values)
    return values.size / best_seconds(lambda: np.exp(values, out=out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--end", default=None, help="last month (YYYY-MM); default the scenario's")
    args = parser.parse_args()
    overrides = {"end": args.end} if args.end else None
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml", overrides=overrides)
    counts = Counts()
    instrument(counts)
    started = time.process_time()
    simulate(scenario, seed=args.seed)
    run_seconds = time.process_time() - started
    with threadpool_limits(limits=1):
        # the run's rate: the shapes weighted by their FLOPs (the three most frequent cover nearly all of them)
        common = [shape for shape, _ in counts.shapes.most_common(3)]
        rates = {shape: gflops(shape) for shape in common}
        weights = np.array([2 * np.prod(shape) * counts.shapes[shape] for shape in common], dtype=float)
        rate = float(np.average(list(rates.values()), weights=weights))
        exps_per_second = exp_rate()
    parts = ("EM", "scoring")
    floor = {p: counts.flops[p] / (rate * 1e9) + counts.exps[p] / exps_per_second for p in parts}
    total_floor = sum(floor.values())
    print(f"one numpy thread: {', '.join(f'{k}x{i} @ {i}x{n}: {r:.1f}' for (k, i, n), r in rates.items())} GFLOP/s "
          f"(FLOP-weighted {rate:.1f}); np.exp {exps_per_second / 1e6:.0f} M/s")
    print("| date | machine | seed, end | EM: GFLOP, M exp, floor | scoring: GFLOP, M exp, floor "
          "| floor | run (CPU) | run / floor |")
    print("|---|---|---|---|---|---|---|---|")
    cells = " | ".join(f"{counts.flops[p] / 1e9:.1f}, {counts.exps[p] / 1e6:.0f}, {floor[p]:.2f} s" for p in parts)
    print(f"| {dt.date.today()} | {platform.machine()}, {os.cpu_count()} cores | {args.seed}, {scenario.end:%Y-%m} "
          f"| {cells} | {total_floor:.2f} s | {run_seconds:.2f} s | {run_seconds / total_floor:.1f} |")
    other = "other mixture work"
    print(f"(not in the floor: {other} {counts.flops[other] / 1e9:.1f} GFLOP, {counts.exps[other] / 1e6:.0f} M exp: "
          "renditions and the like)")


if __name__ == "__main__":
    main()
