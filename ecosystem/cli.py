"""The ``ecosim`` command line: thin commands over library functions. Only this module prints or exits.

The CLI is the outer layer: it may use ``analysis`` (figures); the library never does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ecosystem.config import ScenarioError, load_scenario

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
def validate(scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")]) -> None:
    """Check a scenario file without running it.  Example: ecosim validate scenarios/baseline.yaml"""
    try:
        resolved = load_scenario(scenario)
    except ScenarioError as err:
        fail(str(err))
    console.print(f"{scenario}: valid ({resolved.name}, {resolved.months} months, {len(resolved.vendors)} vendors)")


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    seed: Annotated[int | None, typer.Option(help="Random seed (default: the scenario's).")] = None,
    out: Annotated[Path | None, typer.Option(help="Results folder (default: results/<scenario name>).")] = None,
    figures: Annotated[bool, typer.Option(help="Draw the run's figures.")] = True,
) -> None:
    """Run a scenario and write its results folder.  Example: ecosim run scenarios/baseline.yaml --seed 1"""
    from analysis.run_figures import draw_run_figures
    from ecosystem.experiments.run import simulate, write_run

    try:
        resolved = load_scenario(scenario)
    except ScenarioError as err:
        fail(str(err))
    out = out or Path("results") / resolved.name
    with progress_bar() as bar:
        task = bar.add_task(f"{resolved.name}: months", total=resolved.months)
        result = simulate(resolved, seed=seed, progress=lambda done, _: bar.update(task, completed=done))
    write_run(result, out)
    if figures:
        draw_run_figures(result.metrics, out / "figures")
    console.print(summary_table(result))
    console.print(f"Results in {out}/ ({result.wall_seconds:.1f} s)")


def summary_table(result) -> Table:
    from analysis.summary import final_summary

    table = Table(title=f"{result.scenario.name} (seed {result.seed}), last month")
    rows = final_summary(result.metrics)
    for column in rows.columns:
        table.add_column(column, justify="right" if column != "metric" else "left")
    for row in rows.iter_rows():
        table.add_row(*(f"{v:.3g}" if isinstance(v, float) else str(v) for v in row))
    return table


def main() -> None:
    app()


if __name__ == "__main__":
    main()
