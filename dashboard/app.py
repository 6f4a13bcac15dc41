"""The page: one live run with Mesa's run controls, the scenario's levers and the run's plots.

The page is laid out here rather than by Mesa's ``SolaraViz``, whose frame would add a "Model
Parameters" card that stays empty (the levers apply at once, not at Reset) and a "Page 0" tab over the
plots; Mesa's own ``ModelController`` still gives Reset, Play/Pause and Step.

Everything a tab owns (its recipe, its model) is created inside ``Page`` with solara hooks, so two tabs
never share a model. The levers rebuild the model from the scenario file at once, through the same
validation as the file, and show a rejected value's one-line message instead of changing anything.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import solara
import solara.lab
from mesa.visualization.solara_viz import ModelController, make_initial_grid_layout
from mesa.visualization.utils import force_update, update_counter
from solara.server import kernel_context

from dashboard.levers import Lever, Recipe, levers
from dashboard.live import LiveModel, Session
from dashboard.plots import FIGURES, draw_all
from dashboard.server import SCENARIO_ENV
from ecosystem.config import ScenarioError

DEFAULT_SCENARIO = Path("scenarios/baseline.yaml")
PLAY_INTERVAL_MS = 50  # Play's pause between two requests for a month (Mesa's play loop)
HELP_STYLE = {"font-size": "0.8em", "color": "#666"}


def scenario_path() -> Path:
    """The scenario the server was started with (``ecosim dashboard FILE`` sets it)."""
    return Path(os.environ.get(SCENARIO_ENV, DEFAULT_SCENARIO))


def css_class(key: str) -> str:
    """A lever's key as a CSS class (``ecosim-lever-vendors-Early-temperature``), for tests and styling."""
    return "ecosim-lever-" + key.replace(".", "-")


def shown(value: float, step: float) -> str:
    """A slider's value with as many decimals as its step has (0.05 -> "0.90", 10 -> "20")."""
    decimals = max(0, -math.floor(math.log10(step))) if step > 0 else 2
    return f"{value:.{decimals}f}"


def _notifier():
    """A callback for the month worker: redraw this tab (the worker thread gets the tab's context)."""
    context = kernel_context.get_current_context() if kernel_context.has_current_context() else None

    def notify() -> None:
        if context is None:
            force_update()
        else:
            with context:
                force_update()

    return notify


@solara.component
def ValueSlider(label: str, value: float, on_value, *, low: float, high: float, step: float, key: str,
                help: str = ""):
    """A slider with its label and current value on the line above it (a long label no longer squeezes
    the slider, and the value shows without dragging), and what it does below."""
    with solara.Column(gap="0px", classes=["ecosim-slider"]):
        with solara.Row(justify="space-between", style={"align-items": "baseline"}):
            solara.Text(label)
            solara.Text(shown(value, step), classes=["ecosim-slider-value", css_class(key)],
                        style={"font-weight": "bold"})
        solara.v.Slider(v_model=value, on_v_model=lambda v: on_value(float(v)), min=low, max=high, step=step,
                        thumb_label=True, hide_details=True, dense=True, class_=css_class(key))
        if help:
            solara.Text(help, style=HELP_STYLE)


@solara.component
def LeverInput(lever: Lever, on_change):
    """One lever as a control; a policy lever's declared description is written under it."""

    def change(value, key=lever.key) -> None:
        on_change(key, value)

    if lever.kind == "float":
        ValueSlider(lever.label, lever.value, change, low=lever.low, high=lever.high, step=lever.step,
                    key=lever.key, help=lever.help)
        return
    if lever.kind == "select":
        solara.Select(lever.label, value=lever.value, values=list(lever.choices), on_value=change)
    elif lever.kind == "check":
        solara.v.Checkbox(label=lever.label, v_model=lever.value, on_v_model=lambda v: change(bool(v)),
                          hide_details=True, dense=True)
    else:
        solara.InputText(lever.label, value=lever.value, on_value=change)
    if lever.help:
        solara.Text(lever.help, style=HELP_STYLE)


@solara.component
def RunStatus(model: solara.Reactive[LiveModel]):
    """The simulated month, what the worker is doing (with any months queued), and a failed month's
    message."""
    update_counter.get()
    live = model.value
    snapshot = live.snapshot
    scenario = live.scenario
    if snapshot.current_date is None:
        month = f"not started (runs {scenario.start:%Y-%m} to {scenario.end:%Y-%m})"
    else:
        month = f"{snapshot.current_date:%Y-%m} ({snapshot.months_done} of {snapshot.months})"
    solara.Text(f"Month: {month}", classes=["ecosim-month"], style={"font-weight": "bold"})
    doing = live.doing
    if doing is not None:
        queued = live.queued
        more = f" ({queued} more month{'s' if queued > 1 else ''} queued)" if queued else ""
        solara.Text(f"{doing}...{more}", classes=["ecosim-busy"])
        solara.ProgressLinear(True)
    elif live.seconds:
        solara.Text("last month: " + ", ".join(f"{k} {v:.2f} s" for k, v in live.seconds.items()), style=HELP_STYLE)
    if snapshot.months_done == snapshot.months:
        solara.Text("end of the scenario: Reset to start again (with the levers as they are)")
    if live.error:
        solara.Error(f"the run stopped at {live.error}")


@solara.component
def Controls(model: solara.Reactive[LiveModel], session: Session):
    """Mesa's Reset, Play/Pause and Step, with the play and render intervals (values shown)."""
    play_interval = solara.use_reactive(PLAY_INTERVAL_MS)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)  # Mesa's own drawing thread: months are drawn in the worker already
    ValueSlider("Play interval (ms)", play_interval.value, lambda v: play_interval.set(int(v)), low=10, high=500,
                step=10, key="play_interval")
    ValueSlider("Render interval (months)", render_interval.value, lambda v: render_interval.set(int(v)), low=1,
                high=100, step=2, key="render_interval")
    ModelController(model, model_parameters={"session": session}, play_interval=play_interval,
                    render_interval=render_interval, use_threads=use_threads)


@solara.component
def LeverPanel(model: solara.Reactive[LiveModel], session: Session):
    """The scenario's levers; a change builds a new model from the file with the new values."""
    error = solara.use_reactive(None)
    recipe = solara.use_reactive(session.recipe)  # so the levers are drawn again with their new values

    def on_change(key, value) -> None:
        try:
            changed = session.recipe.with_setting(key, value)
        except ScenarioError as err:
            error.set(str(err))
            return
        session.recipe = changed
        recipe.set(changed)
        error.set(None)
        model.value = LiveModel(session)

    solara.Text(f"A change restarts the run of {session.recipe.path} from its first month (once a run has "
                "reached its end, press Reset to step it).", style=HELP_STYLE)
    for lever in levers(recipe.value):
        LeverInput(lever, on_change)
    if error.value:
        solara.Error(error.value, classes=["ecosim-error"])


def _plot(key: str):
    """A component showing one figure, drawn by the month worker (see ``live``)."""

    @solara.component
    def Plot(model: LiveModel):
        update_counter.get()
        image = model.images.get(key)
        if image is None:
            solara.Text("drawing...")
        else:
            solara.Image(image, width="100%", classes=[f"ecosim-plot-{key}"])

    Plot.__name__ = f"Plot_{key}"
    return Plot


PLOTS = [_plot(key) for key in FIGURES]


@solara.component
def TextPanel(model: LiveModel):
    """With a text reality: a few pages each vendor's current model writes, beside human pages, each read
    as its nearest real document (topic, title, first line)."""
    update_counter.get()
    shelf = model.shelf
    with solara.Column(style={"height": "100%", "overflow-y": "auto", "padding": "4px 12px"},
                       classes=["ecosim-pages"]):
        solara.Text("What each model writes now, beside human pages (nearest real documents)",
                    style={"font-weight": "bold"})
        if shelf is None:
            solara.Text(model.reading_error or "reading the corpus...")
            return
        for writer, docs in shelf.pages.items():
            generation = shelf.generations.get(writer)
            solara.Text(writer if generation is None else f"{writer}, model {generation}",
                        classes=["ecosim-writer"], style={"font-weight": "bold", "margin-top": "6px"})
            for doc in docs:
                line = (doc.text.strip().splitlines() or [""])[0][:160]
                solara.Text(f"[{doc.topic}] {doc.title + ': ' if doc.title else ''}{line}",
                            classes=["ecosim-page"], style={"font-size": "0.85em"})


@solara.component
def Panels(model: LiveModel, panels: list):
    """The plots in cards that can be dragged and resized, laid out as SolaraViz lays out its components."""
    layout = solara.use_reactive(make_initial_grid_layout(len(panels)))
    solara.GridDraggable(items=[panel(model) for panel in panels], grid_layout=layout.value, resizable=True,
                         draggable=True, on_grid_layout=layout.set)


@solara.component
def Page():
    path = scenario_path()
    notify = solara.use_memo(_notifier, [])
    session, problem = solara.use_memo(lambda: _start(path, notify), [])
    if session is None:
        solara.Error(problem)
    else:
        Dashboard(session)


@solara.component
def Dashboard(session: Session):
    model = solara.use_reactive(solara.use_memo(lambda: LiveModel(session), []))
    with solara.AppBar():
        solara.AppBarTitle(f"ecosim: {session.recipe.base.name}")
        solara.lab.ThemeToggle()
    with solara.Sidebar(), solara.Column():
        with solara.Card("Run"):
            RunStatus(model)
        with solara.Card("Controls"):
            Controls(model, session)
        with solara.Card("Levers"):
            LeverPanel(model, session)
    panels = PLOTS + ([TextPanel] if session.recipe.base.reality.kind == "text" else [])
    Panels(model.value, panels)


def _start(path: Path, notify) -> tuple[Session | None, str | None]:
    """A tab's session, or the scenario's one-line error (the file may have changed since the start)."""
    try:
        return Session(Recipe.from_file(path), draw=draw_all, on_month=notify), None
    except ScenarioError as err:
        return None, str(err)
