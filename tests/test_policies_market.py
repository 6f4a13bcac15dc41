"""The user market: users move to better models, a switching cost slows the move, and revenue buys
data that feeds back into quality. Over 10 common seeds (tiny scenario variants, paired one-sided
Wilcoxon tests)."""

from __future__ import annotations

import copy

import pytest
from lever_runs import less, outcomes, tiny

pytestmark = pytest.mark.slow  # every market lever over 10 seeds: left out of `make test-quick`

MARKET = {"users": 100, "quality_sensitivity": 2.0, "switching_cost": 1.0, "reconsider_per_month": 0.2}


def _with_late(raw: dict, **changes) -> dict:
    raw = copy.deepcopy(raw)
    raw["vendors"] = [dict(v, **changes) if v["name"] == "Late" else v for v in raw["vendors"]]
    return raw


def test_a_better_model_gains_market_share():
    """Quality is varied by the entrant's sampling temperature (tau = 0.3 against 1). Capacity is not used:
    with the exact tempered density, extra components fitted on a few hundred documents are narrow, and a
    low temperature boosts narrow components, so more components need not mean a better model."""
    share, excess = ("vendor", "Late", "market_share"), ("vendor", "Late", "excess_nll")
    runs = outcomes({
        "worse": _with_late(tiny(market=MARKET), temperature=0.3),
        "better": _with_late(tiny(market=MARKET), temperature=1.0),
    }, [share, excess], from_step=21)
    assert less(runs["better"][excess], runs["worse"][excess]) < 0.01  # the premise: the better model is better
    assert less(runs["worse"][share], runs["better"][share]) < 0.01


def test_a_switching_cost_slows_the_move_to_a_new_entrant():
    share = ("vendor", "Late", "market_share")
    runs = outcomes({
        "free": tiny(market=dict(MARKET, switching_cost=0.0)),
        "sticky": tiny(market=dict(MARKET, switching_cost=3.0)),
    }, [share], from_step=21)
    assert less(runs["sticky"][share], runs["free"][share]) < 0.01


def test_revenue_buys_crawl_pages_and_licensed_human_data_that_improve_the_leaders_model():
    funded_market = dict(MARKET, crawl_pages_per_dollar=2.0)
    licence = {"kind": "human_data_license", "start": "2020-06", "budget_per_month": 0.0, "price_per_doc": 1.0,
               "revenue_share": 0.5}
    pages, synthetic = ("crawler", "Early", "pages"), ("vendor", "Early", "train_synthetic_share")
    excess = ("vendor", "Early", "excess_nll")
    runs = outcomes({
        "unfunded": tiny(market=MARKET, policies=[dict(licence, revenue_share=0.0)]),
        "funded": tiny(market=funded_market, policies=[licence]),
    }, [pages, synthetic, excess])
    assert less(runs["unfunded"][pages], runs["funded"][pages]) < 0.01
    assert less(runs["funded"][synthetic], runs["unfunded"][synthetic]) < 0.01
    assert less(runs["funded"][excess], runs["unfunded"][excess]) < 0.01


def test_inertia_alone_gives_the_incumbent_a_lead_that_a_switching_cost_lengthens():
    """The confound the ledger removes from the first-mover user edge (user_share_inertia_*): with users
    blind to quality, the entrant still trails, because it starts with no users and users re-choose slowly;
    a switching cost widens the gap. So a user lead is evidence of quality only net of this counterfactual."""
    early, late = ("vendor", "Early", "market_share"), ("vendor", "Late", "market_share")
    blind = dict(MARKET, quality_sensitivity=0.0)
    runs = outcomes({"blind": tiny(market=blind), "blind_free": tiny(market=dict(blind, switching_cost=0.0))},
                    [early, late], from_step=24)
    gap = {name: [a - b for a, b in zip(run[early], run[late], strict=True)] for name, run in runs.items()}
    assert min(gap["blind_free"]) > 0
    assert less(gap["blind_free"], gap["blind"]) < 0.01


def test_distribution_wins_an_entrant_users_that_quality_alone_does_not_and_a_slow_build_up_delays_them():
    """Similarweb's entrant (Gemini) rose through search and phones. Reach is a utility users get whatever the
    model's quality; built up over ``distribution_months`` from entry, it wins users later. It does not feed back
    into the web here (no revenue is spent), so every seed's web is the same in the three arms."""
    late, excess = ("vendor", "Late", "market_share"), ("vendor", "Late", "excess_nll")
    runs = outcomes({
        "none": tiny(market=MARKET),
        "at_once": _with_late(tiny(market=MARKET), distribution=2.0),
        "built_up": _with_late(tiny(market=MARKET), distribution=2.0, distribution_months=12),
    }, [late, excess], from_step=22)
    assert runs["at_once"][excess] == runs["none"][excess] == runs["built_up"][excess]  # the same models
    for none, built_up, at_once in zip(runs["none"][late], runs["built_up"][late], runs["at_once"][late], strict=True):
        assert none < built_up < at_once
