"""Watermark adoption as vendors' decisions (watermark_adoption): who marks, when, and why, on a tiny web
of two vendors that enter together and differ only where a test says. 10 common seeds, paired tests."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from lever_runs import SEEDS, less, tiny

from ecosystem.config import ScenarioError, validate_scenario
from ecosystem.content.documents import Origin
from ecosystem.experiments.run import simulate
from ecosystem.learning.adoption import adopt_probability, revise
from ecosystem.model import EcosystemModel


def _vendors(big: int, small: int, **extra) -> list[dict]:
    """Two vendors alike but for how many pages each publishes itself a month (its own output in crawls)."""
    base = dict(entry="2020-09", components=6, retrain_every=6, train_size=600,
                crawler={"budget_per_month": 200, "lead_months": 3})
    return [dict(base, name="Big", publish_per_month=big, **extra), dict(base, name="Small", publish_per_month=small)]


def _adoption(**fields) -> dict:
    return {"kind": "watermark_adoption", "start": "2020-01", **fields}


def _frame(raw: dict, seed: int) -> pl.DataFrame:
    return simulate(validate_scenario(raw), seed=seed).metrics


def _series(frame: pl.DataFrame, kind: str, entity: str, metric: str) -> np.ndarray:
    rows = frame.filter(pl.col("kind") == kind, pl.col("entity") == entity, pl.col("metric") == metric)
    return rows.sort("step")["value"].to_numpy()


def _first_marking_step(frame: pl.DataFrame, vendor: str) -> float:
    rows = frame.filter(pl.col("entity") == vendor, pl.col("metric") == "marks", pl.col("value") == 1.0)
    return float(rows["step"].min()) if len(rows) else float(frame["step"].max() + 1)


def test_logit_rule_follows_the_payoff() -> None:
    """The choice rule itself: a coin toss at zero gain, a best reply as rationality grows, and agents
    that do not revise keep their choice."""
    assert adopt_probability(0.0, rationality=5.0) == pytest.approx(0.5)
    assert adopt_probability(1.0, rationality=50.0) > 1 - 1e-12 > adopt_probability(-1.0, rationality=50.0) * 1e12
    rng = np.random.default_rng(0)
    kept = revise(np.array([True, False] * 500), np.full(1000, -10.0), revise_share=0.0, rationality=50.0, rng=rng)
    assert kept.sum() == 500


def test_larger_private_benefit_adopts_sooner() -> None:
    """The vendor whose own pages make up more of its crawl (it publishes 80 pages a month, the other none)
    sees a larger private benefit of marking, and starts marking sooner (paired over seeds)."""
    raw = tiny(vendors=_vendors(80, 0), policies=[_adoption(rationality=20.0, revise_per_month=0.2,
                                                            marking_cost=0.15)])
    big, small, benefit_gap = [], [], []
    for seed in SEEDS:
        frame = _frame(raw, seed)
        big.append(_first_marking_step(frame, "Big"))
        small.append(_first_marking_step(frame, "Small"))
        benefit_gap.append(np.mean(_series(frame, "vendor", "Big", "mark_private_benefit"))
                           - np.mean(_series(frame, "vendor", "Small", "mark_private_benefit")))
    assert min(benefit_gap) > 0, benefit_gap
    assert less(big, small) < 0.05, (big, small)


def test_a_fine_above_the_benefit_gap_makes_api_marking_universal_and_leaves_open_weights_unmarked() -> None:
    """An expected fine (enforcement x fine) above what marking costs beyond its benefit: every released
    vendor marks its API output every month, while farms running a vendor's open weights publish unmarked
    pages. A fine below the gap does not make marking universal (the test can tell the two apart)."""
    gap = dict(rationality=50.0, revise_per_month=1.0, marking_cost=0.6, user_avoidance=0.4)
    farms = dict(tiny()["farms"], open_weight_use=1.0)
    raw = tiny(vendors=_vendors(20, 20, open_weights="2021-06"), farms=farms,
               policies=[_adoption(fine=2.0, enforcement=1.0, **gap)])
    model = EcosystemModel(validate_scenario(raw), seed=3)
    for _ in range(model.scenario.months):
        model.step()
    metrics = model.recorder.to_frame()
    for vendor in ("Big", "Small"):
        assert (_series(metrics, "vendor", vendor, "marks") == 1.0).all()
    store, released = model.store, model.scenario.month_index(model.scenario.vendors[0].open_weights)
    big = model.vendors[0].index
    after = store.column("month") >= released + 1
    open_weight_farm_pages = after & (store.column("origin") == Origin.FARM) & (store.column("vendor") == big)
    own_pages = (store.column("origin") == Origin.VENDOR) & (store.column("vendor") == big)
    assert open_weight_farm_pages.sum() > 0 and (store.column("wm_key")[open_weight_farm_pages] < 0).all()
    assert (store.column("wm_key")[own_pages] == big).all()

    low = _frame(tiny(vendors=_vendors(20, 20), policies=[_adoption(fine=0.2, enforcement=1.0, **gap)]), 3)
    assert (_series(low, "vendor", "Big", "marks") == 0.0).mean() > 0.5


def test_a_reciprocal_registry_raises_adoption_when_members_train_on_each_others_output() -> None:
    """Both vendors publish much, so each crawls the other's pages. Marking costs a little more than one's
    own pages are worth; in a reciprocal registry it also earns the partner's key, so more vendor-months
    are marked than without it (paired over seeds)."""
    decision = _adoption(rationality=10.0, revise_per_month=0.25, marking_cost=0.3)
    registry = {"kind": "watermark_registry", "start": "2020-01", "reciprocal": True}
    alone, shared = [], []
    for seed in SEEDS:
        for raw, out in ((tiny(vendors=_vendors(60, 60), policies=[decision]), alone),
                         (tiny(vendors=_vendors(60, 60), policies=[decision, registry]), shared)):
            out.append(float(_series(_frame(raw, seed), "watermark", "watermark", "adoption_share").mean()))
    assert less(alone, shared) < 0.05, (alone, shared)


def test_decisions_are_reproducible_for_a_seed_and_leave_other_streams_alone() -> None:
    raw = tiny(vendors=_vendors(60, 20), policies=[_adoption(rationality=10.0, marking_cost=0.2)])
    first, again = _frame(raw, 4), _frame(raw, 4)
    assert first.equals(again)
    assert not first.equals(_frame(raw, 5))
    # Before any vendor enters nothing is decided, so the months before match a run without the policy
    # (but for the policy's own metrics).
    entry = validate_scenario(raw).month_index(validate_scenario(raw).vendors[0].entry)
    without = _frame(tiny(vendors=_vendors(60, 20)), 4)
    early = (pl.col("step") < entry) & ~pl.col("metric").is_in(["adoption_share", "own_marks_dropped"])
    assert first.filter(early).equals(without.filter(early))


@pytest.mark.parametrize(("fields", "words"), [
    ({"fine": 5.0}, "policies.0.watermark_adoption: fine (5.0) and enforcement (0.0) go together"),
    ({"rationality": 0}, "policies.0.watermark_adoption.rationality: Input should be greater than 0"),
    ({"revise_per_month": 1.5}, "policies.0.watermark_adoption.revise_per_month: Input should be less than"),
    ({"vendors": ["Nobody"]}, "policies.0.watermark_adoption: no vendor named 'Nobody'"),
])
def test_bad_decision_config_is_refused_in_one_line(fields: dict, words: str) -> None:
    with pytest.raises(ScenarioError) as refused:
        validate_scenario(tiny(policies=[_adoption(**fields)]))
    message = str(refused.value)
    assert "\n" not in message and words in message, message


def test_users_who_avoid_marked_output_cost_a_marking_vendor_its_users() -> None:
    """In a user market, a penalty on marked output moves users from the vendor a fine makes mark (Big) to
    its unmarked rival (Small), against the same runs with users indifferent to marks (paired over seeds)."""
    fined = dict(vendors=["Big"], rationality=50.0, revise_per_month=1.0, fine=2.0, enforcement=1.0)
    market = {"users": 1000, "reconsider_per_month": 0.2}
    indifferent, avoiding = [], []
    for seed in SEEDS:
        for penalty, out in ((0.0, indifferent), (1.0, avoiding)):
            raw = tiny(vendors=_vendors(20, 20), market=market, policies=[_adoption(market_penalty=penalty, **fined)])
            out.append(float(_series(_frame(raw, seed), "vendor", "Big", "market_share")[-12:].mean()))
    assert less(avoiding, indifferent) < 0.01, (avoiding, indifferent)
    assert np.mean(indifferent) - np.mean(avoiding) > 0.1
