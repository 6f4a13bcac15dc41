"""The dashboard page rendered with solara, without a browser (as Mesa's tests/test_solara_viz.py does):
the controls it shows (no empty card, no page tab, sliders with their values), what Step and a lever do, a
Step while drawing, a rejected value, and two tabs that share nothing."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

solara = pytest.importorskip("solara", reason="the dashboard extra is not installed")
import ipyvuetify as v  # noqa: E402
import ipywidgets  # noqa: E402

from dashboard import app  # noqa: E402
from dashboard.app import css_class  # noqa: E402
from dashboard.levers import Recipe  # noqa: E402
from dashboard.live import WORKER_NAME, Session  # noqa: E402
from dashboard.plots import FIGURES  # noqa: E402
from dashboard.server import SCENARIO_ENV  # noqa: E402

TINY = Path(__file__).parent / "data" / "tiny.yaml"


@pytest.fixture
def render(monkeypatch):
    """Render the page as the server does (inside an AppLayout); returns solara's render context."""
    monkeypatch.setenv(SCENARIO_ENV, str(TINY))

    def render_page():
        _, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
        settle(rc)
        return rc

    return render_page


def settle(rc, timeout: float = 180.0) -> None:
    """Wait until every month worker has ended and the page shows its figures. The worker redraws the
    page from its own thread as its last act, so the page can look idle while that redraw is still
    going on; a lever changed then would race it. Once the thread has ended, its redraw is complete."""
    deadline = time.monotonic() + timeout
    while month_workers_alive() or busy(rc) or len(plots(rc)) < len(FIGURES):
        assert time.monotonic() < deadline, "the month worker did not finish"
        time.sleep(0.05)


def month_workers_alive() -> bool:
    return any(thread.name == WORKER_NAME and thread.is_alive() for thread in threading.enumerate())


def eventually(condition, timeout: float = 60.0) -> bool:
    """True once ``condition()`` holds: the worker redraws the page from its own thread, so a test can
    look at the widgets half-way through a redraw."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def busy(rc) -> bool:
    return bool(rc.find(v.Html, class_="ecosim-busy").widgets)


def month(rc) -> str:
    return rc.find(v.Html, class_="ecosim-month").widget.children[0]


def plots(rc) -> dict[str, bytes]:
    images = rc.find(ipywidgets.Image).widgets
    return {c.removeprefix("ecosim-plot-"): w.value for w in images for c in w._dom_classes if c.startswith("ecosim")}


def slider(rc, key: str):
    return rc.find(v.Slider, class_=css_class(key)).widget


def shown_value(rc, key: str) -> str:
    """The value written beside a slider's label."""
    return rc.find(v.Html, class_=f"ecosim-slider-value {css_class(key)}").widget.children[0]


def busy_text(rc) -> str:
    return " ".join(w.children[0] for w in rc.find(v.Html, class_="ecosim-busy").widgets)


def click(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def type_text(rc, label: str, text: str) -> None:
    """Type into a text field and press Enter (a text lever applies on Enter or leaving the field)."""
    field = rc.find(v.TextField, label=label).widget
    field.v_model = text
    field.fire_event("keyup.enter")


def test_page_shows_mesa_controls_levers_and_every_plot(render):
    rc = render()
    assert [b.children[0] for b in rc.find(v.Btn).widgets][:3] == ["Reset", "▶", "Step"]  # Mesa's ModelController
    selects = {w.label: w for w in rc.find(v.Select).widgets}
    assert selects["Early: training data"].v_model == "replace"
    assert selects["Late: training data"].items == ["replace", "accumulate", "archive"]
    for key in ("vendors.Early.temperature", "vendors.Late.temperature", "farms.fixed_cost",
                "watermark_mandate.compliance", "play_interval", "render_interval"):
        slider(rc, key)
    assert rc.find(v.Checkbox, label="Detector filtering (with a new detector)").widget.v_model is False
    assert month(rc) == "Month: not started (runs 2020-01 to 2022-12)"
    assert set(plots(rc)) == set(FIGURES)


def test_page_has_no_empty_parameters_card_and_no_page_tab(render):
    """Issue 24: SolaraViz's "Model Parameters" card stayed empty and a lone "Page 0" tab sat over the plots."""
    rc = render()
    assert [w.children[0] for w in rc.find(v.CardTitle).widgets] == ["Run", "Controls", "Levers"]
    assert not rc.find(v.Tab).widgets and not rc.find(v.Tabs).widgets


def test_sliders_show_their_current_values(render):
    """Issue 24: each slider's value is written beside its label, and follows the slider."""
    rc = render()
    expected = {"vendors.Early.temperature": "0.90", "watermark_mandate.compliance": "0.00", "farms.fixed_cost": "20",
                "play_interval": "50", "render_interval": "1"}
    assert {key: shown_value(rc, key) for key in expected} == expected
    slider(rc, "vendors.Early.temperature").v_model = 0.55
    settle(rc)
    assert eventually(lambda: shown_value(rc, "vendors.Early.temperature") == "0.55")
    slider(rc, "play_interval").v_model = 200
    assert eventually(lambda: shown_value(rc, "play_interval") == "200")


def test_step_while_drawing_is_queued_and_the_month_follows(monkeypatch, render):
    """Issue 24: a Step clicked while the page says "drawing..." is queued (the page says so) and runs once
    the drawing is done; the click does not hold up the page meanwhile."""
    entered, gate = threading.Event(), threading.Event()

    def slow_draw(snapshot):
        entered.set()
        gate.wait(120)
        return app.draw_all(snapshot)

    monkeypatch.setattr(app, "_start", lambda path, notify: (Session(Recipe.from_file(path), draw=slow_draw,
                                                                      on_month=notify), None))
    try:
        _, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
        assert entered.wait(120), "the start was never drawn"
        assert eventually(lambda: busy_text(rc).startswith("drawing"))
        clicking = threading.Thread(target=click, args=(rc, "Step"))
        clicking.start()
        clicking.join(30)
        assert not clicking.is_alive(), "the Step click waited for the drawing"
        assert eventually(lambda: "1 more month queued" in busy_text(rc))
    finally:
        gate.set()
    settle(rc)
    assert eventually(lambda: month(rc) == "Month: 2020-01 (1 of 36)")


def test_step_advances_one_month_and_redraws_the_plots(render):
    rc = render()
    before = plots(rc)
    click(rc, "Step")
    settle(rc)
    assert eventually(lambda: month(rc) == "Month: 2020-01 (1 of 36)")
    assert eventually(lambda: all(plots(rc)[key] != before[key] for key in ("synthetic_share", "vendors", "farms")))
    click(rc, "Step")
    settle(rc)
    assert eventually(lambda: month(rc) == "Month: 2020-02 (2 of 36)")


def test_lever_change_rebuilds_the_run_with_the_new_value(render):
    rc = render()
    click(rc, "Step")
    settle(rc)
    rc.find(v.Select, label="Late: training data").widget.v_model = "archive"
    settle(rc)
    assert month(rc).startswith("Month: not started")  # a new model, from the first month
    assert rc.find(v.Select, label="Late: training data").widget.v_model == "archive"
    assert not rc.find(v.Alert).widgets


def test_rejected_value_shows_the_one_line_error_and_keeps_the_run(render):
    rc = render()
    click(rc, "Step")
    settle(rc)
    type_text(rc, "Seed", "minus one")
    (alert,) = rc.find(v.Alert).widgets
    message = alert.children[0]
    assert message.startswith(f"{TINY}: seed: Input should be a valid integer") and "\n" not in message
    assert eventually(lambda: month(rc) == "Month: 2020-01 (1 of 36)")  # the run goes on unchanged
    type_text(rc, "Seed", "3")
    settle(rc)
    assert not rc.find(v.Alert).widgets and month(rc).startswith("Month: not started")


def test_two_tabs_do_not_share_a_run(render):
    first, second = render(), render()
    click(first, "Step")
    settle(first)
    assert eventually(lambda: month(first) == "Month: 2020-01 (1 of 36)")
    assert month(second).startswith("Month: not started")
    first.find(v.Select, label="Early: training data").widget.v_model = "accumulate"
    settle(first)
    assert second.find(v.Select, label="Early: training data").widget.v_model == "replace"


def test_after_the_last_month_reset_starts_again_with_the_levers_as_they_are(monkeypatch, tmp_path):
    short = tmp_path / "short.yaml"
    short.write_text(f"extends: {TINY.resolve()}\nname: short\nend: 2020-02\n")
    monkeypatch.setenv(SCENARIO_ENV, str(short))
    _, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    settle(rc)
    for _ in range(2):
        click(rc, "Step")
        settle(rc)
    assert eventually(lambda: month(rc) == "Month: 2020-02 (2 of 2)")
    assert rc.find(v.Btn, children=["Step"]).widget.disabled  # the end of the scenario
    rc.find(v.Select, label="Early: training data").widget.v_model = "archive"
    settle(rc)
    click(rc, "Reset")
    settle(rc)
    assert not rc.find(v.Btn, children=["Step"]).widget.disabled
    assert rc.find(v.Select, label="Early: training data").widget.v_model == "archive"
    click(rc, "Step")
    settle(rc)
    assert eventually(lambda: month(rc) == "Month: 2020-01 (1 of 2)")
