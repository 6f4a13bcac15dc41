"""The dashboard's levers and live run, without a browser: what a control change does to the scenario,
how the policy controls follow the levers' declarations, and how months are stepped in the background."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("solara", reason="the dashboard extra is not installed")

from dashboard import levers as levers_module  # noqa: E402
from dashboard.levers import (  # noqa: E402
    ADDED_DETECTOR,
    FARM_COST,
    SEED,
    PolicyControl,
    Recipe,
    levers,
)
from dashboard.live import LiveModel, Session  # noqa: E402
from ecosystem.config import ScenarioError  # noqa: E402
from ecosystem.policies import LEVERS  # noqa: E402

MANDATE_COMPLIANCE = "watermark_mandate.compliance"
MANDATE_START = "watermark_mandate.start"
DETECTOR_FILTERING = "detector_filtering"

TINY = Path(__file__).parent / "data" / "tiny.yaml"


@pytest.fixture(scope="module")
def recipe() -> Recipe:
    return Recipe.from_file(TINY)


def test_levers_cover_every_vendor_and_policy_lever(recipe):
    keys = {lever.key: lever for lever in levers(recipe)}
    for vendor in ("Early", "Late"):
        assert keys[f"vendors.{vendor}.data_policy"].value == recipe.base.vendors[vendor == "Late"].data_policy
        assert keys[f"vendors.{vendor}.temperature"].value == 0.9
    assert keys[MANDATE_COMPLIANCE].value == 0.0  # tiny has no mandate
    assert keys[MANDATE_START].value == "2021-06"  # defaults to the AI start
    assert keys[DETECTOR_FILTERING].value is False
    assert keys[FARM_COST].value == 20.0
    assert keys[SEED].value == "7"


def test_vendor_lever_changes_only_that_vendor(recipe):
    changed = recipe.with_setting("vendors.Late.data_policy", "archive").with_setting("vendors.Early.temperature", 0.5)
    early, late = changed.scenario.vendors
    assert (early.temperature, early.data_policy) == (0.5, "replace")
    assert (late.temperature, late.data_policy) == (0.9, "archive")
    assert changed.value("vendors.Late.data_policy") == "archive"
    assert recipe.scenario.vendors[1].data_policy == "accumulate"  # the old recipe is untouched


def test_mandate_is_added_with_its_start_and_removed_at_zero_compliance(recipe):
    on = recipe.with_setting(MANDATE_COMPLIANCE, 0.6).with_setting(MANDATE_START, "2022-01")
    (mandate,) = on.scenario.policies
    assert (mandate.kind, mandate.compliance, f"{mandate.start:%Y-%m}") == ("watermark_mandate", 0.6, "2022-01")
    assert on.with_setting(MANDATE_COMPLIANCE, 0.0).scenario.policies == []


def test_detector_filtering_adds_a_detector_when_the_scenario_has_none(recipe):
    on = recipe.with_setting(DETECTOR_FILTERING, True)
    assert [d.name for d in on.scenario.detectors] == [ADDED_DETECTOR]
    (policy,) = on.scenario.policies
    assert (policy.kind, policy.detector) == ("detector_filtering", ADDED_DETECTOR)
    off = on.with_setting(DETECTOR_FILTERING, False)
    assert off.scenario.policies == [] and off.scenario.detectors == []


def test_policy_controls_are_read_from_the_lever_declarations(recipe, monkeypatch):
    """Names, descriptions and slider ranges come from ecosystem/policies/<kind>.py (issue 21): a changed
    declaration changes the control, with no dashboard code."""
    keys = {lever.key: lever for lever in levers(recipe)}
    mandate, filtering = keys[MANDATE_COMPLIANCE], keys[DETECTOR_FILTERING]
    assert mandate.label == "Watermark mandate: compliance (0 = off)" and mandate.kind == "float"
    assert (mandate.low, mandate.high, mandate.step) == (0.0, 1.0, 0.05)  # compliance is a Share
    assert mandate.help == LEVERS["watermark_mandate"].description
    assert keys[MANDATE_START].label == "Watermark mandate: start (YYYY-MM)"
    assert filtering.label == "Detector filtering (with a new detector)" and filtering.kind == "check"
    assert filtering.help == LEVERS["detector_filtering"].description
    monkeypatch.setitem(LEVERS, "watermark_mandate", replace(LEVERS["watermark_mandate"], description="redeclared"))
    assert {lever.key: lever for lever in levers(recipe)}[MANDATE_COMPLIANCE].help == "redeclared"


@pytest.mark.parametrize("kind", sorted(LEVERS))
def test_every_declared_lever_can_be_offered_by_one_entry(recipe, monkeypatch, kind):
    """Offering another policy lever is one entry in POLICY_CONTROLS: turned on, the check box gives a
    valid policy with the lever's declared defaults (a detector is named, and added, where it must be)."""
    monkeypatch.setattr(levers_module, "POLICY_CONTROLS", {kind: PolicyControl(start=True)})
    keys = {lever.key: lever for lever in levers(recipe)}
    assert (keys[kind].kind, keys[kind].value, keys[kind].help) == ("check", False, LEVERS[kind].description)
    on = recipe.with_setting(kind, True).with_setting(f"{kind}.start", "2021-01")
    (policy,) = on.scenario.policies
    assert (policy.kind, f"{policy.start:%Y-%m}") == (kind, "2021-01")
    declared = LEVERS[kind].config.model_fields
    assert all(getattr(policy, name) == info.default for name, info in declared.items() if not info.is_required())
    assert on.with_setting(kind, False).scenario.policies == []


def test_a_declared_share_can_be_a_slider_whose_zero_removes_the_policy(recipe, monkeypatch):
    monkeypatch.setattr(levers_module, "POLICY_CONTROLS", {"crawler_opt_out": PolicyControl(amount="final_share")})
    (slider,) = [lever for lever in levers(recipe) if lever.key == "crawler_opt_out.final_share"]
    assert (slider.label, slider.low, slider.high) == ("Crawler opt out: final share (0 = off)", 0.0, 1.0)
    on = recipe.with_setting("crawler_opt_out.final_share", 0.4)
    assert [(p.kind, p.final_share) for p in on.scenario.policies] == [("crawler_opt_out", 0.4)]
    assert on.with_setting("crawler_opt_out.final_share", 0.0).scenario.policies == []


@pytest.mark.parametrize(("key", "value", "expected"), [
    (MANDATE_START, "next spring", "expected a month as YYYY-MM"),
    (SEED, "-3", "seed: Input should be greater than or equal to 0"),
    ("vendors.Early.temperature", 0.0, "vendors.0.temperature: Input should be greater than 0"),
])
def test_bad_value_is_one_line_error_naming_the_field(recipe, key, value, expected):
    mandated = recipe.with_setting(MANDATE_COMPLIANCE, 0.5)
    with pytest.raises(ScenarioError) as caught:
        mandated.with_setting(key, value)
    message = str(caught.value)
    assert expected in message and "\n" not in message and message.startswith(str(TINY))


def test_step_returns_at_once_and_the_month_arrives_in_the_background(recipe):
    drawn, told = [], []
    live = LiveModel(Session(recipe, draw=lambda snap: drawn.append(snap.months_done) or {"k": b"png"},
                             on_month=lambda: told.append(1)))
    live.wait()
    assert drawn == [0] and live.images == {"k": b"png"} and not live.busy
    live.step()
    live.wait()
    # the page is told twice a drawing: when it begins (to say "drawing") and when it is shown
    assert live.snapshot.months_done == 1 and drawn == [0, 1] and len(told) == 4
    assert set(live.seconds) == {"step", "draw"}
    assert live.snapshot.series["web.synthetic_share"].shape == (1,)


def test_run_stops_at_the_last_month_and_same_seed_gives_same_series(recipe):
    short = recipe.with_setting("vendors.Early.temperature", 0.8)
    runs = []
    for _ in range(2):
        live = LiveModel(Session(short))
        while live.running:
            live.step()
        live.wait()
        runs.append(live)
    first, second = runs
    assert first.snapshot.months_done == first.scenario.months == 36
    assert first.months_requested == 36  # a step past the end does nothing
    first.step()
    assert first.months_requested == 36 and not first.running
    for name in ("web.synthetic_share_new", "vendor.Early.excess_nll", "farms.count", "farms.pages_new"):
        np.testing.assert_array_equal(first.snapshot.get(name), second.snapshot.get(name))
    retrained = first.snapshot.get("vendor.Early.retrained")
    assert np.nansum(retrained) >= 3  # tiny retrains every 6 months: the marks the plots draw
    assert first.snapshot.graph.kind.size == min(200, first.snapshot.graph.total_sites)


def test_step_while_drawing_is_queued_and_applied_after_the_drawing(recipe):
    """A Step asked for while the page is drawing returns at once and is not dropped: the worker starts the
    month once the drawing is done (issue 24). The old step() waited for the drawing in the page's thread."""
    entered, gate, drawn = threading.Event(), threading.Event(), []

    def draw(snapshot):
        entered.set()
        gate.wait(120)
        drawn.append(snapshot.months_done)
        return {}

    live = LiveModel(Session(recipe, draw=draw))
    try:
        assert entered.wait(120), "the start was never drawn"
        assert live.busy
        asking = threading.Thread(target=live.step)
        asking.start()
        asking.join(30)
        assert not asking.is_alive(), "step() waited for the drawing"
        assert live.queued == 1 and live.busy
    finally:
        gate.set()
    live.wait(timeout=120)
    assert drawn == [0, 1] and live.snapshot.months_done == 1 and not live.busy and live.queued == 0
