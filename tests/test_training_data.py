"""What vendors and detectors train on: a pre-AI archive of human pages from a real crawl, and equal
training sizes whatever a vendor buys."""

from __future__ import annotations

import numpy as np
import polars as pl

from ecosystem.content.documents import Origin
from ecosystem.experiments.run import simulate
from ecosystem.model import EcosystemModel
from ecosystem.scenario_files import load_scenario


def test_the_archive_is_a_rank_weighted_crawl_of_human_pages_taken_before_any_model_output(tiny_path):
    # In tiny, vendor Early enters (and publishes) in 2020-09, long before ai_start (2021-06): taking every
    # page before ai_start put its output in the archive.
    scenario = load_scenario(tiny_path, overrides={"web.archive_pages": 400})
    model = EcosystemModel(scenario)
    for _ in range(scenario.months):
        model.step()
    archive = model.pre_ai_rows()
    assert len(archive) == 400 and len(np.unique(archive)) == 400
    store = model.store
    assert np.all(store.column("origin")[archive] == Origin.HUMAN)
    assert store.column("month")[archive].max() < model.archive_step == scenario.month_index(scenario.vendors[0].entry)
    # a crawl by rank, not the whole web: high-rank sites are over-represented
    sites = store.column("site")[store.month_rows(0, model.archive_step - 1)]
    rank = model.web.search_weight()
    assert rank[store.column("site")[archive]].mean() > rank[sites].mean()


def test_licensed_documents_count_within_the_training_size(tiny_path):
    licence = {"kind": "human_data_license", "start": "2020-01", "budget_per_month": 400, "price_per_doc": 1.0}
    scenario = load_scenario(tiny_path, overrides={"policies": [licence]})
    metrics = simulate(scenario).metrics
    rows = metrics.filter(pl.col("kind") == "vendor", pl.col("metric").is_in(["train_size", "train_licensed"]))
    wide = rows.pivot(on="metric", index=["step", "entity"], values="value")
    assert wide["train_licensed"].max() > 0
    sizes = {v.name: v.train_size for v in scenario.vendors}
    for vendor, size in sizes.items():
        assert wide.filter(pl.col("entity") == vendor)["train_size"].max() <= size
