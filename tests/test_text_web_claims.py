"""The text-web ledger entries (analysis/claims/text_web.py): arms that differ only by the clean web or the mandate,
ids registered in the catalogue, and measures checked on hand-made runs."""

from __future__ import annotations

import math

import polars as pl
import pytest

from analysis.claims import ARMS, CLAIMS
from analysis.claims import text_web as theme
from analysis.claims.model import SCENARIOS
from ecosystem.scenario_files import load_scenario


@pytest.mark.parametrize("quick", [True, False])
def test_the_arms_are_one_text_web_with_language_model_vendors(quick):
    scenarios = {name: load_scenario(SCENARIOS / arm.scenario, overrides={**arm.overrides,
                                                                        **(arm.quick if quick else {})})
                 for name, arm in theme.ARMS.items()}
    for scenario in scenarios.values():
        assert scenario.language_models and scenario.reality.kind == "text"
        sizes = {v.train_size for v in scenario.vendors}
        assert len(sizes) == 1  # equal training sizes
        first, late = (next(v for v in scenario.vendors if v.name == n) for n in (theme.FIRST, theme.LATE))
        assert first.entry < late.entry <= scenario.end
    assert scenarios["tw_clean"].farms.candidates_per_month == 0
    assert all(v.publish_per_month == 0 for v in scenarios["tw_clean"].vendors)
    assert [p.kind for p in scenarios["tw_registry"].policies] == ["watermark_mandate", "watermark_registry"]
    assert not scenarios["tw_polluted"].policies
    assert scenarios["tw_text_mark"].policies == scenarios["tw_registry"].policies
    assert scenarios["tw_text_mark"].text.watermark is not None
    assert all(scenarios[arm].text is None or scenarios[arm].text.watermark is None
               for arm in ("tw_polluted", "tw_clean", "tw_registry"))


def test_the_ids_are_registered_once():
    ids = [c.id for c in theme.CLAIMS]
    catalogue = [c.id for c in CLAIMS]
    assert set(ids) <= set(catalogue) and len(catalogue) == len(set(catalogue))
    assert all(ARMS[name] is arm for name, arm in theme.ARMS.items())
    assert all("{effect}" in c.statement and c.fails is not None for c in theme.CLAIMS)


def _run(values: dict[str, dict[str, list[float]]]) -> pl.DataFrame:
    """A wide run: each vendor's age (its first model at month 1) and its metrics per month."""
    columns = {}
    for vendor, metrics in values.items():
        columns[f"vendor.{vendor}.age_months"] = [None, 0, 1]
        for metric, series in metrics.items():
            columns[f"vendor.{vendor}.{metric}"] = [None, *series]
    return pl.DataFrame(columns)


def test_measures_compare_first_models_in_log_ratios_seed_by_seed():
    polluted = _run({"Pioneer": {"text_perplexity": [100.0, 50.0]}, "Third": {"text_perplexity": [150.0, 1.0]}})
    clean = _run({"Pioneer": {"text_perplexity": [100.0, 50.0]}, "Third": {"text_perplexity": [110.0, 1.0]}})
    mandate = _run({"Pioneer": {"text_perplexity": [100.0, 50.0]}, "Third": {"text_perplexity": [120.0, 1.0]}})
    runs = {"tw_polluted": polluted, "tw_clean": clean, "tw_registry": mandate}
    assert theme.log_gap("tw_polluted", "text_perplexity")(runs) == pytest.approx(math.log(1.5))
    assert theme.pollution("text_perplexity")(runs) == pytest.approx(math.log(1.5) - math.log(1.1))
    assert theme.watermarked("text_perplexity", log=True)(runs) == pytest.approx(math.log(120 / 150))
