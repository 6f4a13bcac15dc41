"""The token-weighted AI share of new pages (WildAI's measure) beside the page share (Graphite's), and the
generated calibration figure and table."""

from __future__ import annotations

import numpy as np
import polars as pl

from analysis.calibration_table import BEGIN, END, calibration_block, posterior_block, write_block
from ecosystem.experiments.batch import wide_metrics
from ecosystem.experiments.run import simulate
from ecosystem.scenario_files import load_scenario

NO_ASSISTANT = {"humans.assistant.innovation": 0.0, "humans.assistant.imitation": 0.0,
                "vendors.Early.publish_per_month": 0, "farms.candidates_per_month": 6}


def _shares(**overrides) -> pl.DataFrame:
    scenario = load_scenario("tests/data/tiny.yaml", overrides={"end": "2022-06", **NO_ASSISTANT, **overrides})
    wide = wide_metrics(simulate(scenario, seed=7).metrics)
    return wide.filter(pl.col("web.synthetic_share_new") > 0)


def test_with_pages_of_equal_length_the_token_share_is_the_page_share():
    wide = _shares()
    assert wide.height > 3
    # human pages vary in length around the farms' (Poisson around the same mean)
    assert np.allclose(wide["web.ai_token_share_new"], wide["web.synthetic_share_new"], atol=0.005)


def test_longer_machine_pages_weigh_more_in_the_token_share():
    wide = _shares(**{"farms.tokens_per_doc": 3200})  # four times a human page: four times the odds
    tokens, pages = wide["web.ai_token_share_new"], wide["web.synthetic_share_new"]
    odds_ratio = (tokens / (1 - tokens)) / (pages / (1 - pages))
    assert ((odds_ratio > 3.6) & (odds_ratio < 4.4)).all()


def test_the_measured_web_block_is_generated_from_the_ledger(tmp_path):
    doc = tmp_path / "calibration.md"
    doc.write_text("# Calibration\n\nhand-written\n", encoding="utf-8")
    claims = pl.DataFrame({"id": ["calibration_wildai_2025_06", "calibration_stackoverflow_2023_05"],
                           "effect": [0.2, 0.1], "ci_low": [0.18, 0.05], "ci_high": [0.22, 0.15], "n": [20, 20],
                           "unit": ["(share)", "(share)"], "published": ["16.1% [14.2%, 18.0%] (WildAI)", "-16%"],
                           "verdict": ["fitted", "fitted"]})
    fit = pl.DataFrame({"series": ["wildai", "wildai", "graphite"], "date": ["2023-06", "2024-06", "2023-11"],
                        "use": ["held_out", "calibration", "calibration"], "matched": [True, False, True]})
    block = calibration_block(claims, fit, seeds="1000-1019")
    write_block(doc, block)
    write_block(doc, block)  # a second run replaces the block, never appends another
    text = doc.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and text.count(END) == 1 and "hand-written" in text
    assert ("| `calibration_wildai_2025_06` | 20.0% [18.0%, 22.0%], n = 20 | 16.1% [14.2%, 18.0%] (WildAI) "
            "| fitted |") in text
    assert "stackoverflow_2023" in text
    assert "matched 1 of 2 calibration figures, 1 of 1 held-out figures" in text
    assert "matches 1 of 2 months (50%" in text
    assert "![wildai](figures/fit_wildai.png)" in text


def test_the_posterior_block_gives_each_parameters_weighted_median_and_interval(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "calibration.yaml").write_text("seeds: 2\nparameters:\n  - path: web.crawl.fresh_share\n    prior: "
                                             "{distribution: uniform, low: 0.0, high: 1.0}\n    reason: a test\n",
                                             encoding="utf-8")
    pl.DataFrame({"generation": [0, 0, 1, 1, 1, 1], "particle": [0, 1, 0, 1, 2, 3],
                  "weight": [0.5, 0.5, 0.1, 0.1, 0.7, 0.1], "distance": [5.0, 5.0, 2.0, 1.0, 3.0, 4.0],
                  "web.crawl.fresh_share": [0.9, 0.9, 0.1, 0.2, 0.3, 0.4]},
                 schema_overrides={"generation": pl.Int32, "particle": pl.Int32}).write_parquet(
        folder / "posterior.parquet")
    pl.DataFrame({"generation": [0, 1], "epsilon": [9.0, 3.25], "simulations": [80, 120],
                  "particles": [2, 4], "acceptance_rate": [0.5, 0.03], "ess": [2.0, 1.9],
                  "wall_seconds": [600.0, 1200.0]}).write_parquet(folder / "diagnostics.parquet")
    block = posterior_block([folder])
    assert "| `web.crawl.fresh_share` | 0.300 [0.100, 0.400] |" in block  # generation 1 only, by weight
    assert "2 generations of 4 particles, 200 simulations (2 runs each) in 30 minutes" in block
    assert "final epsilon 3.25" in block
