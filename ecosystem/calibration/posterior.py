"""Calibration uncertainty carried into comparisons and sweeps (``--posterior``): each seed's parameters are one
particle of the calibration's last generation, drawn by weight.

The draw depends only on the seed (a generator seeded from the seed and a fixed stream name), so a seed gets the
same parameters in every scenario of a comparison (common random numbers: the paired difference still isolates
the policy) and on any number of workers. Integer parameters are rounded as ``ecosim calibrate`` rounds them.
"""

from __future__ import annotations

import copy
import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import polars as pl
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from ecosystem.calibration.settings import UncertainParameter
from ecosystem.config import ScenarioError, describe_errors, validate_scenario
from ecosystem.io import clip, file_problem
from ecosystem.scenario_files import read_yaml_mapping, set_by_path

STREAM = "ecosim.posterior"  # the draws' own stream: never one a run draws from
POSTERIOR, CONFIG, RECHECK = "posterior.parquet", "calibration.yaml", "recheck.parquet"


class PosteriorError(ScenarioError):
    """A posterior that cannot be used; the message is one line."""


class PosteriorRecord(BaseModel):
    """What compare.json and sweep.yaml keep of the posterior used: enough to know which draws were made."""

    model_config = ConfigDict(extra="forbid")
    path: Annotated[str, Field(min_length=1)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    generation: Annotated[int, Field(ge=0)]
    parameters: Annotated[dict[str, str], Field(min_length=1, title="posterior column: scenario path")]
    particles: Annotated[dict[int, int], Field(min_length=1, title="seed: particle drawn")]


@dataclass(frozen=True)
class Posterior:
    path: Path  # the posterior.parquet read
    sha256: str  # of that file: the record names exactly the draws' source
    generation: int  # the last one, whose particles are drawn
    parameters: list[UncertainParameter]
    particles: pl.DataFrame  # the last generation: particle, weight, one column per parameter label

    def particle(self, seed: int) -> int:
        """The row of ``particles`` seed ``seed`` draws, by weight, from the seed's own generator."""
        rng = np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(STREAM.encode())]))
        weights = self.particles["weight"].to_numpy()
        return int(rng.choice(len(weights), p=weights / weights.sum()))

    def values(self, seed: int) -> dict[str, Any]:
        """Seed ``seed``'s parameter values by scenario path (integers rounded)."""
        return self._values(self.particle(seed))

    def closest(self) -> tuple[float, dict[str, Any]] | None:
        """The last generation's particle closest to the data: its distance and values by scenario path. A
        calibrated scenario takes these, a coherent set (marginal medians need not be one). With a recheck of this
        posterior beside it, the particle closest on the recheck's fresh seeds, and that distance; None for a
        posterior written before distances were kept."""
        rechecked = self.rechecked()
        if rechecked is not None:
            best = rechecked.row(int(rechecked["recheck_distance"].arg_min()), named=True)
            row = self.particles["particle"].to_list().index(best["particle"])
            return float(best["recheck_distance"]), self._values(row)
        if "distance" not in self.particles.columns:
            return None
        row = int(self.particles["distance"].arg_min())
        return float(self.particles["distance"][row]), self._values(row)

    def rechecked(self) -> pl.DataFrame | None:
        """recheck.parquet beside the posterior when it rechecked this very posterior (same file, same last
        generation), else None: a recheck of an earlier state of the calibration says nothing of this one."""
        file = self.path.parent / RECHECK
        if not file.is_file():
            return None
        try:
            frame = pl.read_parquet(file)
        except (OSError, pl.exceptions.PolarsError):
            return None
        needed = {"generation", "particle", "recheck_distance", "posterior_sha256"}
        if not needed <= set(frame.columns) or frame.is_empty():
            return None
        current = (frame["posterior_sha256"] == self.sha256).all() and (frame["generation"] == self.generation).all()
        known = frame["particle"].is_in(self.particles["particle"].implode()).all()
        return frame if current and known else None

    def summary(self) -> list[tuple[str, float, float, float]]:
        """Each parameter's weighted median and 95% interval over the last generation: (path, median, low, high)."""
        weights = self.particles["weight"].to_numpy()
        return [(p.path, *_weighted_quantiles(self.particles[p.label].to_numpy(), weights, (0.5, 0.025, 0.975)))
                for p in self.parameters]

    def effective_size(self) -> float:
        """Kish's effective sample size of the last generation's weights."""
        weights = self.particles["weight"].to_numpy()
        return float(weights.sum() ** 2 / (weights ** 2).sum())

    def _values(self, row_index: int) -> dict[str, Any]:
        row = self.particles.row(row_index, named=True)
        return {p.path: round(row[p.label]) if p.integer else float(row[p.label]) for p in self.parameters}

    def apply(self, raw: dict[str, Any], seed: int, *, source: str) -> dict[str, Any]:
        """A resolved scenario (a plain dict) with seed ``seed``'s values set, validated as ``--set`` is."""
        raw = copy.deepcopy(raw)
        for path, value in self.values(seed).items():
            set_by_path(raw, path, value)
        try:
            return validate_scenario(raw, source=source).model_dump(mode="json")
        except ScenarioError as err:
            raise PosteriorError(f"--posterior {self.path}: seed {seed}'s particle: {err}") from None

    def check_paths(self, raw: dict[str, Any], *, source: str, fixed: set[str] = frozenset()) -> None:
        """Refuse a parameter path the scenario lacks (a typo would add a field), or one ``fixed`` (by --set or a
        sweep) sets: the draw would silently override it."""
        for p in self.parameters:
            if p.path in fixed:
                raise PosteriorError(f"--posterior {self.path}: {p.path} is drawn from the posterior and also set "
                                     "(by --set or as a swept parameter); drop one")
            if not _has_path(raw, p.path):
                raise PosteriorError(f"--posterior {self.path}: {source} has no field {p.path}")

    def record(self, seeds: range | list[int]) -> dict[str, Any]:
        return PosteriorRecord(path=str(self.path.resolve()), sha256=self.sha256, generation=self.generation,
                               parameters={p.label: p.path for p in self.parameters},
                               particles={s: int(self.particles["particle"][self.particle(s)]) for s in seeds}
                               ).model_dump(mode="json")


def load_posterior(path: str | Path) -> Posterior:
    """A calibration results folder, or its posterior.parquet (with calibration.yaml beside it), checked."""
    path = Path(path)
    file = path / POSTERIOR if path.is_dir() else path
    problem = file_problem(file)
    if problem:
        raise PosteriorError(f"--posterior {clip(str(file))}: {problem}; give a calibration results folder "
                             "(ecosim calibrate --out) or its posterior.parquet")
    try:
        data = file.read_bytes()
        table = pl.read_parquet(file)
    except (OSError, pl.exceptions.PolarsError) as err:
        raise PosteriorError(f"--posterior {file}: not a posterior (unreadable Parquet: "
                             f"{clip(str(err).splitlines()[0] if str(err) else type(err).__name__, 120)})") from None
    config = file.parent / CONFIG
    raw = read_yaml_mapping(config, error=PosteriorError) if config.is_file() else None
    if raw is None:
        raise PosteriorError(f"--posterior {file}: no {CONFIG} beside it to map its columns to scenario paths; "
                             "give the folder ecosim calibrate wrote")
    try:
        parameters = TypeAdapter(list[UncertainParameter]).validate_python(raw.get("parameters"))
    except ValidationError as err:
        raise PosteriorError(f"--posterior {config}: parameters: {clip(describe_errors(err))}") from None
    needed = {"generation": "integer", "particle": "integer", "weight": "number",
              **{p.label: "number" for p in parameters}}
    wrong = [name for name, kind in needed.items() if name not in table.columns
             or not (table[name].dtype.is_integer() if kind == "integer" else table[name].dtype.is_numeric())]
    if wrong:
        raise PosteriorError(f"--posterior {file}: not a posterior (column(s) missing or not numbers: "
                             f"{clip(', '.join(wrong), 200)}); columns are generation, particle, weight and one "
                             "per parameter of calibration.yaml")
    if table.is_empty():
        raise PosteriorError(f"--posterior {file}: no particles")
    generation = int(table["generation"].max())
    kept = ["weight", *(["distance"] if "distance" in table.columns else []), *[p.label for p in parameters]]
    last = table.filter(pl.col("generation") == generation).select("particle", pl.col(kept).cast(pl.Float64))
    weights = last["weight"].to_numpy()
    if not np.isfinite(last.drop("particle").to_numpy()).all() or (weights < 0).any() or not weights.sum() > 0:
        raise PosteriorError(f"--posterior {file}: generation {generation} has no usable particle (weights must be "
                             "finite, not negative and not all zero; values finite)")
    return Posterior(path=file, sha256=hashlib.sha256(data).hexdigest(), generation=generation,
                     parameters=parameters, particles=last)


def _has_path(raw: Any, dotted: str) -> bool:
    """Whether ``raw`` holds the field ``a.b.c`` (list items by name or index, as ``set_by_path`` finds them)."""
    node = raw
    for key in dotted.split("."):
        if isinstance(node, list):
            named = [item for item in node if isinstance(item, dict) and item.get("name") == key]
            indexed = [item for i, item in enumerate(node) if str(i) == key]  # never int() of a key
            if not named + indexed:
                return False
            node = (named + indexed)[0]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            return False
    return not isinstance(node, dict | list)


def _weighted_quantiles(values: np.ndarray, weights: np.ndarray, quantiles: tuple[float, ...]) -> tuple[float, ...]:
    """Quantiles of a weighted sample: the smallest value whose cumulative weight reaches each quantile."""
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order]) / weights.sum()
    return tuple(float(values[order][min(np.searchsorted(cumulative, q), len(values) - 1)]) for q in quantiles)
