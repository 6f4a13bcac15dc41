"""A parameter sweep: load the sweep file, plan its runs, and turn finished runs into tables.

Every point of the design is checked against the scenario schema before anything runs, so a bad
range fails at once with the sweep file, the parameter and the field that refused it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from ecosystem.calibration.posterior import Posterior
from ecosystem.config import MAX_SEED, Scenario, ScenarioError, validate_scenario
from ecosystem.experiments.batch import RunSpec, check_run_count, run_files
from ecosystem.experiments.designs import design_table, runs_in, value_of
from ecosystem.experiments.outcomes import check_outcomes, outcome_table
from ecosystem.experiments.schema import Parameter, SweepError, SweepFile, read_sweep_file
from ecosystem.io import MAX_NAME_LENGTH, write_text, write_with
from ecosystem.output_folder import OutputFolder
from ecosystem.scenario_files import load_scenario, set_by_path


@dataclass(frozen=True)
class Sweep:
    file: SweepFile
    source: str
    base: Scenario

    @property
    def base_raw(self) -> dict[str, Any]:
        return self.base.model_dump(mode="json")


def load_sweep(path: str | Path, *, overrides: dict[str, Any] | None = None) -> Sweep:
    """Read the sweep file, load its base scenario (with the file's ``overrides``, then ``overrides``
    from the command line), and check every parameter and outcome against it."""
    path = Path(path)
    file = read_sweep_file(path)
    check_names(file, source=str(path))
    try:
        check_run_count(runs_in(file), what=f"{path}: {file.design.kind} design x {file.seeds} seeds")
    except ScenarioError as err:
        raise SweepError(str(err)) from None
    if file.first_seed + file.seeds - 1 > MAX_SEED:
        raise SweepError(f"{path}: first_seed + seeds - 1 = {file.first_seed + file.seeds - 1}; seeds go up to "
                         "2**63-1")
    try:
        base = load_scenario(path.parent / file.base, overrides={**file.overrides, **(overrides or {})})
    except ScenarioError as err:
        raise SweepError(f"{path}: base: {err}") from None
    sweep = Sweep(file=file, source=str(path), base=base)
    check_outcomes(file.outcomes, base, source=str(path))
    for i, parameter in enumerate(file.parameters):
        extremes = parameter.levels if parameter.levels is not None else [parameter.low, parameter.high]
        for raw in extremes:
            value = raw if parameter.levels is not None else value_of(parameter, raw)
            where = f"{path}: parameters.{i} ({parameter.label}={value!r})"
            varied = validate_scenario(apply_values(sweep, {parameter.label: value}, source=where), source=where)
            check_outcomes(file.outcomes, varied, source=where)  # e.g. a point whose end is before an outcome
    return sweep


RESERVED_COLUMNS = ("point", "seed")  # columns every sweep table has


def check_names(file: SweepFile, *, source: str) -> None:
    """Parameter and outcome names become columns of one table: refuse, before any run, a name the
    table already has (``point``, ``seed``, or another parameter's or outcome's)."""
    labels = [p.label for p in file.parameters]
    named = [(f"parameters.{i}.name", label) for i, label in enumerate(labels)]
    named += [(f"outcomes.{i}.name", o.name) for i, o in enumerate(file.outcomes)]
    for where, name in named:  # names also become figure file names
        if len(name) > MAX_NAME_LENGTH:
            raise SweepError(f"{source}: {where}: {len(name)} characters; names of columns and figures are "
                             f"limited to {MAX_NAME_LENGTH} (set a shorter name:)")
    for i, label in enumerate(labels):
        if label in RESERVED_COLUMNS:
            raise SweepError(f"{source}: parameters.{i}: the name {label!r} is a column every sweep table has "
                             f"({', '.join(RESERVED_COLUMNS)}); set name: to something else")
    for i, outcome in enumerate(file.outcomes):
        if outcome.name in RESERVED_COLUMNS:
            raise SweepError(f"{source}: outcomes.{i}.name: {outcome.name!r} is a column every sweep table has "
                             f"({', '.join(RESERVED_COLUMNS)}); choose another name")
        if outcome.name in labels:
            raise SweepError(f"{source}: outcomes.{i}.name: {outcome.name!r} is also a parameter's name; "
                             "outcome and parameter names must differ")


def apply_values(sweep: Sweep, values: dict[str, Any], *, source: str,
                 base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The base scenario (or ``base``: it with a posterior draw) with ``values`` (by parameter label) set,
    validated, as a plain dict."""
    raw = copy.deepcopy(sweep.base_raw if base is None else base)
    by_label = {p.label: p for p in sweep.file.parameters}
    try:
        for label, value in values.items():
            for dotted in expand_path(raw, by_label[label]):
                set_by_path(raw, dotted, value)
        return validate_scenario(raw, source=source).model_dump(mode="json")
    except ScenarioError as err:
        message = str(err)
        raise SweepError(message if message.startswith(source) else f"{source}: {message}") from None


def expand_path(raw: dict[str, Any], parameter: Parameter) -> list[str]:
    """``vendors.*.components`` to one path per vendor; a path without ``*`` to itself."""
    paths = [""]
    node_of = {"": raw}
    for key in parameter.path.split("."):
        expanded, nodes = [], {}
        for prefix in paths:
            node = node_of[prefix]
            keys = [key]
            if key == "*":
                if not isinstance(node, list):
                    where = prefix or "the top level"
                    raise ScenarioError(f"{parameter.path}: * stands for list items; {where} is not a list")
                keys = [str(item.get("name", i)) if isinstance(item, dict) else str(i)
                        for i, item in enumerate(node)]
            for k in keys:
                path = f"{prefix}.{k}" if prefix else k
                expanded.append(path)
                nodes[path] = _child(node, k)
        paths, node_of = expanded, nodes
    return paths


def _child(node: Any, key: str) -> Any:
    if isinstance(node, dict):
        return node.get(key)
    if isinstance(node, list):
        for i, item in enumerate(node):
            if (isinstance(item, dict) and item.get("name") == key) or str(i) == key:
                return item
    return None


def plan_sweep(sweep: Sweep, *, folder: Path, posterior: Posterior | None = None,
               fixed: Collection[str] = ()) -> tuple[pl.DataFrame, list[RunSpec]]:
    """The design table and one run spec per point and seed (points validated before returning). With a
    ``posterior``, each seed's particle is set first and the point's values over it; the posterior may draw
    neither a swept path nor one --set gives (``fixed``)."""
    design = design_table(sweep.file)
    labels = [p.label for p in sweep.file.parameters]
    seeds = sweep_seeds(sweep)
    runs_folder = str(folder.resolve())
    bases = dict.fromkeys(seeds)
    if posterior is not None:
        swept = {path for p in sweep.file.parameters for path in expand_path(sweep.base_raw, p)}
        posterior.check_paths(sweep.base_raw, source=f"{sweep.source}: base", fixed={*fixed, *swept})
        bases = {seed: posterior.apply(sweep.base_raw, seed, source=f"{sweep.source}: base") for seed in seeds}
    specs = []
    for row in design.iter_rows(named=True):
        values = {label: row[label] for label in labels}
        where = f"{sweep.source}: point {row['point']}"
        specs.extend(RunSpec(label=f"p{row['point']:05d}", scenario=apply_values(sweep, values, source=where,
                                                                                  base=bases[seed]),
                             seed=seed, folder=runs_folder, tags={"point": row["point"]},
                             params=values if posterior is None else {**posterior.values(seed), **values})
                     for seed in seeds)
    return design, specs


def sweep_seeds(sweep: Sweep) -> range:
    return range(sweep.file.first_seed, sweep.file.first_seed + sweep.file.seeds)


def sweep_outcomes(sweep: Sweep, design: pl.DataFrame, specs: list[RunSpec]) -> pl.DataFrame:
    """One row per finished run: point, seed, the parameter values and the outcomes."""
    table = outcome_table(run_files(specs), sweep.file.outcomes, keys=["point"])
    return design.join(table, on="point", how="inner").select("point", "seed", *design.columns[1:],
                                                               *[o.name for o in sweep.file.outcomes])


def point_means(sweep: Sweep, outcomes: pl.DataFrame) -> pl.DataFrame:
    """Each outcome averaged over the seeds of a point."""
    names = [o.name for o in sweep.file.outcomes]
    labels = [p.label for p in sweep.file.parameters]
    return (outcomes.group_by("point", maintain_order=True)
            .agg(*[pl.col(label).first() for label in labels], *[pl.col(n).mean() for n in names],
                 pl.len().alias("runs"))
            .sort("point"))


@dataclass(frozen=True)
class SweepTables:
    outcomes: pl.DataFrame
    means: pl.DataFrame
    sensitivity: pl.DataFrame
    sensitivity_error: str | None
    one_way: pl.DataFrame  # a one-parameter grid's levels against the reference (``one_way``); else empty


def finish_sweep(sweep: Sweep, design: pl.DataFrame, specs: list[RunSpec], *, out: Path) -> SweepTables:
    """Read the finished runs and write ``outcomes.parquet``, ``point_means.parquet``,
    ``sensitivity.parquet`` (indices need every point; if some failed, the reason is returned) and, for a
    grid over one parameter, ``one_way.parquet``."""
    from ecosystem.experiments.one_way import is_one_way, one_way_summary
    from ecosystem.experiments.sensitivity import COLUMNS, sensitivity_table

    outcomes = sweep_outcomes(sweep, design, specs)
    means = point_means(sweep, outcomes)
    error = None
    try:
        sensitivity = sensitivity_table(sweep.file, means)
    except SweepError as err:
        sensitivity, error = pl.DataFrame(schema=COLUMNS), str(err)
    one_way = one_way_summary(sweep, outcomes) if is_one_way(sweep) else pl.DataFrame()
    tables = {"outcomes": outcomes, "point_means": means, "sensitivity": sensitivity}
    if is_one_way(sweep):
        tables["one_way"] = one_way
    for name, table in tables.items():
        write_with(out / f"{name}.parquet", table.write_parquet)
    return SweepTables(outcomes, means, sensitivity, error, one_way)


def conclude_sweep(sweep: Sweep, design: pl.DataFrame, specs: list[RunSpec], folder: OutputFolder, *,
                   draw: Callable[[Path, SweepTables], None] | None = None) -> SweepTables:
    """``finish_sweep`` into a staging folder of the owned ``folder``, ``draw`` adding figures there, swapped
    in together (``point_means.parquet`` last). The CLI and the Python API share it."""
    staging = folder.staging()
    tables = finish_sweep(sweep, design, specs, out=staging)
    if draw is not None:
        draw(staging, tables)
    folder.commit(staging, replaces=("outcomes.parquet", "point_means.parquet", "sensitivity.parquet",
                                     "one_way.parquet", "figures"), last=("point_means.parquet",))
    return tables


def record_plan(sweep: Sweep, design: pl.DataFrame, folder: OutputFolder, *,
                posterior: Posterior | None = None) -> None:
    """``write_plan`` into the owned ``folder``, swapped in before any run starts."""
    staging = folder.staging()
    write_plan(sweep, design, out=staging, posterior=posterior)
    folder.commit(staging, replaces=("design.parquet", "sweep.yaml"))


def write_plan(sweep: Sweep, design: pl.DataFrame, *, out: Path, posterior: Posterior | None = None) -> None:
    """The design table and the sweep file as run (with its resolved base and the posterior's draws, if any),
    before any run starts."""
    write_with(out / "design.parquet", design.write_parquet)
    record = {"sweep": sweep.file.model_dump(mode="json"), "source": sweep.source, "base": sweep.base_raw,
              "posterior": None if posterior is None else posterior.record(sweep_seeds(sweep))}
    write_text(out / "sweep.yaml", yaml.safe_dump(record, sort_keys=False))
