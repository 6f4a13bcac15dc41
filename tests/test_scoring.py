"""Exact scoring of a model against the known reality: the collapse measurements."""

from __future__ import annotations

import numpy as np
import pytest

from ecosystem.config import DriftConfig, RealityConfig
from ecosystem.content.reality import build_reality
from ecosystem.learning.generative import GaussianMixtureModel
from ecosystem.learning.mixture import Mixture
from ecosystem.learning.scoring import RealityScorer, ScoringSettings

SUPPORT_QUANTILE = 0.05
SAMPLES = 20_000


@pytest.fixture(scope="module")
def reality():
    config = RealityConfig(dim=6, topics=12, topic_spread=6.0, test_per_topic=400)
    return build_reality(config, months=12, drift_start_step=0, streams=lambda i: np.random.default_rng([0, i]))


@pytest.fixture(scope="module")
def scorer(reality):
    settings = ScoringSettings(
        model_samples=SAMPLES, coverage_threshold=0.1, support_quantile=SUPPORT_QUANTILE
    )
    return RealityScorer(reality, settings)


def score(scorer, q, step=0, seed=1):
    return scorer.score(q, step=step, rng=np.random.default_rng(seed))


def test_a_model_equal_to_reality_scores_as_reality(reality, scorer):
    s = score(scorer, reality.mixture(0))
    assert abs(s.excess_nll) < 1e-9
    assert s.tail_mass_ratio == pytest.approx(1.0, abs=0.08)
    assert s.tail_kept == pytest.approx(1.0, abs=0.05) and s.common_kept == pytest.approx(1.0, abs=0.05)
    assert s.topic_coverage == 1.0
    assert s.variance_ratio == pytest.approx(1.0, abs=1e-9)
    assert s.precision == pytest.approx(1.0 - SUPPORT_QUANTILE, abs=0.015)


def test_nll_is_the_topic_weighted_held_out_negative_log_likelihood(reality, scorer):
    p = reality.mixture(0)
    log_p = p.score_samples(reality.test_points.reshape(-1, reality.means.shape[1]))
    expected = -(p.weights @ log_p.reshape(reality.test_points.shape[:2]).mean(axis=1))
    assert score(scorer, p).nll == pytest.approx(expected)


def test_a_model_missing_the_tail_loses_tail_mass_and_coverage(reality, scorer):
    p = reality.mixture(0)
    weights = np.where(reality.tail, 0.0, p.weights)
    headless = Mixture(weights / weights.sum(), p.means, p.covariances)
    s = score(scorer, headless)
    assert s.tail_mass_ratio < 0.02
    assert s.topic_coverage == pytest.approx(1.0 - reality.tail.mean(), abs=1e-9)
    assert s.excess_nll > 1.0


def test_a_too_narrow_model_has_variance_ratio_below_one(reality, scorer):
    p = reality.mixture(0)
    narrow = score(scorer, Mixture(p.weights, p.means, p.covariances * 0.3))
    wide = score(scorer, Mixture(p.weights, p.means, p.covariances * 3.0))
    assert narrow.variance_ratio < 1.0 < wide.variance_ratio
    assert narrow.excess_nll > 0 and wide.excess_nll > 0
    assert narrow.precision > wide.precision  # a narrow model rarely leaves the support


def test_a_model_far_from_reality_has_low_precision(reality, scorer):
    p = reality.mixture(0)
    elsewhere = score(scorer, Mixture(p.weights, p.means + 40.0, p.covariances))
    assert elsewhere.precision < 0.01
    assert elsewhere.topic_coverage < 0.5


def test_scores_are_reproducible_with_the_same_generator(reality, scorer):
    q = Mixture(reality.mixture(0).weights, reality.means + 0.5, reality.mixture(0).covariances)
    assert score(scorer, q, seed=3) == score(scorer, q, seed=3)
    assert score(scorer, q, seed=3).as_dict().keys() == {
        "nll",
        "excess_nll",
        "tail_kept",
        "common_kept",
        "tail_mass_ratio",
        "topic_coverage",
        "variance_ratio",
        "precision",
        "worst_topic_excess_nll",
        "worst_topic",
        "tail_excess_nll",
        "topics_lost",
        "worst_known_topic_excess_nll",
        "worst_known_topic",
    }  # and drift_excess_nll once a topic has appeared since the training crawl


def test_one_narrow_spike_on_a_rare_topic_does_not_count_as_tails_kept(reality, scorer):
    """The common topics as in P, every rare topic lost but one, which holds a narrow component with far more
    than the whole tail's mass: the pooled ratio exceeds 1, while each rare topic counts at most once."""
    p = reality.mixture(0)
    rare = np.flatnonzero(reality.tail)
    weights = np.where(reality.tail, 0.0, p.weights)
    weights[rare[0]] = 3.0 * p.weights[reality.tail].sum()
    covariances = p.covariances.copy()
    covariances[rare[0]] *= 0.01
    s = score(scorer, Mixture(weights / weights.sum(), p.means, covariances))
    assert s.tail_mass_ratio > 1.5
    assert s.tail_kept == pytest.approx(1.0 / len(rare), abs=0.02)
    assert s.common_kept > 0.5 > s.tail_kept


def test_new_topics_count_once_they_appear():
    config = RealityConfig(
        dim=4, topics=6, topic_spread=8.0, test_per_topic=100, drift=DriftConfig(new_topics_per_year=2)
    )
    reality = build_reality(config, months=24, drift_start_step=0, streams=lambda i: np.random.default_rng([2, i]))
    assert reality.n_topics == 6 + 4
    first_new = int(reality.appears_at[6])
    assert first_new == 6  # one new topic every six months
    scorer = RealityScorer(reality, ScoringSettings(model_samples=5000))
    before = reality.mixture(first_new - 1)
    assert score(scorer, before, step=first_new - 1).topic_coverage == 1.0
    # the same model, a month later, knows nothing of the new topic
    later = score(scorer, before, step=first_new)
    assert later.topic_coverage == pytest.approx(6 / 7)
    assert later.excess_nll > 0
    assert not reality.tail[6:].any()  # drift topics are drift, not tail


def test_mass_far_outside_the_support_earns_no_tail_or_coverage(reality, scorer):
    """One broad Gaussian with P's mean and covariance puts mass everywhere P has none. Counting all of its
    mass by P's posterior scored it a tail ratio of 2.5 and coverage 0.77; only mass inside P's support counts."""
    p = reality.mixture(0)
    broad = Mixture(np.ones(1), (p.weights @ p.means)[None], p.total_covariance()[None])
    s = score(scorer, broad)
    assert s.precision < 0.05
    assert s.tail_mass_ratio < 0.1
    assert s.topic_coverage < 0.25


def test_per_topic_mass_ratio_is_one_for_reality_and_zero_for_a_lost_topic(reality, scorer):
    p = reality.mixture(0)
    assert np.allclose(score(scorer, p).topic_mass_ratio, 1.0, atol=0.05)
    weights = p.weights.copy()
    weights[-1] = 0.0
    lost = score(scorer, Mixture(weights / weights.sum(), p.means, p.covariances)).topic_mass_ratio
    assert lost[-1] < 0.01 and lost[0] > 0.9


def test_sample_based_scores_move_by_less_than_a_hundredth_between_scoring_streams():
    """A fitted 20-component model of a 30-topic reality at the default settings: the sd of the tail ratio
    over scoring streams was 0.02-0.05 with plain Monte Carlo; the issue's bound is 0.01."""
    reality = build_reality(RealityConfig(), months=12, drift_start_step=0,
                            streams=lambda i: np.random.default_rng([3, i]))
    X, _ = reality.mixture(0).sample(4000, np.random.default_rng(1))
    q = GaussianMixtureModel(n_components=20, temperature=0.9).fit(X, rng=np.random.default_rng(2)).distribution_
    scorer = RealityScorer(reality, ScoringSettings())
    scores = [scorer.score(q, step=0, rng=np.random.default_rng(seed)) for seed in range(15)]
    # (topic_coverage is a count of topics over a threshold: a topic sitting at the threshold may flip.)
    for name in ("tail_mass_ratio", "precision"):
        values = np.array([getattr(s, name) for s in scores])
        assert values.std(ddof=1) < 0.01, (name, values)
