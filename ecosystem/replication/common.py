"""What every replication shares: seeds, option checks, the data pool a policy draws from, the table.

Each experiment runs one independent chain of generations per seed and summarises the seeds per
generation. The chain's generator comes from ``SeedSequence(seed).spawn(n_seeds)``, so seed ``i`` of a
run replays exactly whatever the number of seeds, and every arm (policy, estimator) of one run starts
from the same real data: differences between arms are the arms', not the dice's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import polars as pl

from ecosystem.learning.data_policy import DataPolicy, training_indices

POLICIES = ("replace", "accumulate", "accumulate-subsample")
COLUMNS = ["arm", "generation", "quantity", "mean", "std", "n_seeds", "theory", "theory_limit"]


class ReplicationError(ValueError):
    """A bad experiment name or option value; the message names the option and the value received."""


def seed_generators(seed: int, n_seeds: int) -> list[np.random.Generator]:
    """One independent generator per seed of the experiment."""
    return [np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(n_seeds)]


def check_int(name: str, value: int, *, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ReplicationError(f"{name} must be an integer, got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        allowed = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ReplicationError(f"{name} must be {allowed}, got {value}")
    return int(value)


def check_float(name: str, value: float, *, low: float, high: float, open_low: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise ReplicationError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not (low < value if open_low else low <= value) or not value <= high or np.isnan(value):
        bracket = "(" if open_low else "["
        raise ReplicationError(f"{name} must be in {bracket}{low:g}, {high:g}], got {value:g}")
    return value


def check_choices(name: str, values: str | Iterable[str], allowed: Sequence[str]) -> tuple[str, ...]:
    """One or several of ``allowed`` (a comma-separated string is accepted), without repeats."""
    if isinstance(values, str):
        values = values.split(",")
    chosen = tuple(dict.fromkeys(v.strip() for v in values))
    bad = [v for v in chosen if v not in allowed]
    if bad or not chosen:
        got = repr(bad[0]) if bad else "nothing"
        raise ReplicationError(f"{name} must be one or more of {', '.join(allowed)}; got {got}")
    return chosen


class DataPool:
    """Every batch a chain has produced; the training set is what the vendors' data policy picks.

    ``replace`` trains on the latest batch, ``accumulate`` on all of them, ``accumulate-subsample`` on a
    uniform subsample of all of them of ``size`` rows (Kazdan et al. 2024). The choice of rows is made
    by ``ecosystem.learning.data_policy.training_indices``, the function the simulation's vendors use.
    """

    def __init__(self, policy: str, *, size: int) -> None:
        self.policy = check_choices("policy", policy, POLICIES)[0]
        self.size = size
        self._data: np.ndarray | None = None
        self._latest = 0

    def add(self, batch: np.ndarray) -> None:
        if self._data is None or self.policy == "replace":
            self._data = batch  # replace never looks back, so old batches need not be kept
        else:
            self._data = np.concatenate([self._data, batch])
        self._latest = len(batch)

    def training_set(self, rng: np.random.Generator) -> np.ndarray:
        if self._data is None:
            raise RuntimeError("the pool is empty: add a batch before training")
        n = len(self._data)
        policy = DataPolicy.REPLACE if self.policy == "replace" else DataPolicy.ACCUMULATE
        idx = training_indices(
            policy,
            latest=np.arange(n - self._latest, n),
            history=np.arange(n),
            archive=np.arange(0),
            size=self.size if self.policy == "accumulate-subsample" else None,
            archive_share=0.0,
            rng=rng,
        )
        return self._data[idx]


def summarise(
    arm: str,
    values: dict[str, np.ndarray],
    *,
    theory: dict[str, np.ndarray | None] | None = None,
    limit: dict[str, float | None] | None = None,
) -> pl.DataFrame:
    """Mean and standard deviation over seeds, per generation, for each quantity.

    ``values[q]`` has shape (n_seeds, generations + 1); ``theory[q]`` (if any) has one value per
    generation, NaN where theory says nothing; ``limit[q]`` is the published limit or bound.
    """
    theory, limit = theory or {}, limit or {}
    frames = []
    for quantity, table in values.items():
        n_seeds, n_gen = table.shape
        expected = theory.get(quantity)
        expected = np.full(n_gen, np.nan) if expected is None else np.asarray(expected, dtype=np.float64)
        bound = limit.get(quantity)
        std = table.std(axis=0, ddof=1) if n_seeds > 1 else np.full(n_gen, np.nan)
        frames.append(pl.DataFrame({
            "arm": [arm] * n_gen,
            "generation": np.arange(n_gen, dtype=np.int64),
            "quantity": [quantity] * n_gen,
            "mean": table.mean(axis=0),
            "std": std,
            "n_seeds": np.full(n_gen, n_seeds, dtype=np.int64),
            "theory": expected,
            "theory_limit": np.full(n_gen, np.nan if bound is None else bound),
        }))
    return pl.concat(frames).with_columns(pl.col(["std", "theory", "theory_limit"]).fill_nan(None))
