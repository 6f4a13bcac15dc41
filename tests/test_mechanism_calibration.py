"""The token-weighted AI share of new pages (WildAI's measure) beside the page share (Graphite's), and the
generated calibration figure and table."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from analysis.calibration_shares import BEGIN, END, calibration_figure, write_calibration_block
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


def test_the_calibration_table_is_generated_from_the_ledger(tmp_path):
    doc = tmp_path / "calibration.md"
    doc.write_text("# Calibration\n\nhand-written\n", encoding="utf-8")
    claims = pl.DataFrame({"id": ["calibration_ai_tokens_2025_06"], "effect": [0.2], "ci_low": [0.18],
                           "ci_high": [0.22], "n": [20]})
    write_calibration_block(doc, claims)
    write_calibration_block(doc, claims)  # a second run replaces the block, never appends another
    text = doc.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and text.count(END) == 1 and "hand-written" in text
    assert "| 2025-06 | 16.1% | 20.0% [18.0%, 22.0%], n = 20 |" in text
    assert "| 2024-06 | 10.1% | not in the ledger yet |" in text


def test_the_calibration_figure_draws_bands_over_seeds():
    dates = [dt.date(2024, m, 1) for m in range(1, 13)]
    frames = [pl.DataFrame({"date": dates, "web.ai_token_share_new": np.linspace(0.1, 0.2, 12) + s / 100,
                            "web.ai_written_share_new": np.full(12, 0.5)}) for s in range(3)]
    ax = calibration_figure(frames).axes[0]
    assert "3 seeds" in ax.get_title() and len(ax.collections) == 2  # one band per measure
