"""Quality filtering in the crawl: what the classifier prefers comes from its reference set; a reference of
typical (model-written) text makes it keep synthetic pages over human ones, and the crawl reports it."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from ecosystem.config import RealityConfig
from ecosystem.content.reality import build_reality
from ecosystem.experiments.batch import wide_metrics
from ecosystem.experiments.run import simulate
from ecosystem.learning.quality import QualityClassifier
from ecosystem.scenario_files import load_scenario


@pytest.fixture(scope="module")
def web():
    """Human pages drawn from reality, synthetic pages from reality at temperature 0.5 (typical text)."""
    reality = build_reality(RealityConfig(dim=8, topics=30), months=1, drift_start_step=0,
                            streams=lambda i: np.random.default_rng([8, i]))
    rng = np.random.default_rng(8)
    p = reality.mixture(0)
    typical = p.tempered(0.5)
    return p, typical, p.sample(1500, rng)[0], typical.sample(1500, rng)[0], rng


def _survival(kept: np.ndarray) -> tuple[float, float]:
    return float(kept[1500:].mean()), float(kept[:1500].mean())  # synthetic, human


def test_a_filter_that_prefers_typical_text_keeps_more_synthetic_pages(web):
    p, typical, human, synthetic, rng = web
    crawl = np.vstack([human, synthetic])
    kept = QualityClassifier(keep_share=0.3).fit(typical.sample(1000, rng)[0], crawl).keep(crawl)
    ai, people = _survival(kept)
    assert kept.mean() == pytest.approx(0.3, abs=1e-3)
    assert ai > 1.5 * people


def test_a_filter_with_a_human_reference_does_not_favour_synthetic_pages(web):
    p, typical, human, synthetic, rng = web
    crawl = np.vstack([human, synthetic])
    kept = QualityClassifier(keep_share=0.3).fit(p.sample(1000, rng)[0], crawl).keep(crawl)
    ai, people = _survival(kept)
    assert ai < 1.2 * people


def test_the_crawl_reports_what_its_quality_filter_kept():
    overrides = {"end": "2022-06", **{f"vendors.{v}.crawler.filters.quality": {"keep_share": 0.4, "model_share": 1.0}
                                       for v in ("Early", "Late")}}
    wide = wide_metrics(simulate(load_scenario("tests/data/tiny.yaml", overrides=overrides), seed=7).metrics)
    judged = wide.filter(pl.col("crawler.Early.quality_survival_ratio").is_not_null())
    assert judged.height > 6  # from Early's first model on
    ratio = judged["crawler.Early.quality_survival_ratio"].to_numpy()
    assert np.all(np.isfinite(ratio)) and np.median(ratio) > 1.0
    kept_share = judged["crawler.Early.kept"] / judged["crawler.Early.pages"]
    assert (kept_share <= 0.41).all()


def test_filtered_and_unfiltered_vendors_train_on_equal_numbers_of_pages():
    """The filtered crawler fetches budget / keep_share pages, so the filter costs no training data."""
    quality = {f"vendors.{v}.crawler.filters.quality": {"keep_share": 0.3} for v in ("Early", "Late")}
    sizes = []
    for overrides in ({}, quality):
        scenario = load_scenario("tests/data/tiny.yaml", overrides={"end": "2022-06", **overrides})
        wide = wide_metrics(simulate(scenario, seed=7).metrics)
        sizes.append(wide.filter(pl.col("vendor.Early.retrained") == 1)["vendor.Early.train_size"].to_numpy())
    unfiltered, filtered = sizes
    assert len(filtered) == len(unfiltered) >= 3
    np.testing.assert_allclose(filtered, unfiltered, rtol=0.02)
