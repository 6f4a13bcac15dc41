"""What the ledger is made of: an arm (a scenario file and its overrides), a claim (arms and a measure of one
seed's runs), a replication of a published closed form, and an entry (a claim measured over seeds, with its
verdict)."""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from ecosystem.calibration.fit import matches
from ecosystem.calibration.targets import Target
from ecosystem.experiments.stats import mean_ci, median_ci
from ecosystem.scenario_files import load_scenario

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
VENDORS = ["Pioneer", "Meta", "Anthropic", "Mistral", "DeepSeek"]  # baseline.yaml's, and its variants'

Runs = dict[str, pl.DataFrame]  # arm name -> one run's wide metrics (one row per month)
LOG_RATIO_UNIT = "orders of magnitude"  # how the unit of a log10 ratio of collapse begins


def all_vendors(**fields: Any) -> dict[str, Any]:
    """Overrides giving each of ``VENDORS`` the same fields."""
    return {f"vendors.{v}.{k}": value for v in VENDORS for k, value in fields.items()}


@dataclass(frozen=True)
class Arm:
    scenario: str  # file under scenarios/
    overrides: dict[str, Any] = field(default_factory=dict)
    quick: dict[str, Any] = field(default_factory=dict)  # extra overrides for the reduced test version

    def resolved(self, *, quick: bool) -> dict[str, Any]:
        """The validated scenario's fields that differ from the schema's defaults: a run is keyed by these
        and its seed, so adding a field to the schema does not invalidate the ledger's finished runs (a
        change to the engine or to a default does not either: run ``ecosim claims --fresh`` after one)."""
        overrides = {**self.overrides, **(self.quick if quick else {})}
        return load_scenario(SCENARIOS / self.scenario, overrides=overrides).model_dump(mode="json",
                                                                                       exclude_defaults=True)


@dataclass(frozen=True)
class Claim:
    id: str
    statement: str  # one sentence; {effect} is replaced by the measured effect with its interval
    arms: tuple[str, ...]
    measure: Callable[[Runs], float]
    unit: str
    holds: str  # the conditions of the experiment (temperature, capacity, data policy, drift...)
    fails: str  # where it does not hold, or has not been shown
    direction: int = 0  # +1 / -1: the claim is that the effect is above / below 0; 0: a measured value
    published: str = ""  # a published figure to compare with, with its source
    digits: int = 2
    fitted: bool = False  # the published figure set a parameter: agreement with it is a fit, not a validation
    target: Target | None = None  # a published figure held out of the fit: the verdict says if the mean matches it

    @property
    def heavy_tailed(self) -> bool:
        """A log-ratio of collapse (last / first): one seed can be orders of magnitude off the others, so the
        entry is its median with a bootstrap interval, not a mean with a t-interval."""
        return self.unit.startswith(LOG_RATIO_UNIT)


@dataclass(frozen=True)
class Replication:
    """A published closed form reproduced with the engine's own models (ecosystem.replication.claims): the
    simulated value over seeds against the theory. Runs in this process, not through the batch runner."""

    id: str
    experiment: str  # a name in ecosystem.replication.claims.CLAIMS
    holds: str
    source: str


@dataclass(frozen=True)
class Entry:
    claim: Claim
    values: np.ndarray  # one per seed
    seeds: range
    theory: float | None = None  # the closed form, for a replication

    @property
    def estimate(self):
        if self.claim.heavy_tailed:
            return median_ci(self.values, seed=zlib.crc32(self.claim.id.encode()))
        return mean_ci(self.values)

    @property
    def verdict(self) -> str:
        est = self.estimate
        if self.theory is not None:
            return "matches theory" if est.low <= self.theory <= est.high else "differs from theory"
        if self.claim.fitted:
            return "fitted"
        if self.claim.target is not None:
            return "matches published" if matches(est.mean, self.claim.target) else "differs from published"
        if self.claim.direction == 0:
            return "measured"
        if math.isnan(est.low):
            return "too few seeds"
        above, below = est.low > 0, est.high < 0
        if above or below:
            return "holds" if above == (self.claim.direction > 0) else "contradicted"
        return "not shown"

    def effect_text(self) -> str:
        est, d = self.estimate, self.claim.digits
        sign = "+" if self.claim.direction != 0 else ""
        median = "median " if self.claim.heavy_tailed else ""
        interval = f"[{est.low:{sign}.{d}f}, {est.high:{sign}.{d}f}]"
        return f"{median}{est.mean:{sign}.{d}f} {interval} {self.claim.unit}".strip()

    def sentence(self) -> str:
        theory = "" if self.theory is None else f"{self.theory:.{self.claim.digits}f}"
        return self.claim.statement.format(effect=self.effect_text(), theory=theory)
