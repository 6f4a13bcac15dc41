"""The page: Mesa's SolaraViz around one live run, with the scenario's levers and the run's plots.

Everything a tab owns (its recipe, its model) is created inside ``Page`` with solara hooks, so two tabs
never share a model. SolaraViz gives step, play, pause and reset; the levers rebuild the model from the
scenario file at once, through the same validation as the file, and show a rejected value's one-line
message instead of changing anything.
"""

from __future__ import annotations

import os
from pathlib import Path

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.solara_viz import UserInputs
from mesa.visualization.utils import force_update, update_counter
from solara.server import kernel_context

from dashboard.levers import Lever, Recipe, levers
from dashboard.live import LiveModel, Session
from dashboard.plots import FIGURES, draw_all
from dashboard.server import SCENARIO_ENV
from ecosystem.config import ScenarioError

DEFAULT_SCENARIO = Path("scenarios/baseline.yaml")


def scenario_path() -> Path:
    """The scenario the server was started with (``ecosim dashboard FILE`` sets it)."""
    return Path(os.environ.get(SCENARIO_ENV, DEFAULT_SCENARIO))


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


def _input(lever: Lever) -> dict:
    """A lever as one of the inputs Mesa's ``UserInputs`` draws."""
    if lever.kind == "select":
        return {"type": "Select", "label": lever.label, "value": lever.value, "values": list(lever.choices)}
    if lever.kind == "float":
        return {"type": "SliderFloat", "label": lever.label, "value": lever.value, "min": lever.low,
                "max": lever.high, "step": lever.step}
    if lever.kind == "check":
        return {"type": "Checkbox", "label": lever.label, "value": lever.value}
    return {"type": "InputText", "label": lever.label, "value": lever.value}


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
        solara.Text("last month: " + ", ".join(f"{k} {v:.2f} s" for k, v in live.seconds.items()),
                    style={"font-size": "0.8em", "color": "#666"})
    if snapshot.months_done == snapshot.months:
        solara.Text("end of the scenario: Reset to start again (with the levers as they are)")
    if live.error:
        solara.Error(f"the run stopped at {live.error}")


@solara.component
def LeverPanel(model: solara.Reactive[LiveModel], session: Session):
    """The scenario's levers; a change builds a new model from the file with the new values."""
    error = solara.use_reactive(None)

    def on_change(key, value) -> None:
        try:
            recipe = session.recipe.with_setting(key, value)
        except ScenarioError as err:
            error.set(str(err))
            return
        session.recipe = recipe
        error.set(None)
        model.value = LiveModel(session)

    solara.Text(f"A change restarts the run of {session.recipe.path} from its first month (once a run has "
                "reached its end, press Reset to step it).",
                style={"font-size": "0.85em", "color": "#666"})
    UserInputs({lever.key: _input(lever) for lever in levers(session.recipe)}, on_change=on_change)
    if error.value:
        solara.Error(error.value, classes=["ecosim-error"])


def _plot(key: str):
    """A SolaraViz component showing one figure, drawn by the month worker (see ``live``)."""

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
    with solara.Sidebar():
        with solara.Card("Run"):
            RunStatus(model)
    panels = PLOTS + ([TextPanel] if session.recipe.base.reality.kind == "text" else [])
    SolaraViz(model, components=[(panel, 0) for panel in panels], model_params={"session": session},
              name=f"ecosim: {session.recipe.base.name}", play_interval=50)
    LeverSidebar(model, session)


@solara.component
def LeverSidebar(model: solara.Reactive[LiveModel], session: Session):
    """The levers' card, placed in the sidebar one component level below SolaraViz, so that it comes
    after SolaraViz's own controls (the sidebar orders its parts by depth)."""
    LeverCard(model, session)


@solara.component
def LeverCard(model: solara.Reactive[LiveModel], session: Session):
    with solara.Sidebar():
        with solara.Card("Levers"):
            LeverPanel(model, session)


def _start(path: Path, notify) -> tuple[Session | None, str | None]:
    """A tab's session, or the scenario's one-line error (the file may have changed since the start)."""
    try:
        return Session(Recipe.from_file(path), draw=draw_all, on_month=notify), None
    except ScenarioError as err:
        return None, str(err)
