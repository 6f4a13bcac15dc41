"""Provenance signing as writers' decisions (provenance_signing with ``decision:``): writers sign when it
pays, by the same logit rule as vendors' watermarks. Tiny web, 10 common seeds, paired tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from lever_runs import SEEDS, less, tiny

from ecosystem.config import ScenarioError, validate_scenario
from ecosystem.experiments.run import simulate


def _signing(**decision) -> dict:
    return {"kind": "provenance_signing", "start": "2020-06", "signed_weight": 3.0, "decision": decision}


def _mean(raw: dict, seed: int, metric: str, kind: str = "humans") -> float:
    frame = simulate(validate_scenario(raw), seed=seed).metrics
    return float(frame.filter(pl.col("kind") == kind, pl.col("metric") == metric)["value"].mean())


def test_writers_sign_more_when_crawlers_prefer_signed_pages() -> None:
    """A visibility benefit (crawlers prefer signed pages three to one) outweighing part of the cost raises
    the share of writers who sign, and so the share of new pages carrying credentials."""
    plain = tiny(policies=[_signing(cost=2.0, rationality=1.0, revise_per_month=0.2)])
    seen = tiny(policies=[_signing(cost=2.0, visibility=0.75, rationality=1.0, revise_per_month=0.2)])
    without = [_mean(plain, seed, "signing_share") for seed in SEEDS]
    with_visibility = [_mean(seen, seed, "signing_share") for seed in SEEDS]
    assert less(without, with_visibility) < 0.01, (without, with_visibility)
    assert np.mean(with_visibility) > 2 * np.mean(without)


def test_platform_defaults_raise_signing() -> None:
    """Writers whose platform signs for them bear no cost, so a platform default raises signing."""
    base = dict(cost=3.0, rationality=1.0, revise_per_month=0.2)
    none = [_mean(tiny(policies=[_signing(**base)]), seed, "c2pa_signed_share", "web") for seed in SEEDS]
    half = [_mean(tiny(policies=[_signing(platform_default=0.5, **base)]), seed, "c2pa_signed_share", "web")
            for seed in SEEDS]
    assert less(none, half) < 0.01, (none, half)


def test_signing_decisions_are_reproducible_and_leave_the_curve_untouched() -> None:
    raw = tiny(policies=[_signing(cost=1.0, visibility=0.5)])
    first = simulate(validate_scenario(raw), seed=2).metrics
    assert first.equals(simulate(validate_scenario(raw), seed=2).metrics)
    curve = tiny(policies=[{"kind": "provenance_signing", "start": "2020-06"}])
    assert "signing_share" not in simulate(validate_scenario(curve), seed=2).metrics["metric"].to_list()


@pytest.mark.parametrize(("decision", "words"), [
    ({"cost": -1}, "policies.0.provenance_signing.decision.cost: Input should be greater than or equal to 0"),
    ({"platform_default": 2}, "policies.0.provenance_signing.decision.platform_default: Input should be less"),
    ({"costs": 1}, "policies.0.provenance_signing.decision.costs: unknown field"),
])
def test_bad_signing_decision_is_refused_in_one_line(decision: dict, words: str) -> None:
    with pytest.raises(ScenarioError) as refused:
        validate_scenario(tiny(policies=[_signing(**decision)]))
    assert "\n" not in str(refused.value) and words in str(refused.value), str(refused.value)


def test_the_shipped_signing_decision_settles_at_the_published_c2pa_share() -> None:
    """scenarios/policies/provenance_decision.yaml: the logit's long-run signing share, at the scenario's payoff
    terms, lies within the published interval for July 2026 (IPTC Metawatch, data/targets.csv series c2pa)."""
    from ecosystem.calibration.targets import load_targets
    from ecosystem.learning.adoption import adopt_probability
    from ecosystem.scenario_files import load_scenario

    root = Path(__file__).resolve().parent.parent
    signing = next(p for p in load_scenario(root / "scenarios/policies/provenance_decision.yaml").policies
                   if p.kind == "provenance_signing")
    decision = signing.decision
    gain = decision.visibility * (signing.signed_weight - 1.0) - decision.cost
    settled = float(adopt_probability(gain, rationality=decision.rationality))
    july = next(t for t in load_targets(root / "data/targets.csv") if t.series == "c2pa" and t.date == "2026-07")
    assert july.low <= settled <= july.high, (settled, july)
