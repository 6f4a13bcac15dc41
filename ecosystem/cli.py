"""The ``ecosim`` command line: thin commands over library functions. Only this module prints or exits.

The CLI is the outer layer: it may use ``analysis`` (figures); the library never does.
"""

from __future__ import annotations

import contextlib
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ecosystem.config import ScenarioError
from ecosystem.output_folder import EVERYTHING, OutputFolder
from ecosystem.scenario_files import load_scenario

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Simulate the web's content ecosystem and the model collapse it breeds.")
console = Console()
errors = Console(stderr=True)


def fail(message: str) -> None:
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def progress_bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=errors, transient=False, disable=not errors.is_terminal)


@app.command()
def validate(scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")], set_: SetOption = None,
             end: EndOption = None) -> None:
    """Check a scenario file without running it.  Example: ecosim validate scenarios/baseline.yaml --end 2030-12"""
    try:
        resolved = _load(scenario, set_, end)
    except ScenarioError as err:
        fail(str(err))
    console.print(f"{scenario}: valid ({resolved.name}, {resolved.months} months, {len(resolved.vendors)} vendors)")


@app.command()
def metrics(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    set_: SetOption = None,
    end: EndOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print every metric as JSON (those not written too).")]
    = False,
) -> None:
    """Every metric the scenario writes: its plain label, unit, entities, which direction is worse, and an
    --outcome that reads it.  Example: ecosim metrics scenarios/first_mover.yaml"""
    import json

    from ecosystem.experiments.metric_list import scenario_metrics

    try:
        rows = scenario_metrics(_load(scenario, set_, end))
    except ScenarioError as err:
        fail(str(err))
    if as_json:
        typer.echo(json.dumps([row.as_dict() for row in rows], indent=2))
        return
    written = [row for row in rows if not row.needs]
    table = Table(title=f"Metrics of {scenario}", caption_justify="left", caption="; ".join(dict.fromkeys(
        f"{row.name.split('.')[1]}: {', '.join(row.entities)}" for row in written if row.entities)))
    for column in ("metric", "label", "unit", "worse"):
        table.add_column(column, no_wrap=column == "metric")
    for row in written:
        table.add_row(row.name, row.label, row.unit, row.worse)
    console.print(table)
    example = next((row.outcome for row in written if row.outcome.startswith("mean(")), "mean(vendor.*.nll)@2030")
    console.print(f"As an outcome: METRIC@YYYY-MM, METRIC@YYYY or METRIC@YYYY-MM..YYYY-MM; across vendors e.g. "
                  f"{example}", highlight=False, soft_wrap=True)
    missing = sorted({row.needs for row in rows if row.needs})
    if missing:
        console.print(f"{sum(bool(row.needs) for row in rows)} more need what this scenario lacks: "
                      f"{'; '.join(missing)} (--json lists them)", highlight=False, soft_wrap=True)


SetOption = Annotated[list[str] | None, typer.Option(
    "--set", help="PATH=VALUE: change a scenario field (repeatable; VALUE is YAML; PATH+=VALUE appends to a "
                  "list), e.g. --set humans.writers=200 --set vendors.Pioneer.temperature=0.8")]
EndOption = Annotated[str | None, typer.Option(help="YYYY-MM: stop the simulation at this month.")]


def _load(path: Path, sets: list[str] | None, end: str | None):
    """A scenario file with the command line's --set and --end applied, validated as one."""
    from ecosystem.overrides import parse_sets

    return load_scenario(path, overrides=parse_sets(sets, end=end))


def _load_compared(paths: list[Path], sets: list[str] | None, end: str | None) -> list:
    """Each compared scenario with the --set that apply to it: PATH=VALUE to every one, NAME:PATH=VALUE only to the
    scenario whose name (or file name without .yaml) is NAME. A NAME no scenario has is refused."""
    shared = [text for text in sets or [] if ":" not in text.partition("=")[0]]
    targeted = [text for text in sets or [] if ":" in text.partition("=")[0]]
    loaded = []
    used: set[str] = set()
    for path in paths:
        scenario = _load(path, shared, end)
        mine = [text for text in targeted if text.partition(":")[0].strip() in (scenario.name, path.stem)]
        used.update(mine)
        if mine:
            scenario = _load(path, shared + [text.partition(":")[2] for text in mine], end)
        loaded.append(scenario)
    unused = [text for text in targeted if text not in used]
    if unused:
        names = ", ".join(scenario.name for scenario in loaded)
        raise ScenarioError(f"--set {unused[0]}: no compared scenario is named {unused[0].partition(':')[0]!r} "
                            f"(scenarios: {names}; NAME:PATH=VALUE changes one of them)")
    return loaded


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    seed: Annotated[int | None, typer.Option(min=0, max=2**63 - 1, help="Random seed (default: the scenario's).")]
    = None,
    out: Annotated[Path | None, typer.Option(help="Results folder (default: results/<scenario name>).")] = None,
    figures: Annotated[bool, typer.Option(help="Draw the run's figures.")] = True,
    set_: SetOption = None,
    end: EndOption = None,
) -> None:
    """Run a scenario and write its results folder.  Example: ecosim run scenarios/baseline.yaml --seed 1
    --end 2030-12 --set humans.writers=200"""
    if figures:  # matplotlib, imported before the run only when its figures will be drawn
        from analysis.run_figures import draw_run_figures, run_note
    from ecosystem.experiments.run import RunFolder, simulate, write_run_files
    from ecosystem.io import safe_file_name

    try:
        resolved = _load(scenario, set_, end)
    except ScenarioError as err:
        fail(str(err))
    out = out or Path("results") / safe_file_name(resolved.name)
    folder = _own(RunFolder(out))  # checked, locked and marked before a month is simulated
    with progress_bar() as bar:
        task = bar.add_task(f"{resolved.name}: months", total=resolved.months)
        result = simulate(resolved, seed=seed, progress=lambda done, _: bar.update(task, completed=done))
    write_run_files(result, folder.staging)
    if figures:
        try:
            draw_run_figures(result.metrics, note=run_note(resolved.name, result.seed, result.metrics),
                             folder=folder.staging / "figures")
        except Exception as err:  # noqa: BLE001 - the simulated data is worth keeping without its figures
            import shutil

            shutil.rmtree(folder.staging / "figures", ignore_errors=True)
            errors.print(f"[bold yellow]figures not drawn[/] ({type(err).__name__}: {str(err)[:200]}); the run's "
                         "data is saved", highlight=False, soft_wrap=True)
    folder.commit()
    console.print(summary_table(result))
    console.print(f"Results in {out}/ ({result.wall_seconds:.1f} s)")
    if result.warning:
        errors.print(result.warning, highlight=False, soft_wrap=True)


def summary_table(result) -> Table:
    """The last month: the web's headline metrics as the caption, one row per vendor."""
    from analysis.summary import vendor_headline, web_headline

    web = web_headline(result.metrics)
    caption = "  ".join(f"{name} {value:,.0f}" if value.is_integer() else f"{name} {value:.3g}"
                        for name, value in web.items())
    table = Table(title=f"{result.scenario.name} (seed {result.seed}), {result.scenario.end:%Y-%m}",
                  caption=caption, caption_justify="left")
    vendors = vendor_headline(result.metrics)
    for column in vendors.columns:
        table.add_column(column, justify="left" if column == "vendor" else "right")
    for row in vendors.iter_rows():
        table.add_row(*(f"{v:.3g}" if isinstance(v, float) else "" if v is None else str(v) for v in row))
    return table


# ----------------------------------------------------------------------------------------------
# Comparisons and sweeps: many runs on local processes or a Dask cluster


WorkersOption = Annotated[int | None, typer.Option(help="Local worker processes (default: every core; 1 runs "
                                                        "in this process).")]
SchedulerOption = Annotated[str | None, typer.Option(help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")]
DaskLocalOption = Annotated[int | None, typer.Option(help="Start a Dask LocalCluster, N processes.")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Print how many runs it would do, and stop.")]
PosteriorOption = Annotated[Path | None, typer.Option(
    help="A calibration's results folder (ecosim calibrate --out) or its posterior.parquet: each seed's "
         "parameters are drawn from its last generation by weight, the same in every scenario, so intervals cover "
         "calibration uncertainty too.")]


def _drawn(posterior: Path | None, sets: list[str] | None):
    """The posterior to draw from (None without --posterior) and the paths --set fixes, which it may not draw."""
    from ecosystem.calibration.posterior import load_posterior
    from ecosystem.overrides import parse_sets

    return (None if posterior is None else load_posterior(posterior)), set(parse_sets(sets))


def _own(resource):
    """Enter a folder's lock (``FolderLock``, ``RunFolder``) for the rest of the command, or fail with
    one line if the folder cannot be written or another command owns it."""
    from ecosystem.io import OutputError

    try:
        from typer._click.globals import get_current_context  # typer >= 0.17 ships its own click
    except ImportError:
        from click import get_current_context
    try:
        owned = resource.__enter__()
    except OutputError as err:
        fail(str(err))
    get_current_context().call_on_close(resource.__exit__)
    return owned


def _check(folder):
    """Refuse an output folder (``OutputFolder``, ``RunFolder``) this command may not write into, before
    anything runs: it must be new, empty or this kind of command's own (writes and removes nothing)."""
    from ecosystem.io import OutputError

    try:
        folder.check()
    except OutputError as err:
        fail(str(err))


def _own_unless_dry_run(folder, specs, *, dry_run: bool, what: str) -> bool:
    """Check the output folder before any run; with --dry-run only say how many runs are left (writing
    nothing) and return False, else own the folder for the rest of the command."""
    _check(folder)
    if dry_run:
        done = sum(spec.is_done() for spec in specs)
        console.print(f"{len(specs)} runs ({what}): {done} already done, {len(specs) - done} to do")
        return False
    _own(folder)
    return True


def _commit(folder, staging: Path, **how) -> None:
    """``folder.commit(staging, **how)``, or one line if a file the user put there is in the way."""
    from ecosystem.io import OutputError

    try:
        folder.commit(staging, **how)
    except OutputError as err:
        fail(str(err))


def _executor(*, workers: int | None, scheduler: str | None, dask_local: int | None, start: bool = False):
    """The executor the options ask for, checked before any file is written; with ``start``, local
    workers (a fork server, or a Dask LocalCluster) start importing the package at once, while this
    process imports and plans."""
    from ecosystem.experiments.executors import DaskCluster, ExecutorError, LocalProcesses, choose_executor

    try:
        executor = choose_executor(workers=workers, scheduler=scheduler, dask_local=dask_local)
    except ExecutorError as err:
        fail(str(err))
    if start and isinstance(executor, LocalProcesses | DaskCluster):
        with _interrupted_before_the_runs():
            executor.start()
    return executor


@contextlib.contextmanager
def _interrupted_before_the_runs():
    """Ctrl-C while the command imports and plans (local workers are already starting): one line, exit 130.
    Once the runs start, ``_run_all`` says how many finished."""
    try:
        yield
    except KeyboardInterrupt:
        errors.print("interrupted before the first run started; run the same command again", highlight=False,
                     soft_wrap=True)
        raise typer.Exit(code=130) from None


def _run_all(specs, *, what: str, executor, out: Path):
    """Run the specs not yet on disk with a progress bar; print each failure as one line. Ctrl-C stops
    at once: finished runs stay on disk and the same command resumes."""
    from ecosystem.experiments.batch import damaged_runs, run_batch
    from ecosystem.experiments.executors import ExecutorError

    for line in damaged_runs(specs):
        errors.print(f"[bold yellow]damaged run file, running it again:[/] {line}", highlight=False,
                     soft_wrap=True)
    todo = sum(not spec.is_done() for spec in specs)
    console.print(f"{what}: {len(specs)} runs, {len(specs) - todo} already done, {todo} to do "
                  f"on {executor.description}")

    def report(spec, failure) -> None:
        bar.advance(task)
        if failure is not None:
            errors.print(f"[bold red]run failed:[/] {failure.describe()}", highlight=False, soft_wrap=True)

    try:
        with progress_bar() as bar, executor:
            task = bar.add_task(f"{what}: runs", total=todo)
            return run_batch(specs, executor=executor, on_finish=report)
    except KeyboardInterrupt:
        finished = sum(spec.is_done() for spec in specs)
        errors.print(f"interrupted: {finished} of {len(specs)} runs are finished and saved in {out}/; run the "
                     "same command again to resume (finished runs are skipped)", highlight=False, soft_wrap=True)
        raise typer.Exit(code=130) from None
    except (OSError, ExecutorError) as err:
        fail(f"{executor.description}: {err}")


def shell_command(groups: list[list[object]], *, width: int = 80) -> str:
    """A command to copy and paste: each word quoted for the shell, groups of words (an option with its value)
    kept together, and lines longer than ``width`` broken between groups with a trailing `` \\``."""
    import shlex

    units = [" ".join(shlex.quote(str(word)) for word in group) for group in groups]
    lines = [units[0]]
    for unit in units[1:]:
        if len(lines[-1]) + len(unit) + 3 <= width:  # room for " " + unit and a later " \\"
            lines[-1] += f" {unit}"
        else:
            lines.append(f"    {unit}")
    return " \\\n".join(lines)


def _exit_if_failed(report) -> None:
    if report.failures:
        errors.print(f"[bold red]{len(report.failures)} run(s) failed[/]; the others are saved. Fix the "
                     "cause and re-run the same command: finished runs are skipped.",
                     highlight=False, soft_wrap=True)
        raise typer.Exit(code=1)


@app.command()
def compare(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario YAML files; the first is the reference.")],
    out: Annotated[Path, typer.Option(help="Results folder (runs/, runs.parquet, summary.parquet...).")],
    seeds: Annotated[int, typer.Option(min=1, help="Seeds per scenario, common to all scenarios.")] = 5,
    first_seed: Annotated[int, typer.Option(min=0, help="Seeds are first_seed .. first_seed+seeds-1.")] = 0,
    outcome: Annotated[list[str] | None, typer.Option(
        help="What to compare (repeatable): METRIC@YYYY-MM (one month), METRIC@YYYY (mean over the year) or "
             "METRIC@YYYY-MM..YYYY-MM (mean over the window); mean(...), weighted(...) or worst(...) around "
             "vendor.*.METRIC combines vendors. Default: web.synthetic_share_new at the end.")] = None,
    set_: SetOption = None,
    end: EndOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    dask_local: DaskLocalOption = None,
    dry_run: DryRunOption = False,
    posterior: PosteriorOption = None,
) -> None:
    """Run scenarios on the same seeds and compare outcomes with paired 95% intervals. --set NAME:PATH=VALUE
    changes one scenario only (NAME: its name or file name).

    Example: ecosim compare scenarios/baseline.yaml scenarios/policies/watermark_half.yaml --seeds 5
    --end 2030-12 --outcome "mean(vendor.*.excess_nll)@2030" --out results/watermark
    """
    executor = _executor(workers=workers, scheduler=scheduler, dask_local=dask_local, start=not dry_run)
    with _interrupted_before_the_runs():
        from analysis.experiment_figures import draw_compare_results
        from analysis.results import read_compare
        from analysis.summary import format_summary
        from ecosystem.experiments.compare import conclude_compare, prepare_compare
        from ecosystem.experiments.schema import parse_outcome
        from ecosystem.io import OutputError

        try:
            loaded = _load_compared(scenarios, set_, end)
            drawn, fixed = _drawn(posterior, [text.partition(":")[2] if ":" in text.partition("=")[0] else text
                                              for text in set_ or []])
            plan = prepare_compare(loaded, sources=[str(p) for p in scenarios],
                                   outcomes=[parse_outcome(text) for text in outcome or []],
                                   seeds=range(first_seed, first_seed + seeds), out=out, posterior=drawn, fixed=fixed)
        except ScenarioError as err:
            fail(str(err))
        folder = OutputFolder(out, "compare")
        if not _own_unless_dry_run(folder, plan.specs, dry_run=dry_run,
                                   what=f"{len(loaded)} scenarios x {seeds} seeds"):
            return
        report = _run_all(plan.specs, what="compare", executor=executor, out=out)
    order = plan.order
    if report.done + report.skipped:
        about = {"files": [str(p) for p in scenarios], "set": set_ or [], "end": end,
                 "posterior": drawn and drawn.record(range(first_seed, first_seed + seeds))}
        try:
            summary = conclude_compare(plan, folder, about=about,
                                       draw=lambda staging: draw_compare_results(read_compare(staging), context=False))
        except (ScenarioError, OutputError) as err:
            fail(str(err))
        typer.echo(format_summary(summary, reference=order[0], width=min(80, console.width)))
        console.print(f"Results in {out}/", highlight=False)
        console.print("A brief from them:", highlight=False)
        typer.echo(shell_command([["ecosim", "brief"], [out], ["--out", out / "brief"]], width=min(80, console.width)))
    _exit_if_failed(report)


@app.command()
def sweep(
    sweep_file: Annotated[Path, typer.Argument(help="Sweep YAML file (base scenario, parameters, design).")],
    out: Annotated[Path | None, typer.Option(help="Results folder (default: results/sweeps/<name>).")] = None,
    set_: SetOption = None,
    end: EndOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    dask_local: DaskLocalOption = None,
    dry_run: DryRunOption = False,
    posterior: PosteriorOption = None,
    change: Annotated[float, typer.Option(min=0.1, max=1000, help="A grid over one parameter: report the level at "
                                          "which each outcome changes by this percent from the reference level.")]
    = 10.0,
) -> None:
    """Run a parameter sweep (grid, lhs, sobol or morris) and compute sensitivity indices; a grid over one
    parameter answers how each outcome changes against a reference level (seed-paired).

    Example: ecosim sweep scenarios/sweeps/sobol_five.yaml --scheduler tcp://10.0.0.5:8786
    """
    executor = _executor(workers=workers, scheduler=scheduler, dask_local=dask_local, start=not dry_run)
    with _interrupted_before_the_runs():
        from analysis.experiment_figures import draw_sweep_figures
        from ecosystem.experiments.sweep import conclude_sweep, load_sweep, plan_sweep, record_plan
        from ecosystem.io import OutputError, safe_file_name
        from ecosystem.overrides import parse_sets

        try:
            loaded = load_sweep(sweep_file, overrides=parse_sets(set_, end=end))
            folder = out or Path("results") / "sweeps" / safe_file_name(loaded.file.name)
            drawn, fixed = _drawn(posterior, set_)
            design, specs = plan_sweep(loaded, folder=folder / "runs", posterior=drawn, fixed=fixed)
        except ScenarioError as err:
            fail(str(err))
        owned = OutputFolder(folder, "sweep")
        what = f"{design.height} {loaded.file.design.kind} points x {loaded.file.seeds} seeds"
        if not _own_unless_dry_run(owned, specs, dry_run=dry_run, what=what):
            return
        try:
            record_plan(loaded, design, owned, posterior=drawn)
        except OutputError as err:
            fail(str(err))
        report = _run_all(specs, what=f"sweep {loaded.file.name}", executor=executor, out=folder)
    if report.done + report.skipped:
        def draw(staging: Path, tables) -> None:
            draw_sweep_figures(kind=loaded.file.design.kind, parameters=[p.label for p in loaded.file.parameters],
                               outcomes=[o.name for o in loaded.file.outcomes], means=tables.means,
                               sensitivity=tables.sensitivity, folder=staging / "figures", base=loaded.base_raw,
                               paths_of={p.label: p.path for p in loaded.file.parameters},
                               described=loaded.file.outcomes, one_way=tables.one_way, change=change,
                               note=f"sweep {loaded.file.name}: {loaded.file.design.kind} design, {design.height} "
                                    f"points x {loaded.file.seeds} seed(s); {loaded.base.start:%Y-%m} to "
                                    f"{loaded.base.end:%Y-%m}")

        try:
            tables = conclude_sweep(loaded, design, specs, owned, draw=draw)
        except (ScenarioError, OutputError) as err:
            fail(str(err))
        if tables.sensitivity_error:
            errors.print(f"no sensitivity indices: {tables.sensitivity_error}", highlight=False,
                         soft_wrap=True)
        if not tables.sensitivity.is_empty():
            title = "Sensitivity indices (conf: 95% half-width)"
            console.print(_frame_table(tables.sensitivity, title=title))
        if not tables.one_way.is_empty():
            _print_one_way(tables.one_way, loaded.file, change=change)
        console.print(f"Results in {folder}/")
    _exit_if_failed(report)


def _print_one_way(summary, file, *, change: float) -> None:
    """Each outcome of a one-parameter grid: its levels against the reference (seed-paired, 95% intervals),
    then the level at which it changes by ``change`` percent."""
    from analysis.rounding import with_interval
    from analysis.wording import threshold_text
    from ecosystem.experiments.one_way import levels_of, threshold

    parameter = file.parameters[0].label

    for outcome in file.outcomes:
        rows = levels_of(summary, outcome.name)
        table = Table(title=f"{outcome.name} by {parameter}", caption_justify="left",
                      caption=f"change: from {parameter} = {rows['level'][0]}, seed by seed; [95% interval]")
        for column in (parameter, "runs", "mean", "change", "change %"):
            table.add_column(column, justify="left" if column == parameter else "right", overflow="fold")
        for i, r in enumerate(rows.iter_rows(named=True)):
            changes = [with_interval(r["diff"], r["diff_low"], r["diff_high"]),
                       with_interval(r["rel"], r["rel_low"], r["rel_high"], sign=True, suffix="%")] if i \
                else ["reference", "reference"]
            table.add_row(r["level"], str(r["n"]), with_interval(r["mean"], r["ci_low"], r["ci_high"]), *changes)
        console.print(table)
        found = threshold(summary, outcome.name, percent=change)
        if found is not None:
            console.print(f"{outcome.name} {threshold_text(found, parameter)}", highlight=False, soft_wrap=True)


def _frame_table(frame, *, title: str) -> Table:
    """A table of a frame's rows; with a ``value`` and its 95% half-width ``conf`` (sensitivity indices), both
    rounded by the brief's one rule (``analysis.rounding``), other numbers at three significant figures."""
    from analysis.rounding import decimals_for, plain, single

    rounded = {"value", "conf"} <= set(frame.columns)
    table = Table(title=title)
    for column in frame.columns:
        table.add_column(column, justify="left" if not frame[column].dtype.is_numeric() else "right")
    for row in frame.iter_rows(named=True):
        shown = {k: "" if v is None else single(v) if isinstance(v, float) and math.isfinite(v) else str(v)
                 for k, v in row.items()}
        value, conf = row.get("value"), row.get("conf")
        if rounded and isinstance(value, float) and isinstance(conf, float) and math.isfinite(value) \
                and math.isfinite(conf) and conf > 0:
            places = decimals_for(value - conf, value + conf)
            shown.update(value=plain(value, places), conf=plain(conf, places))
        table.add_row(*shown.values())
    return table


@app.command()
def calibrate(
    config: Annotated[Path, typer.Argument(help="Calibration YAML (base scenario, priors, targets, settings).")],
    out: Annotated[Path, typer.Option(help="Results folder (history.db, posterior.parquet, diagnostics.parquet).")],
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    dask_local: DaskLocalOption = None,
) -> None:
    """Fit a scenario's uncertain parameters to published series with ABC-SMC (pyabc). Killed, the same
    command resumes from the last finished generation.

    With `recheck:` in the file, the last generation's closest particles are then simulated again on fresh
    seeds, and `ecosim posterior` gives the one closest there.

    Example: ecosim calibrate scenarios/calibration/web_2025.yaml --out results/calibration/web_2025 --workers 2
    """
    import json

    from ecosystem.calibration.settings import load_calibration

    if sum(option is not None for option in (workers, scheduler, dask_local)) > 1:
        fail("give one of --workers, --scheduler and --dask-local")
    if workers is not None and workers < 1:
        fail(f"--workers {workers}: give at least 1")
    try:
        from ecosystem.calibration.smc import (
            SamplerChoice,
            generations_done,
            run_generations,
            simulator_noise,
            write_results,
        )
    except ImportError as err:
        fail(f"ecosim calibrate needs pyabc ({err}); install it with: pip install -e '.[calibrate]'")
    try:
        calibration = load_calibration(config)
    except ScenarioError as err:
        fail(str(err))
    folder = OutputFolder(out, "calibrate")
    _check(folder)
    _own(folder)
    recorded = out / "calibration.json"
    if recorded.exists():
        if json.loads(recorded.read_text(encoding="utf-8")).get("fingerprint") != calibration.fingerprint:
            fail(f"{out}: holds a calibration of another file or version of it; choose a new folder for --out, or "
                 "run the calibration it holds")
    else:
        staging = folder.staging()
        (staging / "calibration.yaml").write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
        (staging / "calibration.json").write_text(json.dumps(
            {"file": str(config), "fingerprint": calibration.fingerprint,
             "targets": [t.key for t in calibration.targets]}, indent=2) + "\n", encoding="utf-8")
        _commit(folder, staging, last=("calibration.json",))
    choice = SamplerChoice(workers=workers, scheduler=scheduler, dask_local=dask_local)
    file = calibration.file
    noise = None
    if file.pilot_seeds:  # the simulator's noise, measured once and kept: a resumed calibration uses the same
        if not (out / "noise.json").exists():
            console.print(f"pilot: {file.pilot_seeds} runs of the base scenario to measure the simulator's noise",
                          highlight=False)
            staging = folder.staging()
            (staging / "noise.json").write_text(json.dumps(simulator_noise(calibration), indent=2) + "\n",
                                                encoding="utf-8")
            _commit(folder, staging, replaces=("noise.json",), last=("noise.json",))
        noise = json.loads((out / "noise.json").read_text(encoding="utf-8"))
    done = generations_done(out)
    console.print(f"calibrate {file.name}: {len(file.parameters)} parameters, {len(calibration.targets)} targets, "
                  f"{file.population} particles x up to {file.generations} generations ({done} done) on "
                  f"{choice.description}", highlight=False, soft_wrap=True)

    def save() -> None:
        staging = folder.staging()
        write_results(out, staging, calibration)
        _commit(folder, staging, replaces=("posterior.parquet", "diagnostics.parquet"), last=("diagnostics.parquet",))

    def finished(generation: int, diagnostics) -> None:
        save()
        last = diagnostics.row(-1, named=True)
        bar.update(task, completed=generation)
        errors.print(f"generation {last['generation']}: epsilon {last['epsilon']:.4g}, acceptance "
                     f"{last['acceptance_rate']:.2f}, ESS {last['ess']:.1f} ({last['wall_seconds']:.0f} s)",
                     highlight=False, soft_wrap=True)

    try:
        with progress_bar() as bar:
            task = bar.add_task(f"{file.name}: generations", total=file.generations, completed=done)
            run_generations(calibration, out, choice, finished, noise)
        if done and generations_done(out) == done:  # nothing left to run: refresh what this version writes
            save()
        if file.recheck is not None:
            _recheck(calibration, folder, choice, noise)
    except KeyboardInterrupt:
        errors.print(f"interrupted: {generations_done(out)} generation(s) are saved in {out}/; run the same command "
                     "again to resume", highlight=False, soft_wrap=True)
        raise typer.Exit(code=130) from None
    console.print(f"Posterior in {out / 'posterior.parquet'}, diagnostics in {out / 'diagnostics.parquet'}",
                  highlight=False, soft_wrap=True)


def _recheck(calibration, folder, choice, noise) -> None:
    """Simulate the last generation's closest particles again on fresh seeds, once per posterior (recheck.py)."""
    from ecosystem.calibration.posterior import RECHECK, load_posterior
    from ecosystem.calibration.recheck import recheck, recheck_seeds
    from ecosystem.calibration.smc import read_posterior

    out, settings = folder.path, calibration.file.recheck
    drawn, candidates = load_posterior(out), min(settings.candidates, calibration.file.population)
    done = drawn.rechecked()
    if done is not None and done.height == candidates and done["recheck_seeds"][0] == settings.seeds:
        return  # this posterior is rechecked as the file asks; other settings recheck it again
    seeds = recheck_seeds(calibration)
    console.print(f"recheck: the {candidates} closest particles on seeds {seeds.start}-{seeds.stop - 1}",
                  highlight=False)
    frame = recheck(calibration, read_posterior(out, calibration), sha256=drawn.sha256, noise=noise, choice=choice)
    staging = folder.staging()
    frame.write_parquet(staging / RECHECK)
    _commit(folder, staging, replaces=(RECHECK,), last=(RECHECK,))


@app.command()
def posterior(
    folder: Annotated[Path, typer.Argument(help="A calibration's results folder (ecosim calibrate --out).")],
) -> None:
    """Summarise a calibration's posterior: each parameter's median and 95% interval, the effective sample size,
    and the particle closest to the data as scenario lines, the values a calibrated scenario takes.

    Example: ecosim posterior data/calibration/web_2024
    """
    from ecosystem.calibration.posterior import PosteriorError, load_posterior

    try:
        drawn = load_posterior(folder)
    except PosteriorError as err:
        fail(str(err).removeprefix("--posterior "))
    table = Table(title=f"{folder}: generation {drawn.generation}, {drawn.particles.height} particles, "
                        f"effective sample size {drawn.effective_size():.1f}")
    for column in ("parameter", "median", "95% interval"):
        table.add_column(column)
    for path, median, low, high in drawn.summary():
        table.add_row(path, f"{median:.4g}", f"[{low:.4g}, {high:.4g}]")
    console.print(table)
    closest = drawn.closest()
    if closest is None:
        console.print("(this posterior keeps no distances: rerun ecosim calibrate on its folder to add them)")
        return
    distance, values = closest
    rechecked = drawn.rechecked()
    said = ("closest particle to the data" if rechecked is None else
            f"closest to the data on {rechecked['recheck_seeds'][0]} fresh seeds, of the {rechecked.height} closest "
            "particles rechecked")
    console.print(f"# {said} (distance {distance:.4g}); as --set options:", highlight=False)
    for path, value in values.items():
        console.print(f"--set {path}={value if isinstance(value, int) else f'{value:.4g}'}", highlight=False,
                      soft_wrap=True)


@app.command()
def fit(
    results: Annotated[Path, typer.Argument(help="A comparison's results folder (compare --out), e.g. of the "
                                                 "calibrated baseline with --posterior.")],
    out: Annotated[Path, typer.Option(help="Folder for fit.parquet, fit.md and figures/.")],
    targets: Annotated[Path, typer.Option(help="Published figures (CSV, docs/calibration.md).")]
    = Path("data/targets.csv"),
    scenario: Annotated[str | None, typer.Option(help="Which compared scenario to check (default: the first).")]
    = None,
) -> None:
    """Hold runs against every published figure: per target, the simulated mean and the runs' 95% band beside
    the published value, fitted and held-out targets alike, with one figure per series.

    Example: ecosim compare scenarios/baseline.yaml --seeds 20 --end 2026-08 --posterior results/calibration/web_2024
    --outcome web.wildai_ai_token_share@2026-06 --out results/fit_runs && ecosim fit results/fit_runs --out results/fit
    """
    import polars as pl

    from analysis.fit_figures import draw_fit_figures
    from analysis.results import read_compare
    from ecosystem.calibration.fit import fit_table, markdown
    from ecosystem.calibration.targets import load_targets
    from ecosystem.io import OutputError, reading, write_text

    try:
        published = load_targets(targets)
        compared = read_compare(results)
    except ScenarioError as err:
        fail(str(err))
    names = compared.about["scenarios"]
    chosen = scenario or names[0]
    if chosen not in names:
        fail(f"--scenario {chosen!r}: {results} compares {', '.join(names)}")
    if not (results / "runs.parquet").is_file():
        fail(f"{results}: has no runs.parquet (every month of every run); run the comparison again")
    folder = OutputFolder(out, "fit")
    _check(folder)
    _own(folder)
    try:
        with reading(results):
            runs = pl.scan_parquet(results / "runs.parquet").filter(pl.col("scenario") == chosen).collect()
    except OutputError as err:
        fail(str(err))
    except (OSError, pl.exceptions.PolarsError) as err:
        fail(f"{results / 'runs.parquet'}: cannot be read ({str(err).splitlines()[0]})")
    table = fit_table(runs, published)
    if not table.height:
        fail(f"{results}: its runs simulate none of the figures in {targets} (their dates or metrics)")
    seeds = runs["seed"].unique().sort()
    posterior = compared.about.get("posterior")
    drawn = f", parameters drawn from {posterior['path']}" if posterior else ", parameters as in the scenario"
    note = (f"Scenario {chosen}, {len(seeds)} seeds ({seeds[0]}-{seeds[-1]}){drawn}; published points with their "
            f"95% intervals ({targets.name}).")
    staging = folder.staging()
    table.write_parquet(staging / "fit.parquet")
    matched = table.group_by("use").agg(pl.col("matched").sum().alias("matched"), pl.len().alias("targets"))
    counts = ", ".join(f"{row['matched']} of {row['targets']} {row['use'].replace('_', '-')}"
                       for row in matched.sort("use").iter_rows(named=True))
    write_text(staging / "fit.md", f"# Fit of {chosen} to the published figures\n\n{note}\n\nMatched (mean inside "
               f"the published interval, or a share within 3 points): {counts}.\n\n{markdown(table)}")
    (staging / "figures").mkdir()
    draw_fit_figures(runs, published, staging / "figures", note=note)
    _commit(folder, staging, replaces=(EVERYTHING,), last=("fit.md",))
    console.print(f"matched: {counts}; table in {out / 'fit.md'}, figures in {out / 'figures'}",
                  highlight=False, soft_wrap=True)


@app.command()
def brief(
    results: Annotated[Path, typer.Argument(help="A comparison's or sweep's results folder (their --out).")],
    out: Annotated[Path, typer.Option(help="Folder for brief.html, brief.pdf and figures/.")],
    claims: Annotated[Path | None, typer.Option(
        help="Claims ledger (Parquet) whose conditions the limitations list (default: docs/claims.parquet).")]
    = None,
    no_claims: Annotated[bool, typer.Option("--no-claims", help="Leave out the claims ledger's limitations.")]
    = False,
    question: Annotated[str | None, typer.Option(help="The question, in words (default: from the first "
                                                      "outcome and scenario).")] = None,
    annex: Annotated[bool, typer.Option("--annex", help="Append the whole claims ledger as an annex (the brief "
                                                       "itself lists only the claims on the levers used).")] = False,
    pdf: Annotated[bool, typer.Option(help="Also print brief.pdf with the system Chromium.")] = True,
    change: Annotated[float, typer.Option(min=0.1, max=1000, help="A sweep's grid over one parameter: report the "
                                          "level at which each outcome changes by this percent from the reference "
                                          "level.")] = 10.0,
) -> None:
    """Write a policy brief (self-contained HTML and PDF) from a comparison's or a sweep's results.

    Example: ecosim brief results/watermark --out results/watermark/brief
    """
    from analysis.brief import write_brief
    from ecosystem.io import OutputError, clip, file_problem, reading

    try:
        results.is_dir()
    except OSError as err:  # e.g. a name longer than the file system allows
        fail(f"{clip(str(results))}: cannot use this path ({err.strerror or err})")
    if claims is not None and no_claims:
        fail("--claims and --no-claims: give one or the other")
    if annex and no_claims:
        fail("--annex and --no-claims: the annex is the claims ledger; give one or the other")
    if claims is not None and (problem := file_problem(claims)):
        fail(f"--claims {clip(str(claims))}: {problem}; give the ledger's Parquet file (docs/claims.parquet)")
    folder = OutputFolder(out, "brief")
    _check(folder)
    try:
        with reading(results):  # a comparison still writing its results is refused, not half read
            _own(folder)
            staging = folder.staging()
            written = write_brief(results, staging, claims=claims, with_claims=not no_claims, question=question,
                                  annex=annex, pdf=pdf, change=change)
    except (ScenarioError, OutputError) as err:
        fail(str(err))
    _commit(folder, staging, replaces=(EVERYTHING,), last=("brief.html",))
    console.print(f"Brief in {out / written.html.name}", highlight=False, soft_wrap=True)
    if written.pdf is not None:
        console.print(f"PDF in {out / written.pdf.name}", highlight=False, soft_wrap=True)
    elif pdf:
        errors.print(f"no PDF: {written.pdf_problem}", highlight=False, soft_wrap=True)


def _whole_number(text: str) -> int:
    """A count, also as 1e12: typer's int refuses that form without a word of the limit it breaks."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not value.is_integer():  # nan and inf too; click reports it as an invalid value of the option
        raise ValueError(f"{text!r} is not a whole number")
    return int(value)


@app.command()
def replicate(
    name: Annotated[str | None, typer.Argument(help="Experiment name (see --list).")] = None,
    list_all: Annotated[bool, typer.Option("--list", help="List experiments and options.")] = False,
    out: Annotated[Path | None, typer.Option(help="Folder (default results/replication/NAME).")] = None,
    samples: Annotated[int | None, typer.Option("--samples", "-m", parser=_whole_number,
                                                help="Samples per generation M.")] = None,
    generations: Annotated[int | None, typer.Option(parser=_whole_number, help="Number of generations.")] = None,
    seeds: Annotated[int | None, typer.Option(parser=_whole_number,
                                              help="Independent chains averaged per generation.")] = None,
    seed: Annotated[int | None, typer.Option(help="The experiment's seed (default 0).")] = None,
    policy: Annotated[list[str] | None, typer.Option(
        help="replace, accumulate or accumulate-subsample (repeatable: arms side by side).")] = None,
    estimator: Annotated[list[str] | None, typer.Option(help="Variance estimator: mle or unbiased.")] = None,
    real_share: Annotated[float | None, typer.Option(help="mixing: share of fresh real data.")] = None,
    temperature: Annotated[float | None, typer.Option(
        help="mixing: synthetic variance factor; text_lm: sampling temperature.")] = None,
    option: Annotated[list[str] | None, typer.Option("--option", "-o", help="Other option: KEY=VALUE.")]
    = None,
    figures: Annotated[bool, typer.Option(help="Draw the figure (PNG and SVG).")] = True,
) -> None:
    """Reproduce a published recursive-training result with the engine's own models.

    Example: ecosim replicate gaussian --samples 50 --generations 100 --seeds 500 --out results/gaussian
    """
    import time

    from ecosystem.replication import ReplicationError, resolve_options, run_experiment, write_replication
    from ecosystem.replication.cli import describe_experiments, options_from_cli

    if list_all:
        for experiment, summary, reference, defaults in describe_experiments():
            console.print(f"[bold]{experiment}[/]: {summary} ({reference})\n    options: {defaults}",
                          highlight=False)
        return
    if name is None:
        fail("give an experiment NAME, or --list to see them")
    given = {"samples": samples, "generations": generations, "seeds": seeds, "seed": seed, "policy": policy,
             "estimator": estimator, "real_share": real_share, "temperature": temperature}
    try:
        options = resolve_options(name, options_from_cli(name, given=given, extra=option or []))
        out = out or Path("results") / "replication" / name
        folder = OutputFolder(out, "replicate")
        _check(folder)  # a folder that is not ours or cannot be written fails now, not after the experiment
        started = time.perf_counter()
        with console.status(f"replicating {name}..."):
            result = run_experiment(name, **options)
    except ReplicationError as err:
        fail(str(err))
    _own(folder)  # locked from here: a second replication into it is refused, never mixes its files in
    staging = folder.staging()
    write_replication(name, result, options, staging, wall_seconds=time.perf_counter() - started)
    if figures:
        from analysis.replication_figures import draw_replication_figure

        draw_replication_figure(name, result, staging)
    _commit(folder, staging, replaces=(EVERYTHING,), last=("manifest.json",))
    console.print(f"{name}: {result.height} rows in {out}/ ({time.perf_counter() - started:.1f} s)")


# ----------------------------------------------------------------------------------------------
# Text reality: embed a corpus ahead of time, and read what a model writes


@app.command()
def claims(
    quick: Annotated[bool, typer.Option("--quick", help="Two seeds and short runs: checks every entry runs.")] = False,
    docs: Annotated[Path | None, typer.Option(help="Folder for claims.md and claims.parquet (default: docs/; "
                                                   "with --quick, results/claims_quick/).")] = None,
    readme: Annotated[Path | None, typer.Option(help="README whose claims block is regenerated.")]
    = Path("README.md"),
    runs: Annotated[Path | None, typer.Option(help="Folder of the ledger's runs (resumable).")] = None,
    fresh: Annotated[bool, typer.Option("--fresh", help="Delete the ledger's finished run files first (after a "
                                                        "change to the engine); nothing else is removed.")] = False,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    dask_local: DaskLocalOption = None,
) -> None:
    """Run every claim's experiment on fresh seeds and write the claims ledger (docs/claims.md).

    Example: ecosim claims --workers 2
    """
    import json
    import time

    from analysis.claims import (
        REPO,
        check_ledger_files,
        check_readme,
        measure,
        measure_replications,
        measure_text_models,
        plan,
        write_ledger,
    )
    from ecosystem.experiments.batch import remove_run_files
    from ecosystem.io import OutputError

    started = time.perf_counter()
    if not quick and readme is not None:
        try:
            check_readme(readme)
        except ValueError as err:
            fail(str(err))
    base = REPO / "results" / ("claims_quick" if quick else "claims")
    folder = OutputFolder(runs or base / "runs", "claims", option="--runs")
    docs = docs or (base if quick else REPO / "docs")
    try:  # everything the ledger will write is checked before the first run
        check_ledger_files(docs)
    except OutputError as err:
        fail(str(err))
    _check(folder)
    executor = _executor(workers=workers, scheduler=scheduler, dask_local=dask_local)
    _own(folder)
    if fresh:
        remove_run_files(folder.path)
    specs = plan(quick=quick, folder=folder.path)
    report = _run_all(specs, what="claims", executor=executor, out=folder.path)
    _exit_if_failed(report)
    with console.status("replications..."):
        replications = measure_replications(quick=quick)
    with console.status("language models on text..."):
        replications += measure_text_models(quick=quick)
    run_seconds = sum(json.loads(spec.manifest_path.read_text(encoding="utf-8"))["wall_seconds"] for spec in specs)
    frame = write_ledger([*measure(specs), *replications], docs=docs, readme=None if quick else readme,
                         wall_seconds=None if quick else time.perf_counter() - started, run_seconds=run_seconds)
    console.print(_frame_table(frame.select("id", "effect", "ci_low", "ci_high", "n", "verdict"),
                               title="Claims ledger (95% intervals over seeds)"))
    console.print(f"Ledger in {docs}/claims.md")


@app.command()
def embed(
    corpus: Annotated[str, typer.Argument(help="stdlib, a folder of .txt/.md, a .jsonl/.csv/.parquet file, or a "
                                               "scenario YAML with reality.kind text.")] = "stdlib",
    text_column: Annotated[str, typer.Option(help="Column holding the text.")] = "text",
    topic_column: Annotated[str | None, typer.Option(help="Column holding a topic label.")] = None,
    date_column: Annotated[str | None, typer.Option(help="Column holding a date (YYYY-MM[-DD]).")] = None,
    model: Annotated[str | None, typer.Option(help="Local sentence-transformers folder (default: bundled "
                                                    "all-MiniLM-L6-v2).")] = None,
    cache: Annotated[str | None, typer.Option(help="Cache folder (default: $ECOSIM_CACHE/embeddings, "
                                                    "~/.cache/ecosim/embeddings unless set).")] = None,
) -> None:
    """Embed a corpus once (cached), then show the reality built from it.  Example: ecosim embed stdlib"""
    import datetime as dt
    import time

    from ecosystem.config import RealityConfig, describe_errors
    from ecosystem.content.embedding import EmbeddingError, model_problem
    from ecosystem.content.reality import no_tail_warning
    from ecosystem.content.text_reality import build_text_reality, check_text_config, embed_corpus, load_corpus
    from ecosystem.io import clip

    if model is not None and (problem := model_problem(Path(model).expanduser())):  # before its files are hashed
        fail(f"--model {clip(model)}: {problem}; give the folder of a local sentence-transformers model")
    try:
        if corpus.endswith((".yaml", ".yml")):
            config = load_scenario(Path(corpus)).reality
            if config.kind != "text":
                fail(f"{corpus}: reality.kind is {config.kind!r}; embed needs a text reality")
        else:
            config = RealityConfig.model_validate({"kind": "text", "corpus": corpus, "text_column": text_column,
                                                   "topic_column": topic_column, "date_column": date_column,
                                                   "model": model, "cache": cache})
            check_text_config(config)  # the corpus, model and cache, as loading a scenario file checks them
    except ScenarioError as err:
        fail(str(err))
    except ValueError as err:  # pydantic's ValidationError
        fail(f"{corpus}: {describe_errors(err) if hasattr(err, 'errors') else err}")
    from ecosystem.content.embedding import owned_cache
    from ecosystem.io import OutputError

    try:
        owned_cache(config.cache, option="--cache").check()  # before the corpus is read and embedded
    except OutputError as err:
        fail(str(err))
    documents = load_corpus(config)
    started = time.perf_counter()
    try:
        with progress_bar() as bar:
            task = bar.add_task("embedding", total=len(documents))
            embed_corpus(config, documents, progress=lambda done, _: bar.update(task, completed=done))
    except EmbeddingError as err:  # a folder that looked like a model but does not load as one
        fail(str(err))
    seconds = time.perf_counter() - started
    console.print(f"{len(documents)} documents embedded in {seconds:.1f} s"
                  + (f" ({len(documents) / seconds:.1f} documents/s)" if seconds > 1 else " (from the cache)"))
    started = time.perf_counter()
    world = build_text_reality(config, start=dt.date(2000, 1, 1), streams=lambda i: _first_stream(i))
    reality, fit = world.reality, world.fit
    console.print(f"reality: {reality.n_topics} topics in R^{reality.dim} from {len(world.rows)} documents "
                  f"({time.perf_counter() - started:.1f} s); held-out documents: {fit.nll_p:.2f} nats each under "
                  f"P, {fit.nll_single:.2f} under one Gaussian ({fit.gain:+.2f}); topic recovered for "
                  f"{fit.topic_accuracy:.0%}")
    table = Table(title="Topics (tail marked *)")
    for column in ("topic", "weight", "appears"):
        table.add_column(column, justify="left" if column == "topic" else "right")
    for k in range(reality.n_topics):
        appears = "start" if k < reality.n_original else str(int(reality.appears_at[k]))
        table.add_row(reality.names[k] + (" *" if reality.tail[k] else ""), f"{reality.base_weights[k]:.3f}", appears)
    console.print(table)
    if no_tail_warning(reality):
        errors.print(no_tail_warning(reality), highlight=False, soft_wrap=True)


def _first_stream(index: int):
    """Seed 0's reality stream: ``embed`` shows the world a run with seed 0 sees."""
    from ecosystem.randomness import RandomStreams

    return RandomStreams(0).reality_block(index)


@app.command()
def read(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file with reality.kind text.")],
    vendor: Annotated[str, typer.Option(help="The vendor whose model to read.")],
    at: Annotated[str, typer.Option(help="Month to read at, YYYY-MM.")],
    n: Annotated[int, typer.Option("-n", min=1, max=200, help="Documents to show on each side.")] = 5,
    seed: Annotated[int | None, typer.Option(min=0, help="Random seed (default: the scenario's).")] = None,
) -> None:
    """What a vendor's model "writes" at a date, next to what humans write, read as the nearest real
    documents; and the named topics it has lost; a language-model vendor's (model: ngram) own words too,
    continuing the first words of a human document beside how the person went on.
    Example: ecosim read scenarios/text_closed_loop.yaml
    --vendor Solo --at 2024-01 -n 5"""
    from analysis.topics import describe_losses
    from ecosystem.config import _parse_month
    from ecosystem.experiments.reading import read_vendor

    try:
        month = _parse_month(at)
    except ValueError as err:
        fail(f"--at: {err}")
    try:
        with console.status(f"simulating to {month:%Y-%m}..."):
            reading = read_vendor(load_scenario(scenario), vendor=vendor, at=month, n=n, seed=seed)
    except ScenarioError as err:
        fail(str(err))
    for title, docs in ((f"{reading.vendor}'s model writes ({reading.date:%Y-%m})", reading.model),
                        (f"Humans write ({reading.date:%Y-%m})", reading.humans)):
        table = Table(title=title, show_lines=False)
        table.add_column("topic", max_width=24, no_wrap=True)
        table.add_column("dist", justify="right", no_wrap=True)
        table.add_column("nearest real document", no_wrap=True)
        # topic and distance keep their width in a narrow terminal; the document's line is cut instead
        room = max(20, min(100, console.width - max(len(doc.topic[:24]) for doc in docs) - 20))
        for doc in docs:
            line = (f"{doc.title}: " if doc.title else "") + doc.text.strip().splitlines()[0]
            table.add_row(doc.topic, f"{doc.distance:.1f}" + ("" if doc.inside else " OUT"),
                          line if len(line) <= room else f"{line[:room - 3]}...")
        console.print(table)
        outside = sum(not doc.inside for doc in docs)
        console.print(f"{outside} of {len(docs)} outside P's support (OUT: log-density under P below its "
                      f"{reading.support_quantile:.0%} quantile); dist: to the nearest real document", highlight=False)
    scores = reading.scores
    written = ", ".join(reading.written) if len(reading.written) <= 8 else "..."
    console.print(f"writes {len(reading.written)} of {reading.topics_now} topics (each given at least "
                  f"{reading.threshold:.0%} of its share in P): {written}", highlight=False, soft_wrap=True)
    console.print(f"excess NLL {scores['excess_nll']:.2f} nats, rare topics kept {scores['tail_kept']:.2f}, "
                  f"topic coverage {scores['topic_coverage']:.2f}")
    console.print(describe_losses(reading.history, threshold=reading.threshold), highlight=False, soft_wrap=True)
    for page in reading.pages:  # a language-model vendor's own words, beside a person's on the topic
        console.print(f"\n[{page.topic}] {page.prompt} ...\n  {reading.vendor} writes: {page.written}\n  "
                      f"a person wrote: {page.human}", highlight=False, soft_wrap=True, markup=False)
    if reading.warning:
        errors.print(reading.warning, highlight=False, soft_wrap=True)


@app.command("read-text")
def read_text(
    generations: Annotated[int, typer.Option(min=1, max=100, help="The generation read beside generation 0.")] = 12,
    policy: Annotated[str, typer.Option(help="Data policy: replace, keep-10, fresh-50, accumulate, "
                                             "accumulate-subsample.")] = "replace",
    n: Annotated[int, typer.Option("-n", min=1, max=50, help="Prompts, one per topic.")] = 4,
    words: Annotated[int, typer.Option(min=1, max=1000, help="Words written after each prompt.")] = 40,
    seed: Annotated[int, typer.Option(min=0, help="The experiment's seed.")] = 0,
    topic_column: Annotated[str | None, typer.Option(help="A table corpus's column of topic labels.")] = None,
    option: Annotated[list[str] | None, typer.Option("--option", "-o", help="Another text_lm option: KEY=VALUE "
                                                     "(corpus, samples, order, temperature, sampling...).")] = None,
) -> None:
    """What the text_lm closed loop's language model writes at generation 0 and at generation N, continuing the
    first words of held-out human documents, beside how the human goes on.

    Example: ecosim read-text --generations 12 --policy replace -n 4
    """
    from ecosystem.replication import ReplicationError
    from ecosystem.replication.cli import options_from_cli
    from ecosystem.replication.text_reading import markdown, what_it_writes

    try:
        options = options_from_cli("text_lm", given={}, extra=option or [])
        for fixed in ("seed", "generations", "policies", "seeds"):
            if fixed in options:
                raise ReplicationError(f"--option {fixed}=...: give --{fixed.rstrip('s')} instead")
        with console.status(f"training {generations} generations..."):
            writings = what_it_writes(generations=generations, policy=policy, n=n, words=words, seed=seed,
                                      topic_column=topic_column, **options)
    except ReplicationError as err:
        fail(str(err))
    console.print(markdown(writings, generations=generations, policy=policy), highlight=False, soft_wrap=True,
                  markup=False)


@app.command()
def dashboard(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")] = Path("scenarios/baseline.yaml"),
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Open a browser tab.")] = False,
) -> None:
    """Explore a scenario in the browser: levers, step/play, live plots (Mesa SolaraViz).

    Example: ecosim dashboard scenarios/closed_loop.yaml --port 8765
    """
    import socket

    everywhere = f"--host: {host!r} listens on every network interface; give one address, e.g. 127.0.0.1 (this " \
                 "machine only)"
    if not host.strip():
        fail(everywhere)
    try:
        load_scenario(scenario)
    except ScenarioError as err:
        fail(str(err))
    from dashboard.server import prepare, reach, serve

    missing = prepare(scenario)
    if missing:
        fail(f"the dashboard needs the dashboard extra ({missing} is missing): pip install -e '.[dashboard]'")
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as err:
            option = "--host" if isinstance(err, socket.gaierror) else "--port"
            fail(f"cannot listen on {host}:{port}: {err.strerror}; choose another {option}")
    exposure = reach(host, port)
    if exposure == "every interface":
        fail(everywhere)
    if exposure == "network":  # the levers drive a run on this machine
        errors.print(f"warning: --host {host} is not a loopback address: anyone on the network who can reach it can "
                     "drive the dashboard's levers", highlight=False, soft_wrap=True)
    console.print(f"ecosim dashboard: {scenario} at http://{host}:{port} (Ctrl-C stops it)")
    serve(host=host, port=port, open_browser=open_browser)


def _os_error(err: BaseException) -> OSError | None:
    """``err`` as the operating-system error it is, else None (polars reports one while it writes Parquet as
    a ComputeError ending "(os error 28)")."""
    import os
    import re

    if isinstance(err, OSError):
        return err
    found = re.search(r"\(os error (\d+)\)", str(err)) if type(err).__module__.startswith("polars") else None
    return OSError(int(found.group(1)), os.strerror(int(found.group(1)))) if found else None


def _one_line_os_errors(command):
    """``command``, with an OSError that reaches it (a full disk, a folder made read-only meanwhile) said in
    one line naming its output folder (else the file), exit 1. The command's staging folder is removed as
    the command's context closes, so nothing half-written is left behind."""
    import errno
    import functools

    from ecosystem.io import clip

    @functools.wraps(command)
    def guarded(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except Exception as err:
            failure = _os_error(err)
            if failure is None:
                raise
            where = kwargs.get("out") or failure.filename or "ecosim"
            problem = failure.strerror or str(failure)
            advice = "free some space" if failure.errno == errno.ENOSPC else "fix that"
            errors.print(f"[bold red]error:[/] {clip(str(where))}: {problem[:1].lower()}{problem[1:]}; {advice} and "
                         "run the same command again", highlight=False, soft_wrap=True)
            raise typer.Exit(code=1) from None

    return guarded


for _command in app.registered_commands:  # every command, however it writes
    _command.callback = _one_line_os_errors(_command.callback)


def main() -> None:
    """``ecosim``; an OSError outside any command (as its folder is released) is one line too, exit 1."""
    from ecosystem.io import clip

    try:
        app()
    except OSError as err:
        errors.print(f"[bold red]error:[/] {clip(str(err.filename or 'ecosim'))}: {err.strerror or err}",
                     highlight=False, soft_wrap=True)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
