"""What ``read`` shows agrees with the scores: each sample's distance to its nearest real document and whether
it lies inside P's support, topic coverage that counts what the model writes, and a tail never chosen by
name among tied topics."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import yaml
from text_corpus import sample_corpus, text_reality
from typer.testing import CliRunner

from analysis.topics import describe_losses
from ecosystem.cli import app
from ecosystem.content.reality import NEVER_ABSENT, Reality, no_tail_warning, tail_topics
from ecosystem.content.text_reality import build_text_reality
from ecosystem.experiments.reading import TopicHistory, _read
from ecosystem.learning.mixture import Mixture
from ecosystem.learning.scoring import RealityScorer, ScoringSettings
from ecosystem.model import EcosystemModel
from ecosystem.scenario_files import load_scenario


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return sample_corpus(tmp_path_factory)


def _reality(weights: np.ndarray, separation: float = 4.5) -> Reality:
    """Topics as unit Gaussians at the corners of a simplex, ``separation`` apart."""
    k = len(weights)
    means = np.eye(k) * separation / np.sqrt(2)
    covariances = np.repeat(np.eye(k)[None], k, axis=0)
    test = means[:, None] + np.random.default_rng(0).standard_normal((k, 400, k))
    w = weights / weights.sum()
    return Reality(means, covariances, w, np.full(k, NEVER_ABSENT), tail_topics(w, n_original=k, fraction=0.3),
                   test, tuple("abcdefgh"[:k]), k)


def test_a_model_writing_two_of_eight_topics_covers_two_and_loses_six():
    reality = _reality(np.linspace(1.2, 0.8, 8))
    scorer = RealityScorer(reality, ScoringSettings())
    q = Mixture(np.array([0.5, 0.5]), reality.means[[0, 4]], reality.covariances[[0, 4]])
    scores = scorer.score(q, step=0, rng=np.random.default_rng(1))
    assert scores.topic_coverage == 2 / 8 and scores.topics_lost == 6
    _, topic = scorer.topics_of(q.sample(4000, np.random.default_rng(2))[0], 0)  # how read counts a sample
    share = np.bincount(topic[topic >= 0], minlength=8) / 4000
    assert np.flatnonzero(share >= 0.1 * scorer.topic_share(0)).tolist() == [0, 4]
    history = TopicHistory(reality.names, reality.base_weights, (np.datetime64("2024-01-01").item(),),
                           scores.topic_mass_ratio[None])
    assert describe_losses(history).count("(2024-01)") == 6


def test_tied_topics_enter_the_tail_together_and_equal_weights_give_none():
    tail = tail_topics(np.array([5.0, 3.0, 2.0, 2.0]), n_original=4, fraction=0.25)
    assert tail.tolist() == [False, False, True, True]  # not the first 2 by order (or name)
    equal = _reality(np.ones(8))
    assert not equal.tail.any()
    assert "no tail" in no_tail_warning(equal) and no_tail_warning(_reality(np.arange(8.0, 0, -1))) is None
    q = Mixture(np.ones(8) / 8, equal.means, equal.covariances)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NaN by definition, not 0/0
        scores = RealityScorer(equal, ScoringSettings()).score(q, step=0, rng=np.random.default_rng(0))
    assert np.isnan(scores.tail_mass_ratio) and np.isnan(scores.tail_excess_nll)
    assert scores.topic_coverage == 1.0


def test_read_gives_each_sample_its_distance_and_flags_one_outside_p(sample, tiny_path):
    scenario = load_scenario(tiny_path, overrides=text_reality(*sample))
    model = EcosystemModel(scenario)
    world = build_text_reality(scenario.reality, start=scenario.start, streams=model.rngs.reality_block)
    far = world.vectors[:1] + 50.0
    docs = _read(world, model, np.concatenate([world.vectors[:2], far]), 0)
    assert [d.inside for d in docs] == [True, True, False]
    assert docs[0].distance == pytest.approx(0.0, abs=1e-9) and docs[2].distance > 40


def test_read_prints_distances_the_share_outside_and_the_topics_written(sample, tiny_path, tmp_path):
    corpus, cache = sample
    reality = {k.removeprefix("reality."): v for k, v in text_reality(corpus, cache).items()}
    path = tmp_path / "text_tiny.yaml"
    path.write_text(yaml.safe_dump({"extends": str(tiny_path), "reality": reality}), encoding="utf-8")
    out = CliRunner().invoke(app, ["read", str(path), "--vendor", "Early", "--at", "2021-06", "-n", "3"],
                             env={"COLUMNS": "100"})
    assert out.exit_code == 0, out.output
    assert "dist" in out.output and out.output.count("outside P's support") == 2
    assert "topics (each given at least 10% of its share in P)" in out.output
