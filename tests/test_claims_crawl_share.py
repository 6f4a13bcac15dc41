"""The crawl-share theme: the polluted first-mover web at five crawl fresh shares, its entries registered in the
ledger, the figure of the penalty against the synthetic share drawn from a claims table, and one level's arm
through the ledger's quick path."""

from __future__ import annotations

import math

import polars as pl
import pytest
from matplotlib.collections import LineCollection

from analysis.claims import ARMS, CLAIMS, REPLICATIONS, measure, plan
from analysis.claims import crawl_share as theme
from analysis.claims.first_movers import ARMS as FM_ARMS
from analysis.claims.model import SCENARIOS
from analysis.crawl_share_figure import crawl_share_figure, main, missing_ids, points
from ecosystem.experiments.batch import run_batch
from ecosystem.experiments.executors import LocalProcesses
from ecosystem.scenario_files import load_scenario


def _without_fresh_share(resolved: dict) -> dict:
    web = {k: v for k, v in resolved.get("web", {}).items() if k != "crawl"}
    crawl = {k: v for k, v in resolved.get("web", {}).get("crawl", {}).items() if k != "fresh_share"}
    return {**resolved, "web": {**web, **({"crawl": crawl} if crawl else {})}}


@pytest.mark.parametrize("quick", [True, False])
def test_the_arms_are_the_polluted_first_mover_web_differing_only_by_fresh_share(quick):
    assert list(theme.ARMS) == [theme.arm_name(level) for level in theme.LEVELS]
    polluted = _without_fresh_share(FM_ARMS["fm_polluted"].resolved(quick=quick))
    for level in theme.LEVELS:
        arm = theme.ARMS[theme.arm_name(level)]
        assert _without_fresh_share(arm.resolved(quick=quick)) == polluted  # a valid scenario, else this raises
        overrides = {**arm.overrides, **(arm.quick if quick else {})}
        scenario = load_scenario(SCENARIOS / arm.scenario, overrides=overrides)
        assert scenario.web.crawl.fresh_share == level
        assert all(v.crawler.fresh_share is None for v in scenario.vendors)  # every crawler takes web.crawl's


def test_the_ids_are_unique_and_registered_in_the_catalogue():
    ids = [c.id for c in theme.CLAIMS]
    assert len(ids) == len(set(ids)) == 2 * len(theme.LEVELS)
    assert "first_mover_pollution_age0_fresh_010" in ids and "entrant_first_crawl_synthetic_fresh_010" in ids
    assert "first_mover_pollution_age0_fresh_005" in ids and "entrant_first_crawl_synthetic_fresh_080" in ids
    catalogue = [c.id for c in CLAIMS]
    assert set(ids) <= set(catalogue) and len(catalogue) == len(set(catalogue))
    assert not set(ids) & {r.id for r in REPLICATIONS}
    assert all(ARMS[name] is arm for name, arm in theme.ARMS.items())
    for claim in theme.CLAIMS:
        assert "{effect}" in claim.statement and "web.crawl.fresh_share = " in claim.holds
        assert claim.arms == (theme.arm_name(float(claim.holds.rsplit("= ", 1)[1])),)
    assert [c.direction for c in theme.CLAIMS] == [+1, 0] * len(theme.LEVELS)


def _claims_frame(levels=theme.LEVELS) -> pl.DataFrame:
    rows = []
    for i, level in enumerate(levels):
        rows.append({"id": theme.synthetic_id(level), "effect": 0.3 + 0.1 * i, "ci_low": 0.28 + 0.1 * i,
                     "ci_high": 0.32 + 0.1 * i, "n": 20, "seeds": "2000-2019"})
        rows.append({"id": theme.penalty_id(level), "effect": 0.05 * i, "ci_low": 0.05 * i - 0.04,
                     "ci_high": 0.05 * i + 0.04, "n": 20, "seeds": "2000-2019"})
    rows.append({"id": "first_mover_pollution_age0", "effect": 9.0, "ci_low": 8.0, "ci_high": 10.0, "n": 20,
                 "seeds": "2000-2019"})
    return pl.DataFrame(rows)


def test_the_figure_draws_one_point_with_both_intervals_per_fresh_share():
    claims = _claims_frame()
    frame = points(claims)
    assert frame["fresh_share"].to_list() == list(theme.LEVELS)
    assert frame["x"].to_list() == pytest.approx([0.3, 0.4, 0.5, 0.6, 0.7])
    fig = crawl_share_figure(claims, note="caption")
    ax = fig.axes[0]
    (bars,) = ax.containers  # one errorbar series
    marks, _caps, (xbars, ybars) = bars.lines[0], bars.lines[1], bars.lines[2]
    assert list(marks.get_xdata()) == pytest.approx([0.3, 0.4, 0.5, 0.6, 0.7])
    assert list(marks.get_ydata()) == pytest.approx([0.0, 0.05, 0.1, 0.15, 0.2])
    assert isinstance(xbars, LineCollection) and len(xbars.get_segments()) == len(theme.LEVELS)
    assert len(ybars.get_segments()) == len(theme.LEVELS)
    low, high = ybars.get_segments()[2][:, 1]  # the 20% level's penalty interval
    assert (low, high) == pytest.approx((0.06, 0.14))
    assert [t.get_text() for t in ax.texts] == ["5% new pages", "10% new pages", "20% new pages",
                                                "40% new pages", "80% new pages"]
    assert "machine-made" in ax.get_xlabel() and "nats" in ax.get_ylabel()


def test_the_figure_script_writes_the_png_or_says_to_run_the_ledger(tmp_path, capsys):
    ledger = tmp_path / "claims.parquet"
    assert main(ledger=ledger, folder=tmp_path) == 1
    _claims_frame(theme.LEVELS[:3]).write_parquet(ledger)
    assert missing_ids(pl.read_parquet(ledger)) == [i for level in theme.LEVELS[3:]
                                                    for i in (theme.penalty_id(level), theme.synthetic_id(level))]
    assert main(ledger=ledger, folder=tmp_path) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all("run `ecosim claims` first" in line for line in err)
    assert not (tmp_path / "first_mover_vs_synthetic.png").exists()
    _claims_frame().write_parquet(ledger)
    assert main(ledger=ledger, folder=tmp_path) == 0
    assert (tmp_path / "first_mover_vs_synthetic.png").stat().st_size > 0


@pytest.mark.slow
def test_one_levels_arm_runs_through_the_ledgers_quick_path(tmp_path):
    claims = [c for c in theme.CLAIMS if c.arms == (theme.arm_name(0.1),)]
    specs = plan(quick=True, folder=tmp_path, claims=claims)
    assert {s.label for s in specs} == {"fm_fresh_010"} and len(specs) == 2
    with LocalProcesses(workers=2) as executor:
        report = run_batch(specs, executor=executor)
    assert not report.failures, [f.describe() for f in report.failures]
    penalty, synthetic = measure(specs, claims=claims)
    assert penalty.claim.id == "first_mover_pollution_age0_fresh_010"
    assert all(math.isfinite(v) for v in penalty.values) and len(penalty.values) == 2
    assert all(0.0 <= v <= 1.0 for v in synthetic.values) and len(synthetic.values) == 2
    assert penalty.effect_text() in penalty.sentence() and "10% of each crawl" in penalty.sentence()
