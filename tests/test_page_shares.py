"""Two published kinds of page share: pages mostly written by a model, and pages with any model text."""

from __future__ import annotations

import numpy as np
import polars as pl

from ecosystem.content.documents import Origin
from ecosystem.model import EcosystemModel
from ecosystem.scenario_files import load_scenario


def test_each_assisted_page_keeps_its_own_share_of_the_draft_and_counts_in_the_right_measure(tiny_path):
    overrides = {"humans.assistant.assisted_share": 0.9, "humans.assistant.human_edit": 0.6,
                 "humans.assistant.human_edit_concentration": 4.0}
    model = EcosystemModel(load_scenario(tiny_path, overrides=overrides))
    for _ in range(model.scenario.months):
        model.step()
    store = model.store
    origin, ai_share = store.column("origin"), store.column("ai_share")
    assisted = ai_share[origin == Origin.ASSISTED]
    assert len(assisted) > 500
    assert abs(assisted.mean() - 0.4) < 0.03  # 1 - human_edit, Beta with sd 0.22 over > 500 pages
    assert 0.15 < assisted.std() < 0.3  # varies by page (one fixed share would give 0)
    assert np.all(ai_share[origin == Origin.HUMAN] == 0) and np.all(ai_share[origin == Origin.FARM] == 1)

    metrics = model.recorder.to_frame()
    wide = metrics.filter(pl.col("kind") == "web").pivot(on="metric", index="step", values="value")
    late = wide.filter(pl.col("step") == model.month)
    assert late["ai_written_share_new"][0] < late["ai_any_share_new"][0] <= late["synthetic_share_new"][0]
