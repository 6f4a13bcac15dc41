"""Science oracles of the core engine: collapse emerges from refitting, and data policy matters.

These run the real scenarios (shortened), over several seeds, and assert the claims the README makes.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from ecosystem.config import load_scenario
from ecosystem.experiments.run import simulate

SCENARIOS = Path(__file__).parents[1] / "scenarios"
SEEDS = range(5)
CLOSED_LOOP = {"end": "2025-12"}  # 16 generations after the vendor enters
FIRST_MOVER = {"end": "2028-01", "humans.writers": 150, "reality.test_per_topic": 100,
               "metrics.model_samples": 1500}


def vendor_series(scenario: str, overrides: dict, seed: int, vendor: str) -> pl.DataFrame:
    """One vendor's metrics at each of its retrainings, one row per generation."""
    result = simulate(load_scenario(SCENARIOS / scenario, overrides=overrides), seed=seed)
    rows = result.metrics.filter(pl.col("kind") == "vendor", pl.col("entity") == vendor)
    wide = rows.pivot(on="metric", index="step", values="value").sort("step")
    return wide.filter(pl.col("retrained") == 1.0)


def _closed_loop(args: tuple[str, int]) -> pl.DataFrame:
    policy, seed = args
    return vendor_series("closed_loop.yaml", {**CLOSED_LOOP, "vendors.Solo.data_policy": policy}, seed, "Solo")


def _first_mover_at_entry(seed: int) -> tuple[float, float]:
    result = simulate(load_scenario(SCENARIOS / "first_mover.yaml", overrides=FIRST_MOVER), seed=seed)
    first = result.metrics.filter(pl.col("metric") == "excess_nll", pl.col("entity") == "FirstMover")
    late = result.metrics.filter(pl.col("metric") == "excess_nll", pl.col("entity") == "LateEntrant")
    return float(first.sort("step")["value"][0]), float(late.sort("step")["value"][0])


def _parallel(fn, items):
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("forkserver")) as pool:
        return list(pool.map(fn, items))


@pytest.fixture(scope="module")
def closed_loop_runs() -> dict[str, list[pl.DataFrame]]:
    policies = ["replace", "accumulate", "archive"]
    jobs = [(policy, seed) for policy in policies for seed in SEEDS]
    series = _parallel(_closed_loop, jobs)
    return {policy: [s for (p, _), s in zip(jobs, series, strict=True) if p == policy] for policy in policies}


def test_replace_collapses_on_every_seed(closed_loop_runs):
    for run in closed_loop_runs["replace"]:
        excess, tail = run["excess_nll"].to_numpy(), run["tail_mass_ratio"].to_numpy()
        generations = np.arange(len(run))
        assert len(run) >= 12
        assert excess[-1] > 5 * excess[0]
        assert tail[-1] < 0.7 * tail[0]
        # A trend across successive retrains, not two lucky end points.
        assert np.corrcoef(generations, excess)[0, 1] > 0.8
        assert np.corrcoef(generations, tail)[0, 1] < -0.5
        assert run["train_synthetic_share"][-1] == 1.0


@pytest.mark.parametrize("policy", ["accumulate", "archive"])
def test_keeping_human_data_degrades_clearly_less(closed_loop_runs, policy):
    for replaced, kept in zip(closed_loop_runs["replace"], closed_loop_runs[policy], strict=True):
        rise_replace = replaced["excess_nll"][-1] - replaced["excess_nll"][0]
        rise_kept = kept["excess_nll"][-1] - kept["excess_nll"][0]
        assert rise_kept < 0.1 * rise_replace
        assert kept["topic_coverage"][-1] > replaced["topic_coverage"][-1]


def test_late_entrant_is_worse_than_the_first_mover_was_at_the_same_age():
    pairs = _parallel(_first_mover_at_entry, SEEDS)
    first, late = np.array(pairs).T
    assert np.all(late > first), f"first mover {first}, late entrant {late}"
