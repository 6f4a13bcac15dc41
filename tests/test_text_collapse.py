"""Collapse emerges on a reality fitted to real text: a closed loop under replace loses named topics on every
seed; accumulating every crawl resists. A short loop (one generation a month) on the sample corpus."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from text_corpus import sample_corpus, text_reality

from analysis.topics import describe_losses, topic_losses
from ecosystem.experiments.reading import simulate_topics
from ecosystem.scenario_files import load_scenario

CLOSED_LOOP = Path(__file__).parents[1] / "scenarios" / "closed_loop.yaml"
SEEDS = range(3)
SHORT_LOOP = {"start": "2019-07", "end": "2021-06", "humans.writers": 100, "metrics.model_samples": 1000,
              "vendors.Solo.components": 8, "vendors.Solo.temperature": 0.9, "vendors.Solo.retrain_every": 1,
              "vendors.Solo.train_size": 300, "vendors.Solo.publish_per_month": 300,
              "vendors.Solo.crawler.budget_per_month": 300, "vendors.Solo.crawler.lead_months": 6}


def _loop(args: tuple[dict, str, int]):
    overrides, policy, seed = args
    scenario = load_scenario(CLOSED_LOOP, overrides={**overrides, "vendors.Solo.data_policy": policy})
    model, history = simulate_topics(scenario, vendor="Solo", seed=seed)
    metrics = model.recorder.to_frame().filter(pl.col("entity") == "Solo", pl.col("metric") == "retrained")
    return history, metrics.height


@pytest.fixture(scope="module")
def loops(tmp_path_factory):
    corpus, cache = sample_corpus(tmp_path_factory)
    overrides = {**SHORT_LOOP, **text_reality(corpus, cache, dim=8)}
    load_scenario(CLOSED_LOOP, overrides=overrides)  # embeds once here, before the workers start
    jobs = [(overrides, policy, seed) for policy in ("replace", "accumulate") for seed in SEEDS]
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("forkserver")) as pool:
        histories = [h for h, _ in pool.map(_loop, jobs)]
    return {policy: [h for (_, p, _), h in zip(jobs, histories, strict=True) if p == policy]
            for policy in ("replace", "accumulate")}


def test_replace_loses_named_topics_on_every_seed_and_accumulate_resists(loops):
    for replaced, kept in zip(loops["replace"], loops["accumulate"], strict=True):
        assert len(replaced.dates) >= 15  # generations
        lost = topic_losses(replaced)
        assert len(lost) >= 2, describe_losses(replaced)
        assert {t.name for t in lost} <= set(replaced.names)
        assert len(topic_losses(kept)) < len(lost), describe_losses(kept)
        # Mass the model still gives its topics, relative to reality: replace ends further from 1.
        assert np.nanmean(np.abs(np.log(np.maximum(replaced.ratios[-1], 1e-3)))) > np.nanmean(
            np.abs(np.log(np.maximum(kept.ratios[-1], 1e-3))))


def test_losses_are_named_and_dated(loops):
    line = describe_losses(loops["replace"][0])
    assert line.startswith("lost by 2021-06: ")
    first = topic_losses(loops["replace"][0])[0]
    assert first.name in line and f"({first.lost_on:%Y-%m})" in line
