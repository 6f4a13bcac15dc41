"""One headline number per published experiment, with its 95% interval over seeds, for the claims ledger.

Each seed is a whole replicate of the experiment: ``run_experiment(name, seed=s, ...)`` runs its own
independent chains, and their mean at the last generation is one draw of the simulated value. The
interval is a Student t interval over those per-seed values, so it says how well the given seeds pin
the expectation down, and ``theory`` is the exact expectation the tests check at other seeds. Sizes are
fixed here (the ledger states them as conditions) and chosen so that 20 seeds run in well under 20 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from ecosystem.replication.common import ReplicationError
from ecosystem.replication.registry import run_experiment


@dataclass(frozen=True)
class Claim:
    """Which experiment, at which sizes, and which cell of its table (last generation) is the claim."""

    experiment: str
    quantity: str  # plain language, for the ledger
    unit: str
    arm: str
    column: str  # the table's quantity
    options: dict[str, Any]
    scale_by_start: bool = False  # report relative to generation 0 (for quantities not already a ratio)


CLAIMS: dict[str, Claim] = {
    "gaussian": Claim(
        "gaussian", "variance of a Gaussian refitted (MLE) 10 times on 20 of its own samples",
        "x real variance", "mle/replace", "variance",
        {"samples": 20, "generations": 10, "seeds": 200, "estimators": ("mle",)}),
    "gmm": Claim(
        "gmm", "total variance of a two-component mixture refitted by EM 25 times on 50 of its own samples",
        "x real variance", "replace", "variance_ratio",
        {"samples": 50, "generations": 25, "seeds": 4}),
    "categorical": Claim(
        "categorical", "heterozygosity of a 1000-word Zipf vocabulary re-estimated 50 times from 100 samples",
        "x initial heterozygosity", "replace", "heterozygosity",
        {"samples": 100, "generations": 50, "seeds": 60, "vocabulary": 1000}, scale_by_start=True),
    "regression": Claim(
        "regression", "excess test error of a linear model (T=20, d=3) after 10 generations on its own labels",
        "squared-error units (noise variance 1)", "replace", "test_error",
        {"samples": 20, "dim": 3, "generations": 10, "seeds": 100, "policies": ("replace",)}),
    "mixing": Claim(
        "mixing", "variance after 20 generations on 25% real data and synthetic data sampled at 0.6x variance",
        "x real variance", "replace", "variance",
        {"samples": 40, "real_share": 0.25, "temperature": 0.6, "generations": 20, "seeds": 60,
         "policies": ("replace",)}),
}


def measure(name: str, *, seeds: range) -> dict[str, Any]:
    """The claim's simulated value over ``seeds`` (mean and 95% t interval) beside its closed form."""
    if name in CLAIMS and len(seeds) < 2:
        raise ReplicationError(f"an interval needs at least 2 seeds, got {len(seeds)}")
    values, theory = seed_values(name, seeds=seeds)
    mean, se = float(values.mean()), float(values.std(ddof=1) / np.sqrt(len(values)))
    half = float(stats.t.ppf(0.975, df=len(values) - 1)) * se
    claim = CLAIMS[name]
    return {
        "quantity": claim.quantity,
        "simulated": mean,
        "ci_low": mean - half,
        "ci_high": mean + half,
        "theory": theory,
        "unit": claim.unit,
        "n_seeds": len(values),
        "experiment": claim.experiment,
        "options": {k: list(v) if isinstance(v, tuple) else v for k, v in claim.options.items()},
    }


def seed_values(name: str, *, seeds: range) -> tuple[np.ndarray, float]:
    """One simulated value per seed (for a ledger that builds its own interval), and the closed form."""
    if name not in CLAIMS:
        raise ReplicationError(f"unknown claim {name!r}; choose one of {', '.join(CLAIMS)}")
    if len(seeds) == 0:
        raise ReplicationError("seeds is empty")
    pairs = [_last_generation(CLAIMS[name], seed) for seed in seeds]
    return np.array([value for value, _ in pairs]), pairs[0][1]


def _last_generation(claim: Claim, seed: int) -> tuple[float, float]:
    """(simulated mean over the run's chains, exact expectation) at the last generation of one run."""
    table = run_experiment(claim.experiment, seed=seed, **claim.options)
    rows = table.filter(pl.col("arm") == claim.arm, pl.col("quantity") == claim.column).sort("generation")
    start = float(rows["mean"][0]) if claim.scale_by_start else 1.0
    return float(rows["mean"][-1]) / start, float(rows["theory"][-1]) / start
