"""The sweep file schema, and outcomes: what a comparison or a sweep measures from each run.

A sweep file names a base scenario, the parameters to vary (dotted paths into the scenario, as in
``set_by_path``; ``*`` stands for every item of a list, e.g. ``vendors.*.components``), a design, the
seeds per point and the outcomes. Unknown keys are refused; errors are one line naming the file and
the field path, as for scenarios.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from ecosystem.config import Month, ScenarioError, describe_errors
from ecosystem.config import Section as ScenarioSection
from ecosystem.io import clip, first_repeated
from ecosystem.scenario_files import read_yaml_mapping


class SweepError(ScenarioError):
    """A sweep file (or an outcome) that cannot be used; the message is one line for the user."""


class Section(ScenarioSection):
    """As in scenarios: unknown keys, infinities, NaN and true/false for numbers are refused."""


class Outcome(Section):
    """A metric at one month (``at``), or aggregated over ``start``..``end`` (both included).

    ``metric`` may name every vendor at once with ``*`` (``vendor.*.excess_nll``); ``across`` then says
    how vendors are combined: their mean, their mean weighted by market share, or the worst vendor (its
    value over the window, worse by the metric's direction). ``label``, ``unit`` and ``worse`` default
    to the metric catalogue's plain words (``ecosystem.experiments.catalogue``).
    """

    name: Annotated[str, Field(min_length=1, title="column name in the outcome table")]
    metric: Annotated[str, Field(min_length=3, title="dotted metric name, e.g. web.synthetic_share_new")]
    at: Month | None = None
    start: Month | None = None
    end: Month | None = None
    agg: Literal["mean", "max", "min", "last"] | None = None
    across: Annotated[Literal["mean", "weighted", "worst"] | None,
                      Field(title="how vendor.*.metric combines vendors (default mean)")] = None
    label: Annotated[str | None, Field(title="plain-language name (default: from the metric)")] = None
    unit: str | None = None
    worse: Literal["higher", "lower"] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Outcome:
        period = (self.start, self.end, self.agg)
        if self.at is not None and any(v is not None for v in period):
            raise ValueError("give either at (one month) or start, end and agg (a period), not both")
        if self.at is None and any(v is None for v in period):
            raise ValueError("give at (one month), or all of start, end and agg (mean, max, min, last)")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"end ({self.end:%Y-%m}) is before start ({self.start:%Y-%m})")
        wildcard = "*" in self.metric
        if wildcard and not self.metric.startswith(("vendor.*.", "crawler.*.", "detector.*.")):
            raise ValueError(f"metric {self.metric}: * stands for every entity, as in vendor.*.excess_nll")
        if self.across is not None and not wildcard:
            raise ValueError(f"across: combines entities named by * (as in vendor.*.excess_nll); {self.metric} "
                             "names one series")
        if self.across == "weighted" and not self.metric.startswith("vendor.*."):
            raise ValueError("across: weighted uses vendors' market shares; it needs a vendor.*. metric")
        if wildcard and self.across is None:
            self.across = "mean"
        return self

    @property
    def months(self) -> tuple[dt.date, dt.date]:
        return (self.at, self.at) if self.at is not None else (self.start, self.end)


def parse_outcome(text: str) -> Outcome:
    """``--outcome`` text to an outcome; the grammar is ``ecosystem.experiments.registry.parse_outcome``."""
    from ecosystem.experiments.registry import parse_outcome as parse

    return parse(text)


class Parameter(Section):
    """A scenario field to vary: a range (``low``, ``high``) or a list of ``levels``."""

    path: Annotated[str, Field(min_length=1, title="dotted path in the scenario")]
    name: Annotated[str | None, Field(title="short name for tables and figures (default: path)")] = None
    low: float | None = None
    high: float | None = None
    levels: Annotated[list[Any] | None, Field(min_length=1)] = None
    integer: Annotated[bool, Field(title="round drawn values to whole numbers")] = False

    @model_validator(mode="after")
    def _range_or_levels(self) -> Parameter:
        has_range = self.low is not None or self.high is not None
        if has_range == (self.levels is not None):
            raise ValueError("give either low and high (a range) or levels (a list), not both, not neither")
        if has_range and (self.low is None or self.high is None):
            raise ValueError("a range needs both low and high")
        if has_range and not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        twice = first_repeated([repr(level) for level in self.levels or []])
        if twice is not None:
            raise ValueError(f"levels: {clip(twice, 60)} given twice; each level once (use seeds: for repeats)")
        return self

    @property
    def label(self) -> str:
        return self.name or self.path


class Design(Section):
    kind: Literal["grid", "lhs", "sobol", "morris"]
    samples: Annotated[int, Field(ge=1, title="lhs: points; sobol: base sample N; morris: trajectories")] = 8
    grid_points: Annotated[int, Field(ge=2, title="grid: points across each range")] = 3
    morris_levels: Annotated[int, Field(ge=2, title="morris: levels of the grid each factor moves on")] = 4
    second_order: Annotated[bool, Field(title="sobol: also second-order indices")] = False
    seed: Annotated[int, Field(ge=0, title="seed of the design draw")] = 0


class SweepFile(Section):
    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")]
    description: str = ""
    base: Annotated[str, Field(min_length=1, title="base scenario file, relative to the sweep file")]
    overrides: dict[str, Any] = Field(default_factory=dict, title="dotted-path overrides of the base")
    parameters: Annotated[list[Parameter], Field(min_length=1)]
    design: Design
    seeds: Annotated[int, Field(ge=1, title="runs per design point (seeds first_seed, first_seed+1...)")] = 1
    first_seed: Annotated[int, Field(ge=0)] = 0
    outcomes: Annotated[list[Outcome], Field(min_length=1)]

    @model_validator(mode="after")
    def _cross_field_rules(self) -> SweepFile:
        labels = [p.label for p in self.parameters]
        twice = first_repeated([p.path for p in self.parameters])
        if twice is not None:
            raise ValueError(f"parameters: the path {twice} is varied twice (the later value would overwrite the "
                             "earlier); vary each field once")
        if len(set(labels)) != len(labels):
            raise ValueError(f"parameter names must be unique, got {labels}; set name: on each")
        names = [o.name for o in self.outcomes]
        if len(set(names)) != len(names):
            raise ValueError(f"outcome names must be unique, got {names}")
        if self.design.kind != "grid":
            listed = [p.label for p in self.parameters if p.levels is not None]
            if listed:
                raise ValueError(f"design {self.design.kind} draws from ranges; give low and high, not "
                                 f"levels, for {', '.join(listed)} (or use design kind grid)")
        samples = self.design.samples
        if self.design.kind == "sobol" and samples & (samples - 1):
            raise ValueError(f"design.samples for sobol must be a power of two (got {samples}); "
                             f"try {1 << samples.bit_length()}")
        if self.design.kind in ("sobol", "morris") and len(self.parameters) < 2:
            raise ValueError(f"design {self.design.kind} needs at least two parameters")
        return self


def read_sweep_file(path: str | Path) -> SweepFile:
    """Read and validate a sweep file (the schema only; see ``sweep.load_sweep`` for the rest)."""
    path = Path(path)
    raw = read_yaml_mapping(path, error=SweepError)
    try:
        return SweepFile.model_validate(raw)
    except ValidationError as err:
        raise SweepError(f"{path}: {describe_errors(err)}") from None
