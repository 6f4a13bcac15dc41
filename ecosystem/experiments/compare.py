"""Compare scenarios over common seeds: seed i is the same for every scenario (common random numbers),
so each scenario's difference from the first is taken seed by seed."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from ecosystem.calibration.posterior import Posterior
from ecosystem.config import Scenario
from ecosystem.experiments.batch import RunSpec, check_run_count, run_files
from ecosystem.experiments.outcomes import check_outcomes, outcome_over_time, outcome_table, write_tidy_table
from ecosystem.experiments.registry import info_of
from ecosystem.experiments.schema import Outcome, SweepError
from ecosystem.experiments.stats import mean_ci, paired_difference
from ecosystem.io import first_repeated, safe_file_name, write_text, write_with
from ecosystem.metric_table import SHARE
from ecosystem.output_folder import EVERYTHING, OutputFolder

SUMMARY_COLUMNS = ["outcome", "label", "unit", "worse", "scenario", "n", "mean", "ci_low", "ci_high", "diff",
                   "diff_low", "diff_high", "rel", "rel_low", "rel_high"]
# Its bands are written beside the outcomes' (a brief draws them): the share of machine-made new pages.
CONTEXT_METRIC = "web.synthetic_share_new"


def plan_compare(scenarios: Sequence[Scenario], *, seeds: Sequence[int], folder: Path,
                 posterior: Posterior | None = None, fixed: Collection[str] = ()) -> list[RunSpec]:
    """Every scenario on every seed; scenario names label the runs and must differ. With a ``posterior``,
    each seed's particle is set in every scenario (``fixed``: the paths --set gives, which it may not draw)."""
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise SweepError(f"scenario names must differ to be compared, got {names}; set name: in each file")
    if not seeds:
        raise SweepError("compare needs at least one seed")
    raws = [s.model_dump(mode="json") for s in scenarios]
    if posterior is not None:
        for s, raw in zip(scenarios, raws, strict=True):
            posterior.check_paths(raw, source=s.name, fixed=set(fixed))
    return [
        RunSpec(label=s.name, seed=seed, folder=str(folder.resolve()), tags={"scenario": s.name},
                scenario=raw if posterior is None else posterior.apply(raw, seed, source=s.name),
                params={} if posterior is None else posterior.values(seed))
        for seed in seeds for s, raw in zip(scenarios, raws, strict=True)
    ]


@dataclass(frozen=True)
class ComparePlan:
    """A comparison checked before anything runs: its scenarios (the reference first), outcomes and runs."""

    scenarios: list[Scenario]
    outcomes: list[Outcome]
    specs: list[RunSpec]

    @property
    def order(self) -> list[str]:
        return [s.name for s in self.scenarios]


def prepare_compare(scenarios: Sequence[Scenario], *, sources: Sequence[str], outcomes: Sequence[Outcome] = (),
                    seeds: Sequence[int], out: Path, posterior: Posterior | None = None,
                    fixed: Collection[str] = ()) -> ComparePlan:
    """Check the outcomes against every scenario (``sources``: their files) and the batch's size, and plan
    the runs into ``out/runs``; no outcomes: ``default_outcome``. The CLI and the Python API share it."""
    outcomes = list(outcomes) or [default_outcome(scenarios[0])]
    twice = first_repeated([o.name for o in outcomes])
    if twice is not None:
        raise SweepError(f"--outcome {twice!r} given twice; give each outcome once")
    for source, scenario in zip(sources, scenarios, strict=True):
        check_outcomes(outcomes, scenario, source=source)
    check_run_count(len(scenarios) * len(seeds), what=f"compare: {len(scenarios)} scenarios x {len(seeds)} seeds")
    specs = plan_compare(scenarios, seeds=seeds, folder=out / "runs", posterior=posterior, fixed=fixed)
    return ComparePlan(list(scenarios), outcomes, specs)


def conclude_compare(plan: ComparePlan, folder: OutputFolder, *, about: dict[str, Any],
                     draw: Callable[[Path], None] | None = None) -> pl.DataFrame:
    """Write the finished runs' tables (``finish_compare``) into a staging folder of the owned ``folder``,
    let ``draw`` add figures there, and swap them in together, ``compare.json`` last; return the summary."""
    staging = folder.staging()
    summary, _ = finish_compare(plan.specs, plan.outcomes, order=plan.order, out=staging, about=about)
    if draw is not None:
        draw(staging)
    folder.commit(staging, replaces=(EVERYTHING,), last=("compare.json",))
    return summary


def default_outcome(scenario: Scenario) -> Outcome:
    """The synthetic share of new pages in the last month."""
    return Outcome(name=f"web.synthetic_share_new@{scenario.date_of(scenario.months - 1):%Y-%m}",
                   metric="web.synthetic_share_new", at=scenario.date_of(scenario.months - 1))


def summarize(table: pl.DataFrame, outcomes: Sequence[Outcome], *, order: Sequence[str],
              level: float = 0.95) -> pl.DataFrame:
    """Per outcome and scenario: mean and t-interval (kept inside [0, 1] for a share), the seed-paired difference
    from ``order[0]`` with its interval, and that difference relative to the reference mean in percent (``rel``)."""
    rows = []
    for outcome in outcomes:
        info = info_of(outcome)
        wide = table.pivot(on="scenario", index="seed", values=outcome.name).sort("seed")
        reference = wide[order[0]].to_numpy() if order[0] in wide.columns else None
        reference_mean = mean_ci(reference, level=level).mean if reference is not None else math.nan
        for name in order:
            values = wide[name].to_numpy() if name in wide.columns else []
            level_estimate = mean_ci(values, level=level, within=(0.0, 1.0) if info.unit == SHARE else None)
            if reference is not None and name in wide.columns:
                diff = paired_difference(values, reference, level=level)
                diff_row = (diff.mean, diff.low, diff.high)
                rel_row = tuple(_percent(v, reference_mean) for v in diff_row)
            else:
                diff_row = rel_row = (None, None, None)
            rows.append((outcome.name, info.label, info.unit, info.worse or "", name, level_estimate.n,
                         level_estimate.mean, level_estimate.low, level_estimate.high, *diff_row, *rel_row))
    schema = {"outcome": pl.Utf8, "label": pl.Utf8, "unit": pl.Utf8, "worse": pl.Utf8, "scenario": pl.Utf8,
              "n": pl.Int64, **{c: pl.Float64 for c in SUMMARY_COLUMNS[6:]}}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _percent(value: float, reference: float) -> float | None:
    if value is None or not math.isfinite(value) or not math.isfinite(reference) or reference == 0:
        return None
    return 100.0 * value / abs(reference)


def bands(series: pl.DataFrame, *, level: float = 0.95) -> pl.DataFrame:
    """From (scenario, seed, date, value) to the mean and t-interval per scenario and month."""
    rows = []
    for (scenario, date), group in series.group_by(["scenario", "date"]):
        estimate = mean_ci(group["value"].to_numpy(), level=level)
        rows.append((scenario, date, estimate.n, estimate.mean, estimate.low, estimate.high))
    return pl.DataFrame(rows, schema={"scenario": pl.Utf8, "date": pl.Date, "n": pl.Int64, "mean": pl.Float64,
                                      "ci_low": pl.Float64, "ci_high": pl.Float64},
                        orient="row").sort("scenario", "date")


def finish_compare(specs: Sequence[RunSpec], outcomes: Sequence[Outcome], *, order: Sequence[str],
                   out: Path, about: dict[str, Any] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Write ``runs.parquet`` (every month of every run), ``outcomes.parquet`` (one row per run),
    ``summary.parquet``, ``bands.parquet`` (each outcome's mean and interval per scenario and month),
    ``compare.json`` (what was compared: ``about`` plus seeds and outcomes) and each resolved scenario
    under ``scenarios/``; return the summary and the bands."""
    files = run_files(specs)
    write_tidy_table(files, out / "runs.parquet")
    table = outcome_table(files, outcomes, keys=["scenario"])
    write_with(out / "outcomes.parquet", table.write_parquet)
    summary = summarize(table, outcomes, order=order)
    write_with(out / "summary.parquet", summary.write_parquet)
    context = Outcome(name=CONTEXT_METRIC, metric=CONTEXT_METRIC, start=_first_date(specs), end=_last_date(specs),
                      agg="mean")
    parts = [bands(outcome_over_time(files, o, keys=["scenario"])).with_columns(pl.lit(o.name).alias("outcome"))
             for o in {o.name: o for o in [*outcomes, context]}.values()]
    over_time = pl.concat(parts).select("outcome", "scenario", "date", "n", "mean", "ci_low", "ci_high")
    write_with(out / "bands.parquet", over_time.write_parquet)
    for name in order:
        scenario = next(spec.scenario for spec in specs if spec.label == name)
        write_text(out / "scenarios" / f"{scenario_file_stem(name)}.yaml", yaml.safe_dump(scenario, sort_keys=False))
    record = {**(about or {}), "reference": order[0], "scenarios": list(order),
              "seeds": sorted({spec.seed for spec in specs}), "outcomes": [o.model_dump(mode="json") for o in outcomes]}
    write_text(out / "compare.json", json.dumps(record, indent=2, default=str) + "\n")
    return summary, over_time


def scenario_file_stem(name: str) -> str:
    """A scenario's name as a file name inside ``scenarios/`` (safe and short, see ``safe_file_name``)."""
    return safe_file_name(name)


def _first_date(specs: Sequence[RunSpec]) -> str:
    return min(spec.scenario["start"] for spec in specs)


def _last_date(specs: Sequence[RunSpec]) -> str:
    return max(spec.scenario["end"] for spec in specs)
