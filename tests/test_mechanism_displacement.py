"""Human output displaced by assistants: nothing before the assistant exists, then about the calibrated share
(del Rio-Chanona et al. 2023), and only on topics the models answer."""

from __future__ import annotations

import numpy as np
import polars as pl

from ecosystem.config import load_scenario
from ecosystem.experiments.batch import wide_metrics
from ecosystem.experiments.run import simulate
from ecosystem.model import EcosystemModel

REDUCED = {"humans.writers": 150, "reality.test_per_topic": 40, "metrics.model_samples": 1000, "end": "2024-06"}


def _at(wide: pl.DataFrame, column: str, month: str) -> float:
    return float(wide.filter(pl.col("date") == pl.lit(month + "-01").str.to_date())[column][0])


def test_writers_leave_about_the_calibrated_share_to_assistants():
    wide = wide_metrics(simulate(load_scenario("scenarios/displacement.yaml", overrides=REDUCED), seed=3).metrics)
    before = wide.filter(pl.col("date") < pl.lit("2022-11-01").str.to_date())
    assert (before["humans.displaced"] == 0).all()
    # published: -16%, growing to about 25% (the scenario's calibration targets, May 2023 and June 2024)
    early = np.mean([_at(wide, "humans.displaced_share", m) for m in ("2023-04", "2023-05", "2023-06")])
    later = np.mean([_at(wide, "humans.displaced_share", m) for m in ("2024-04", "2024-05", "2024-06")])
    assert 0.12 < early < 0.21 and 0.2 < later < 0.31 and later > early + 0.04


def test_topics_no_model_answers_keep_their_writers():
    scenario = load_scenario("scenarios/displacement.yaml", overrides={**REDUCED, "end": "2023-01",
                                                                      "humans.displacement.immediate": 1.0})
    model = EcosystemModel(scenario, seed=3)
    for _ in range(scenario.months - 1):
        model.step()
    answers = model.assistant_answers().copy()
    lost = answers == 0.0
    answers[:] = 0.0  # a model that answers nothing: nobody leaves anything to it
    model._answers = (model.month + 1, answers)
    model.step()
    assert model.displaced_docs == 0
    assert lost.sum() < len(lost)  # the real model answered some topics, so displacement had something to do
