"""Planning: the runs the ledger needs, one per arm its claims use and per seed, for the resumable batch runner."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from analysis.claims.catalogue import ARMS, CLAIMS
from analysis.claims.model import Claim
from ecosystem.experiments.batch import RunSpec

LEDGER_SEEDS = range(2000, 2020)  # disjoint from every seed used while developing (0-99) and in tests
QUICK_SEEDS = range(2000, 2002)


def plan(*, quick: bool, folder: Path, claims: Sequence[Claim] | None = None) -> list[RunSpec]:
    """One run per arm the claims use (default: every claim) and per seed."""
    claims = CLAIMS if claims is None else claims
    seeds = QUICK_SEEDS if quick else LEDGER_SEEDS
    arms = list(dict.fromkeys(a for c in claims for a in c.arms))
    return [RunSpec(label=arm, scenario=ARMS[arm].resolved(quick=quick), seed=seed, folder=str(folder),
                    tags={"arm": arm}) for arm in arms for seed in seeds]
