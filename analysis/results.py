"""A comparison's results folder, read back whole: what was compared, the tables and the scenarios.

``ecosim compare`` writes the folder (``ecosystem.experiments.compare.finish_compare``); its figures
and the brief are both drawn from this one reading of it, so they cannot disagree.
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
from ecosystem.experiments.schema import Outcome

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
