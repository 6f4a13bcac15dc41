"""A Zipf vocabulary re-estimated, generation after generation, from M samples of its previous estimate.

This is the Wright-Fisher model of population genetics and the token-level picture of model collapse
(Shumailov et al., Nature 2024): the estimator is unbiased, so each symbol's expected probability
never moves, yet a symbol that draws zero counts is gone for good, and rare symbols draw zero first.
Heterozygosity 1 - sum p_i^2 (the chance two draws differ) shrinks in expectation by (1 - 1/M) per
generation under ``replace``.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ecosystem.replication.common import (
    POLICIES,
    DataPool,
    check_choices,
    check_float,
    check_int,
    seed_generators,
    summarise,
)

HEAD, TAIL = 0.1, 0.5  # head: the 10% most frequent symbols; tail: the rarer half of the vocabulary


class CategoricalMLE:
    """The maximum-likelihood categorical model: probabilities are counts over the number of samples."""

    def __init__(self, *, n_symbols: int) -> None:
        self.n_symbols = n_symbols

    def fit(self, symbols: np.ndarray) -> CategoricalMLE:
        symbols = np.asarray(symbols, dtype=np.int64)
        if symbols.ndim != 1 or len(symbols) == 0:
            raise ValueError(f"fit needs a non-empty 1-D array of symbols, got shape {symbols.shape}")
        self.probabilities_ = np.bincount(symbols, minlength=self.n_symbols) / len(symbols)
        return self

    def sample(self, n: int, *, rng: np.random.Generator) -> np.ndarray:
        return rng.choice(self.n_symbols, size=n, p=self.probabilities_)


def zipf(n_symbols: int, exponent: float) -> np.ndarray:
    """p_i proportional to 1 / i^exponent for ranks i = 1..n_symbols."""
    weights = np.arange(1, n_symbols + 1, dtype=np.float64) ** -exponent
    return weights / weights.sum()


def categorical(
    *,
    seed: int = 0,
    samples: int = 1000,
    generations: int = 200,
    seeds: int = 200,
    vocabulary: int = 1000,
    zipf_exponent: float = 1.1,
    policies: tuple[str, ...] = ("replace",),
) -> pl.DataFrame:
    """Quantities: support, entropy, heterozygosity, tail_mass and the share of symbols alive by rank."""
    samples = check_int("samples", samples, minimum=1)
    generations = check_int("generations", generations, minimum=1)
    seeds = check_int("seeds", seeds, minimum=1)
    vocabulary = check_int("vocabulary", vocabulary, minimum=10)
    zipf_exponent = check_float("zipf_exponent", zipf_exponent, low=0.0, high=5.0)
    policies = check_choices("policies", policies, POLICIES)
    p = zipf(vocabulary, zipf_exponent)
    frames = []
    for policy in policies:
        values = _simulate(seed, p, samples, generations, seeds, policy)
        frames.append(summarise(policy, values, theory=theory_curves(p, samples, generations, policy)))
    return pl.concat(frames)


def _simulate(seed: int, p: np.ndarray, m: int, generations: int, n_seeds: int, policy: str) -> dict:
    names = ("support", "entropy", "heterozygosity", "tail_mass", "alive_head", "alive_torso", "alive_tail")
    out = {name: np.empty((n_seeds, generations + 1)) for name in names}
    for i, rng in enumerate(seed_generators(seed, n_seeds)):
        model = CategoricalMLE(n_symbols=len(p))
        model.probabilities_ = p  # generation 0 is reality itself
        pool = DataPool(policy, size=m)
        for n in range(generations + 1):
            if n > 0:
                model = CategoricalMLE(n_symbols=len(p)).fit(pool.training_set(rng))
            for name, value in describe(model.probabilities_).items():
                out[name][i, n] = value
            if n < generations:
                pool.add(model.sample(m, rng=rng))
    return out


def describe(q: np.ndarray) -> dict[str, float]:
    """Diversity of a distribution over symbols sorted by their real frequency (rank 1 first)."""
    v = len(q)
    head, tail = max(1, round(HEAD * v)), v - round(TAIL * v)
    alive = q > 0
    nonzero = q[alive]
    return {
        "support": float(alive.sum()),
        "entropy": float(-(nonzero * np.log(nonzero)).sum()),
        "heterozygosity": float(1.0 - q @ q),
        "tail_mass": float(q[tail:].sum()),
        "alive_head": float(alive[:head].mean()),
        "alive_torso": float(alive[head:tail].mean()),
        "alive_tail": float(alive[tail:].mean()),
    }


def theory_curves(p: np.ndarray, m: int, generations: int, policy: str) -> dict[str, np.ndarray]:
    """Exact expectations: heterozygosity under replace; tail mass (a martingale) under every policy;
    support and symbols alive at generation 1 (each symbol survives with probability 1 - (1-p_i)^M).
    """
    n = np.arange(generations + 1, dtype=np.float64)
    start = describe(p)
    survive = 1.0 - (1.0 - p) ** m
    v = len(p)
    head, tail = max(1, round(HEAD * v)), v - round(TAIL * v)
    first = {"support": survive.sum(), "alive_head": survive[:head].mean(),
             "alive_torso": survive[head:tail].mean(), "alive_tail": survive[tail:].mean()}
    out = {}
    for name, value in first.items():
        curve = np.full(generations + 1, np.nan)
        curve[0], curve[1] = start[name], value
        out[name] = curve
    out["tail_mass"] = np.full(generations + 1, start["tail_mass"])
    if policy == "replace":
        out["heterozygosity"] = start["heterozygosity"] * (1.0 - 1.0 / m) ** n
    return out
