"""The published experiments by name, and the one entry point that runs any of them.

An experiment is a plain function with keyword-only options returning a polars table (one row per
arm, generation and quantity). Its options and defaults are read from its signature, so the list a
user sees can never disagree with what the function accepts.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl
from threadpoolctl import threadpool_limits

from ecosystem.replication.categorical import categorical
from ecosystem.replication.common import ReplicationError, check_int
from ecosystem.replication.gaussian import gaussian
from ecosystem.replication.gmm import gmm
from ecosystem.replication.mixing import mixing
from ecosystem.replication.regression import regression
from ecosystem.replication.text_lm import text_lm


@dataclass(frozen=True)
class Experiment:
    name: str
    run: Callable[..., pl.DataFrame]
    summary: str
    reference: str

    def defaults(self) -> dict[str, Any]:
        """Every option with its default value (``seed`` included)."""
        return {p.name: p.default for p in inspect.signature(self.run).parameters.values()}


EXPERIMENTS: dict[str, Experiment] = {e.name: e for e in [
    Experiment("gaussian", gaussian, "Gaussian refitted on M samples of its last fit: variance collapses",
               "Shumailov et al., Nature 2024"),
    Experiment("gmm", gmm, "Two-component mixture refitted by EM for many generations: collapse to a point",
               "Shumailov et al., Nature 2024"),
    Experiment("categorical", categorical, "Zipf vocabulary re-estimated from M samples: rare symbols vanish",
               "Shumailov et al., Nature 2024 (Wright-Fisher drift)"),
    Experiment("regression", regression,
               "Linear regression on its own labels: replace grows, accumulate stays bounded",
               "Gerstgrasser et al. 2024"),
    Experiment("mixing", mixing, "Fresh real data mixed with biased synthetic data; replace vs accumulate",
               "Bertrand et al. ICLR 2024; Alemohammad et al. ICLR 2024; Kazdan et al. 2024"),
    Experiment("text_lm", text_lm, "Word trigram model (Kneser-Ney) retrained on its own text: perplexity rises, "
               "rare words vanish", "Shumailov et al., Nature 2024; Gerstgrasser et al. 2024"),
]}


def get_experiment(name: str) -> Experiment:
    if name not in EXPERIMENTS:
        raise ReplicationError(f"unknown experiment {name!r}; choose one of {', '.join(EXPERIMENTS)}")
    return EXPERIMENTS[name]


def resolve_options(name: str, options: dict[str, Any]) -> dict[str, Any]:
    """The defaults overridden by ``options``; an option the experiment does not take is an error."""
    defaults = get_experiment(name).defaults()
    unknown = sorted(set(options) - set(defaults))
    if unknown:
        raise ReplicationError(f"option {unknown[0]!r} does not apply to experiment {name!r}; "
                               f"its options are {', '.join(defaults)}")
    resolved = {**defaults, **options}
    resolved["seed"] = check_int("seed", resolved["seed"], minimum=0)
    _check_size(resolved)
    return resolved


# What fits in memory on the machine this was built for (2 cores, 24 GiB): one option, or the table of
# every seed's chain, or an accumulating pool of every generation's samples, past these would not.
LIMITS = {"samples": 10_000_000, "seeds": 1_000_000, "generations": 100_000, "vocabulary": 10_000_000,
          "dim": 1_000}
MAX_CELLS = 100_000_000  # 800 MB of float64


def _check_size(options: dict[str, Any]) -> None:
    """Refuse, before any work, options whose arrays cannot fit in memory (values of the wrong type are
    left to each experiment's own checks)."""
    for key, limit in LIMITS.items():
        value = options.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > limit:
            raise ReplicationError(f"{key} must be at most {limit:,} on this machine, got {value:,}")
    sizes = {k: options[k] for k in ("samples", "seeds", "generations")
             if isinstance(options.get(k), int) and not isinstance(options.get(k), bool)}
    for a, b in (("seeds", "generations"), ("samples", "generations"), ("samples", "seeds")):
        if a in sizes and b in sizes and sizes[a] * sizes[b] > MAX_CELLS:
            raise ReplicationError(f"{a} x {b} = {sizes[a] * sizes[b]:,} values; at most {MAX_CELLS:,} fit in "
                                   "memory on this machine (lower one of them)")


def run_experiment(name: str, **options: Any) -> pl.DataFrame:
    """Run one experiment; same options and seed give the identical table.

    BLAS runs single-threaded: the matrices are tiny, and threads only fight over shared cores.
    """
    resolved = resolve_options(name, options)
    with threadpool_limits(limits=1):
        return get_experiment(name).run(**resolved)
