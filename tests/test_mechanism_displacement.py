"""Human output displaced by assistants: nothing before the assistant exists, then more as adoption spreads, and
only on topics the models answer."""

from __future__ import annotations

import numpy as np
import polars as pl

from ecosystem.experiments.batch import wide_metrics
from ecosystem.experiments.run import simulate
from ecosystem.scenario_files import load_scenario

REDUCED = {"humans.writers": 150, "reality.test_per_topic": 40, "metrics.model_samples": 1000, "end": "2024-06"}


def _at(wide: pl.DataFrame, column: str, month: str) -> float:
    return float(wide.filter(pl.col("date") == pl.lit(month + "-01").str.to_date())[column][0])


def test_writers_leave_documents_to_assistants_from_their_start_and_more_as_adoption_spreads():
    wide = wide_metrics(simulate(load_scenario("scenarios/displacement.yaml", overrides=REDUCED), seed=3).metrics)
    before = wide.filter(pl.col("date") < pl.lit("2022-11-01").str.to_date())
    assert (before["humans.displaced"] == 0).all()
    early = np.mean([_at(wide, "humans.displaced_share", m) for m in ("2023-04", "2023-05", "2023-06")])
    later = np.mean([_at(wide, "humans.displaced_share", m) for m in ("2024-04", "2024-05", "2024-06")])
    assert 0.05 < early < later - 0.03 < 0.9


def test_nothing_is_displaced_until_a_model_is_released():
    """The assistant is "available" from 2021-06, but no model exists before Early enters in 2021-09."""
    overrides = {"end": "2022-03", "vendors.Early.entry": "2021-09", "vendors.Late.entry": "2022-01",
                 "humans.displacement": {"immediate": 0.5, "with_adoption": 0.0}}
    wide = wide_metrics(simulate(load_scenario("tests/data/tiny.yaml", overrides=overrides), seed=7).metrics)
    before = wide.filter(pl.col("date") < pl.lit("2021-09-01").str.to_date())
    after = wide.filter(pl.col("date") >= pl.lit("2021-09-01").str.to_date())
    assert (before["humans.displaced"] == 0).all()
    # half of what the model answers well: at most half of all documents, and well above nothing
    assert (after["humans.displaced_share"] > 0.1).all() and (after["humans.displaced_share"] < 0.5).all()
