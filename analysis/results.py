"""A comparison's (or a sweep's) results folder, read back whole: what was run, the tables and the
scenarios.

``ecosim compare`` and ``ecosim sweep`` write the folders; their figures and the brief are both drawn
from this one reading of them, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from analysis.assumptions import policy_starts
from ecosystem.calibration.posterior import PosteriorRecord
from ecosystem.config import Scenario, ScenarioError, describe_errors, validate_scenario
from ecosystem.experiments.compare import SUMMARY_COLUMNS, scenario_file_stem
from ecosystem.experiments.schema import Outcome, SweepFile
from ecosystem.experiments.sensitivity import COLUMNS as SENSITIVITY_COLUMNS
from ecosystem.io import clip, file_problem, first_repeated
from ecosystem.scenario_files import MAX_YAML_BYTES, read_yaml_mapping

NEEDED = ["compare.json", "summary.parquet", "outcomes.parquet", "bands.parquet"]


@dataclass(frozen=True)
class CompareResults:
    folder: Path
    about: dict[str, Any]
    outcomes: list[Outcome]
    summary: pl.DataFrame
    table: pl.DataFrame  # one row per run: scenario, seed, one column per outcome
    bands: pl.DataFrame
    scenarios: dict[str, dict[str, Any]]  # resolved scenarios by name, the reference first

    @property
    def order(self) -> list[str]:
        return list(self.about["scenarios"])

    @property
    def reference(self) -> str:
        return self.about["reference"]

    @property
    def seeds(self) -> list[int]:
        return list(self.about["seeds"])

    @property
    def posterior(self) -> PosteriorRecord | None:
        recorded = self.about.get("posterior")
        return None if recorded is None else PosteriorRecord.model_validate(recorded)

    @property
    def dates(self) -> tuple[dt.date, dt.date]:
        return self.bands["date"].min(), self.bands["date"].max()

    def seeds_text(self) -> str:
        seeds = self.seeds
        contiguous = seeds == list(range(seeds[0], seeds[-1] + 1))
        listed = f"{seeds[0]}-{seeds[-1]}" if contiguous and len(seeds) > 1 else ", ".join(map(str, seeds))
        return f"seeds {listed} (n = {len(seeds)})"

    def note(self) -> str:
        """The caption line every figure carries: scenarios, seeds, dates."""
        first, last = self.dates
        return f"{' vs '.join(self.order)}; {self.seeds_text()}; {first:%Y-%m} to {last:%Y-%m}"

    def policy_starts(self) -> list[tuple[dt.date, str]]:
        reference = self.scenarios[self.reference]
        return [start for name in self.order[1:] for start in policy_starts(reference, self.scenarios[name])]


def read_compare(folder: str | Path) -> CompareResults:
    """Read a comparison folder, every file checked as an input is; a folder that is not one, or a damaged
    file, raises ``ScenarioError`` in one line naming the file and what is wrong."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ScenarioError(f"{folder}: no such results folder")
    missing = [name for name in NEEDED if not (folder / name).is_file()]
    if missing:
        raise ScenarioError(f"{folder}: not a finished comparison (missing {', '.join(missing)}); "
                            f"run ecosim compare ... --out {folder} first")
    record = _validated(CompareRecord, _json_mapping(folder / "compare.json"), folder / "compare.json")
    names = [o.name for o in record.outcomes]
    summary = _table(folder / "summary.parquet", {**dict.fromkeys(SUMMARY_COLUMNS[:5], "text"), "n": "integer",
                                                  **dict.fromkeys(SUMMARY_COLUMNS[6:], "number")})
    _covers(folder / "summary.parquet", summary, record.outcomes, record.scenarios)
    table = _table(folder / "outcomes.parquet", {"scenario": "text", "seed": "integer",
                                                 **dict.fromkeys(names, "number")})
    bands = _table(folder / "bands.parquet", {"outcome": "text", "scenario": "text", "date": "date", "n": "integer",
                                              "mean": "number", "ci_low": "number", "ci_high": "number"})
    _covers(folder / "bands.parquet", bands, record.outcomes)
    if (folder / "runs.parquet").is_file():
        _schema_has(folder / "runs.parquet", {"scenario": "text", "date": "date"})
    paths = {name: folder / "scenarios" / f"{scenario_file_stem(name)}.yaml" for name in record.scenarios}
    scenarios = {name: _recorded_scenario(_yaml_record(path), source=str(path)) for name, path in paths.items()}
    return CompareResults(folder=folder, about=record.model_dump(mode="json"), outcomes=list(record.outcomes),
                          summary=summary, table=table, bands=bands, scenarios=scenarios)


# ----------------------------------------------------------------------------------------------
# Results read as inputs: a file edited, truncated or replaced by hand is named, never a traceback


MAX_RECORD_BYTES = MAX_YAML_BYTES  # compare.json; a real one is a few kilobytes


class CompareRecord(BaseModel):
    """``compare.json``: what was compared (``finish_compare``); other keys are kept as they are."""

    model_config = ConfigDict(extra="allow")
    reference: str
    scenarios: Annotated[list[str], Field(min_length=1)]
    seeds: Annotated[list[int], Field(min_length=1)]
    outcomes: Annotated[list[Outcome], Field(min_length=1)]
    files: list[str] = []
    set: list[str] = []
    end: str | None = None
    posterior: PosteriorRecord | None = None  # each seed's parameters drawn from it (--posterior)

    @model_validator(mode="after")
    def _consistent(self) -> CompareRecord:
        if self.reference != self.scenarios[0]:
            raise ValueError(f"reference {self.reference!r} is not the first of scenarios {self.scenarios}")
        for what, items in (("scenario", self.scenarios), ("seed", self.seeds),
                            ("outcome", [o.name for o in self.outcomes])):
            twice = first_repeated(items)
            if twice is not None:
                raise ValueError(f"{what} {twice!r} is listed twice")
        if self.posterior is not None and sorted(self.posterior.particles) != sorted(self.seeds):
            raise ValueError("posterior.particles does not name one particle for each of the seeds")
        return self


AGAIN = "the results are damaged: run the command that wrote them again"


def _damaged(path: Path, problem: str) -> ScenarioError:
    return ScenarioError(f"{clip(str(path))}: {problem}; {AGAIN}")


def _validated(model: type[BaseModel], data: Any, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise _damaged(path, clip(describe_errors(err))) from None


def _json_mapping(path: Path) -> dict[str, Any]:
    """A JSON file whose top level is an object (checked to be a regular file of a sane size first)."""
    problem = file_problem(path)
    if problem:
        raise _damaged(path, problem)
    try:
        if path.stat().st_size > MAX_RECORD_BYTES:
            raise _damaged(path, f"file is over {MAX_RECORD_BYTES / 1e6:.0f} MB")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as err:
        raise _damaged(path, f"unreadable JSON ({_first_line(err)})") from None
    if not isinstance(data, dict):
        raise _damaged(path, f"expected a JSON object, got {type(data).__name__}")
    return data


def _yaml_record(path: Path) -> dict[str, Any]:
    """A YAML mapping a results folder keeps, read with the limits of a scenario file (size, alias bombs)."""
    try:
        return read_yaml_mapping(path)
    except ScenarioError as err:
        raise ScenarioError(f"{err}; {AGAIN}") from None


def _recorded_scenario(raw: Any, *, source: str) -> dict[str, Any]:
    """A scenario a results folder keeps, complete and valid (checked without its corpus), as ``model_dump``
    writes it."""
    if not isinstance(raw, dict):
        raise ScenarioError(f"{source}: expected a resolved scenario, a mapping, got {type(raw).__name__}; {AGAIN}")
    missing = [name for name, field in Scenario.model_fields.items() if name not in raw and field.exclude_if is None]
    if missing:
        raise ScenarioError(f"{source}: lacks field(s) {clip(', '.join(missing), 200)} of a resolved scenario; "
                            f"{AGAIN}")
    try:
        return validate_scenario(raw, source=source).model_dump(mode="json")
    except ScenarioError as err:
        raise ScenarioError(f"{err}; {AGAIN}") from None


# What a column may hold, by the kinds the writers give it (an all-null column is of type Null)
KINDS: dict[str, Callable[[pl.DataType], bool]] = {
    "text": lambda t: t in (pl.Utf8, pl.Null),
    "integer": lambda t: t.is_integer() or t == pl.Null,
    "number": lambda t: t.is_numeric() or t == pl.Null,
    "date": lambda t: t == pl.Date,
    "any": lambda t: True,
}


def _table(path: Path, columns: dict[str, str], *, rows: bool = True) -> pl.DataFrame:
    """A Parquet table with ``columns`` of the given ``KINDS`` (others may follow); with ``rows``, not empty."""
    _schema_has(path, columns)
    try:
        table = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as err:
        raise _damaged(path, f"unreadable Parquet ({_first_line(err)})") from None
    if rows and table.is_empty():
        raise _damaged(path, "no rows")
    return table


def _schema_has(path: Path, columns: dict[str, str]) -> None:
    problem = file_problem(path)
    if problem:
        raise _damaged(path, problem)
    try:
        schema = pl.read_parquet_schema(path)
    except (OSError, pl.exceptions.PolarsError) as err:
        raise _damaged(path, f"unreadable Parquet ({_first_line(err)})") from None
    missing = [name for name in columns if name not in schema]
    if missing:
        raise _damaged(path, f"lacks column(s) {clip(', '.join(missing), 200)}")
    wrong = [f"{name} is {schema[name]}, not {kind}" for name, kind in columns.items() if not KINDS[kind](schema[name])]
    if wrong:
        raise _damaged(path, f"column(s) of the wrong type: {clip(', '.join(wrong), 200)}")


def _first_line(err: Exception) -> str:
    return clip((str(err).splitlines() or [type(err).__name__])[0], 120)


def _covers(path: Path, table: pl.DataFrame, outcomes: list[Outcome], scenarios: list[str] | None = None) -> None:
    """Every outcome has rows in ``table``: for each of ``scenarios``, or for any when None."""
    present = set(table.select("outcome", "scenario").unique().iter_rows())
    wanted = [(o.name, s) for o in outcomes for s in scenarios] if scenarios else [(o.name, None) for o in outcomes]
    if scenarios is None:
        present = {(outcome, None) for outcome, _ in present}
    missing = [f"{outcome} of {scenario}" if scenario else outcome for outcome, scenario in wanted
               if (outcome, scenario) not in present]
    if missing:
        raise _damaged(path, f"no rows for {clip(', '.join(missing), 200)}")


def is_sweep(folder: Path) -> bool:
    """A sweep's results folder (``ecosim sweep --out``), rather than a comparison's."""
    return (folder / "sweep.yaml").is_file() and not (folder / "compare.json").is_file()


@dataclass(frozen=True)
class SweepResults:
    folder: Path
    file: SweepFile
    base: dict[str, Any]  # the resolved base scenario
    table: pl.DataFrame  # one row per run: point, seed, parameters, outcomes
    means: pl.DataFrame  # one row per point: parameters, outcome means, runs
    sensitivity: pl.DataFrame
    posterior: PosteriorRecord | None = None  # each seed's parameters drawn from it (--posterior)
    # a grid over one parameter: each level against the reference level, as a comparison's summary with
    # ``level`` in place of ``scenario`` (one_way.parquet); else empty
    one_way: pl.DataFrame = field(default_factory=pl.DataFrame)

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def outcomes(self) -> list[Outcome]:
        return list(self.file.outcomes)

    @property
    def parameters(self) -> list[str]:
        return [p.label for p in self.file.parameters]

    @property
    def seeds(self) -> int:
        return self.file.seeds

    @property
    def dates(self) -> tuple[dt.date, dt.date]:
        start, end = (str(self.base[k]).split("-") for k in ("start", "end"))
        return dt.date(int(start[0]), int(start[1]), 1), dt.date(int(end[0]), int(end[1]), 1)

    def note(self) -> str:
        first, last = self.dates
        return (f"sweep {self.name}: {self.file.design.kind} design, {self.means.height} points x {self.seeds} "
                f"seed(s) from {self.file.first_seed}; {first:%Y-%m} to {last:%Y-%m}")


def read_sweep(folder: str | Path) -> SweepResults:
    """Read a finished sweep folder, every file checked as an input is; a folder that is not one, or a
    damaged file, raises ``ScenarioError`` in one line naming the file and what is wrong."""
    folder = Path(folder)
    missing = [n for n in ("sweep.yaml", "outcomes.parquet", "point_means.parquet") if not (folder / n).is_file()]
    if missing:
        raise ScenarioError(f"{folder}: not a finished sweep (missing {', '.join(missing)}); run ecosim sweep ... "
                            f"--out {folder} first")
    path = folder / "sweep.yaml"
    record = _yaml_record(path)
    file = _validated(SweepFile, record.get("sweep"), path)
    base = _recorded_scenario(record.get("base"), source=f"{path}: base")
    posterior = None if record.get("posterior") is None else _validated(PosteriorRecord, record["posterior"], path)
    if posterior is not None and sorted(posterior.particles) != list(range(file.first_seed, file.first_seed
                                                                            + file.seeds)):
        raise _damaged(path, "posterior.particles does not name one particle for each of the seeds")
    parameters = dict.fromkeys((p.label for p in file.parameters), "any")
    outcomes = dict.fromkeys((o.name for o in file.outcomes), "number")
    table = _table(folder / "outcomes.parquet", {"point": "integer", "seed": "integer", **parameters, **outcomes},
                   rows=False)
    means = _table(folder / "point_means.parquet", {"point": "integer", **parameters, **outcomes}, rows=False)
    path = folder / "sensitivity.parquet"
    sensitivity = _table(path, {name: "text" if kind == pl.Utf8 else "number" for name, kind in
                                SENSITIVITY_COLUMNS.items()}, rows=False) if path.is_file() else pl.DataFrame()
    path = folder / "one_way.parquet"
    one_way = _table(path, {**dict.fromkeys(["outcome", "label", "unit", "worse", "level"], "text"), "n": "integer",
                            **dict.fromkeys(SUMMARY_COLUMNS[6:], "number")}) if path.is_file() else pl.DataFrame()
    return SweepResults(folder=folder, file=file, base=base, table=table, means=means, sensitivity=sensitivity,
                        posterior=posterior, one_way=one_way)
