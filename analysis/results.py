"""A comparison's (or a sweep's) results folder, read back whole: what was run, the tables and the
scenarios.

``ecosim compare`` and ``ecosim sweep`` write the folders; their figures and the brief are both drawn
from this one reading of them, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from analysis.assumptions import policy_starts
from ecosystem.config import ScenarioError
from ecosystem.experiments.compare import scenario_file_stem
from ecosystem.experiments.schema import Outcome, SweepFile

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
    """Read a comparison folder; a folder that is not one raises ``ScenarioError`` naming what is missing."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ScenarioError(f"{folder}: no such results folder")
    missing = [name for name in NEEDED if not (folder / name).is_file()]
    if missing:
        raise ScenarioError(f"{folder}: not a finished comparison (missing {', '.join(missing)}); "
                            f"run ecosim compare ... --out {folder} first")
    try:
        about = json.loads((folder / "compare.json").read_text(encoding="utf-8"))
        scenarios = {name: yaml.safe_load((folder / "scenarios" / f"{scenario_file_stem(name)}.yaml")
                                          .read_text(encoding="utf-8")) for name in about["scenarios"]}
        return CompareResults(
            folder=folder, about=about, outcomes=[Outcome.model_validate(o) for o in about["outcomes"]],
            summary=pl.read_parquet(folder / "summary.parquet"), table=pl.read_parquet(folder / "outcomes.parquet"),
            bands=pl.read_parquet(folder / "bands.parquet"), scenarios=scenarios)
    except (OSError, KeyError, ValueError, yaml.YAMLError, pl.exceptions.PolarsError) as err:
        raise ScenarioError(f"{folder}: unreadable comparison results: {type(err).__name__}: "
                            f"{str(err).splitlines()[0] if str(err) else ''}") from None


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
    """Read a finished sweep folder; a folder that is not one raises ``ScenarioError`` naming what is missing."""
    folder = Path(folder)
    missing = [n for n in ("sweep.yaml", "outcomes.parquet", "point_means.parquet") if not (folder / n).is_file()]
    if missing:
        raise ScenarioError(f"{folder}: not a finished sweep (missing {', '.join(missing)}); run ecosim sweep ... "
                            f"--out {folder} first")
    try:
        record = yaml.safe_load((folder / "sweep.yaml").read_text(encoding="utf-8"))
        sensitivity = folder / "sensitivity.parquet"
        return SweepResults(
            folder=folder, file=SweepFile.model_validate(record["sweep"]), base=record["base"],
            table=pl.read_parquet(folder / "outcomes.parquet"), means=pl.read_parquet(folder / "point_means.parquet"),
            sensitivity=pl.read_parquet(sensitivity) if sensitivity.is_file() else pl.DataFrame())
    except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError, pl.exceptions.PolarsError) as err:
        raise ScenarioError(f"{folder}: unreadable sweep results: {type(err).__name__}: "
                            f"{str(err).splitlines()[0] if str(err) else ''}") from None
