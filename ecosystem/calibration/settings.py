"""The calibration file: what to fit (targets), what may vary (parameters with priors and their reasons), and
how hard to try (population, generations, epsilon). Checked whole before any simulation, one-line errors.

The base scenario is loaded with the file's ``overrides`` and window (``start``, ``end``); each parameter's
prior range is tried on it at both ends and inside, and every target used must be an outcome the scenario produces.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from ecosystem.calibration.targets import Target, TargetsError, load_targets
from ecosystem.config import MAX_SEED, Month, Scenario, ScenarioError, Section, describe_errors, validate_scenario
from ecosystem.io import first_repeated
from ecosystem.scenario_files import load_scenario, read_yaml_mapping, set_by_path


class CalibrationError(ScenarioError):
    """A calibration file that cannot be used; the message is one line."""


class Prior(Section):
    distribution: Literal["uniform", "loguniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Prior:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.distribution == "loguniform" and self.low <= 0:
            raise ValueError(f"loguniform needs low > 0 (got {self.low})")
        return self


class UncertainParameter(Section):
    path: Annotated[str, Field(min_length=1, title="dotted path in the scenario, e.g. humans.assistant.human_edit")]
    name: Annotated[str | None, Field(min_length=1, title="column name in the posterior (default: path)")] = None
    prior: Prior
    reason: Annotated[str, Field(min_length=1, title="why this prior: its source or argument")]
    integer: Annotated[bool, Field(title="round drawn values to whole numbers (a count)")] = False

    @property
    def label(self) -> str:
        return self.name or self.path


class TargetChoice(Section):
    file: Annotated[str, Field(min_length=1, title="targets CSV, relative to the calibration file")]
    series: Annotated[list[str], Field(min_length=1, title="series whose calibration rows are fitted (NAME), or one "
                                                          "row of one (NAME@DATE)")]


class Recheck(Section):
    """The closest particles of the last generation simulated again on fresh seeds (ecosystem/calibration/recheck.py):
    the calibrated scenario takes the one closest there, not the luckiest on the calibration's own seeds."""

    candidates: Annotated[int, Field(ge=1, le=1000, title="closest particles rechecked")] = 8
    seeds: Annotated[int, Field(ge=1, le=100, title="fresh seeds per rechecked particle")] = 6


class CalibrationFile(Section):
    name: Annotated[str, Field(min_length=1)]
    base: Annotated[str, Field(min_length=1, title="base scenario, relative to the calibration file")]
    overrides: dict[str, Any] = {}
    start: Month | None = None
    end: Month | None = None
    seeds: Annotated[int, Field(ge=1, le=100, title="seeds per particle; the statistics are their mean")] = 1
    first_seed: Annotated[int, Field(ge=0, le=MAX_SEED)] = 0
    parameters: Annotated[list[UncertainParameter], Field(min_length=1)]
    targets: TargetChoice
    distance: Literal["standardized", "adaptive"] = "standardized"
    # The smallest standard error a share target is given: the model does not resolve shares finer than this,
    # so a very precise published share (WildAI's 0.2% in 2022, +-0.1 points) cannot outweigh every other.
    resolution: Annotated[float, Field(ge=0.0, le=1.0, title="smallest standard error of a share target")] = 0.0
    # Seeds of a pilot at the base scenario's own values: each statistic's spread over them is the simulator's
    # noise, added to the published standard error (0: no pilot, the published error alone).
    pilot_seeds: Annotated[int, Field(ge=0, le=1000, title="seeds of the noise pilot (0: none)")] = 0
    population: Annotated[int, Field(ge=2, le=100_000, title="particles per generation")]
    generations: Annotated[int, Field(ge=1, le=100, title="most generations")]
    min_epsilon: Annotated[float, Field(ge=0.0, title="stop once epsilon is at most this")] = 0.0
    sampler_seed: Annotated[int, Field(ge=0, le=2**32 - 1, title="seed of the sampler's draws (one worker)")] = 0
    recheck: Recheck | None = None  # None: the calibrated scenario takes the particle closest on its own seeds


@dataclass(frozen=True)
class Calibration:
    file: CalibrationFile
    source: str
    base: Scenario
    targets: list[Target]  # the rows fitted: the chosen series' calibration rows

    @property
    def base_raw(self) -> dict[str, Any]:
        return self.base.model_dump(mode="json")

    @property
    def seeds(self) -> range:
        return range(self.file.first_seed, self.file.first_seed + self.file.seeds)

    @property
    def fingerprint(self) -> str:
        """What the history depends on: a folder's history may only be continued by the same calibration."""
        import hashlib
        import json
        from dataclasses import asdict

        # raising the stopping rules continues the same calibration; a recheck reads it, it does not change it
        stopping = {"generations", "min_epsilon", "recheck"}
        what = {"file": self.file.model_dump(mode="json", exclude=stopping), "base": self.base_raw,
                "space": "log10 for log-uniform priors",  # how pyabc samples: a history in another space differs
                "targets": [asdict(t) for t in self.targets]}
        return hashlib.sha256(json.dumps(what, sort_keys=True, default=str).encode()).hexdigest()

    def scenario(self, values: dict[str, float]) -> Scenario:
        """The base scenario with each parameter (by label) set to its value."""
        raw = copy.deepcopy(self.base_raw)
        for parameter in self.file.parameters:
            value = values[parameter.label]
            set_by_path(raw, parameter.path, round(value) if parameter.integer else value)
        return validate_scenario(raw, source=self.source)


def load_calibration(path: str | Path) -> Calibration:
    """Read and check a calibration file and everything it names."""
    from ecosystem.experiments.registry import check_outcomes, parse_outcome

    path = Path(path)
    raw = read_yaml_mapping(path, error=CalibrationError)
    try:
        file = CalibrationFile.model_validate(raw)
    except ValidationError as err:
        raise CalibrationError(f"{path}: {describe_errors(err)}") from None
    twice = first_repeated([p.label for p in file.parameters])
    if twice is not None:
        raise CalibrationError(f"{path}: parameters: {twice!r} is given twice; name each parameter once")
    window = {key: f"{value:%Y-%m}" for key, value in (("start", file.start), ("end", file.end)) if value is not None}
    try:
        base = load_scenario(path.parent / file.base, overrides={**file.overrides, **window})
    except ScenarioError as err:
        raise CalibrationError(f"{path}: base: {err}") from None
    calibration = Calibration(file=file, source=str(path), base=base, targets=[])
    for i, parameter in enumerate(file.parameters):
        for value in (parameter.prior.low, _inside(parameter), parameter.prior.high):
            try:
                calibration.scenario({p.label: value if p is parameter else _middle(p) for p in file.parameters})
            except ScenarioError as err:
                hint = "; set integer: true to draw whole numbers" if "valid integer" in str(err) else ""
                raise CalibrationError(f"{path}: parameters.{i} ({parameter.path}={value:g}): "
                                       f"{str(err).removeprefix(f'{path}: ')}{hint}") from None
    try:
        every = load_targets(path.parent / file.targets.file)
    except TargetsError as err:
        raise CalibrationError(f"{path}: targets.file: {err}") from None
    targets = _chosen(every, file.targets.series, where=f"{path}: targets")
    try:
        check_outcomes([parse_outcome(t.outcome) for t in targets], base, source=f"{path}: targets")
    except ScenarioError as err:
        raise CalibrationError(str(err)) from None
    return Calibration(file=file, source=str(path), base=base, targets=targets)


def _middle(parameter: UncertainParameter) -> float:
    middle = (parameter.prior.low + parameter.prior.high) / 2
    return round(middle) if parameter.integer else middle


def _inside(parameter: UncertainParameter) -> float:
    """A value inside the prior, an irrational fraction (sqrt 2 - 1) of the way up: fractional, as draws are, so
    a whole-number field refuses it unless the parameter is ``integer``."""
    value = parameter.prior.low + (parameter.prior.high - parameter.prior.low) * (2**0.5 - 1)
    return round(value) if parameter.integer else value


def _chosen(targets: list[Target], series: list[str], *, where: str) -> list[Target]:
    """The calibration rows of the named series, each with an interval to scale its distance."""
    known = sorted({t.series for t in targets})
    chosen = []
    for name in series:
        rows = [t for t in targets if name in (t.series, t.key) and t.use == "calibration"]
        if not rows:
            raise CalibrationError(f"{where}: {name!r} names no calibration row of the targets file "
                                   f"(series: {', '.join(known)}; one row: SERIES@DATE)")
        chosen += [t for t in rows if t not in chosen]
    narrow = next((t for t in chosen if not t.low < t.high), None)
    if narrow is not None:
        raise CalibrationError(f"{where}: {narrow.key} has no width (low = high = {narrow.low}); a fitted target "
                               "needs an interval")
    return chosen
