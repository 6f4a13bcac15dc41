"""The text reality: P fitted to real documents, weights and names from the corpus, drift from its dates,
a reader, and the same world and metrics for the same scenario and seed."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from text_corpus import TOPICS, sample_corpus, text_reality

from ecosystem.config import RealityConfig
from ecosystem.content.text_reality import build_text_reality
from ecosystem.experiments.run import simulate
from ecosystem.randomness import RandomStreams
from ecosystem.scenario_files import load_scenario

LATE = {"json": "2021-03", "uuid": "2021-07", "gzip": "2021-07"}  # dated after the tiny scenario's start


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return sample_corpus(tmp_path_factory)


@pytest.fixture(scope="module")
def config(sample) -> RealityConfig:
    fields = {k.removeprefix("reality."): v for k, v in text_reality(*sample).items()}
    return RealityConfig.model_validate(fields)


@pytest.fixture(scope="module")
def world(config):
    return build_text_reality(config, start=dt.date(2020, 1, 1), streams=RandomStreams(0).reality_block)


@pytest.fixture(scope="module")
def dated(sample, tmp_path_factory):
    """The sample corpus with a month per document: three rare topics are written only from 2021."""
    corpus, cache = sample
    path = tmp_path_factory.mktemp("dated") / "dated.jsonl"
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        row["month"] = LATE.get(row["topic"], "2019-05")
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path, cache


def test_weights_names_and_tail_come_from_the_corpus(world, sample):
    reality = world.reality
    labels = [json.loads(line)["topic"] for line in sample[0].read_text(encoding="utf-8").splitlines()]
    counts = {t: labels.count(t) for t in TOPICS}
    assert set(reality.names) == set(TOPICS) and reality.n_original == len(TOPICS)
    expected = np.array([counts[name] for name in reality.names], dtype=float)
    assert np.allclose(reality.base_weights, expected / expected.sum())
    assert np.all(np.diff(reality.base_weights) <= 0)  # most common first
    tail = [reality.names[k] for k in np.flatnonzero(reality.tail)]
    assert set(tail) == {"random", "socket", "json", "uuid", "gzip"}  # the rarest 30% of 16 topics


def test_p_describes_held_out_real_documents_better_than_one_gaussian(world):
    fit = world.fit
    assert fit.heldout_docs >= len(TOPICS)
    assert fit.gain > 0.2  # nats per held-out document (0.37 measured in 4 dimensions)
    assert fit.topic_accuracy > 3 / len(TOPICS)
    covariances = world.reality.covariances
    assert not np.allclose(covariances[0], np.diag(np.diag(covariances[0])))  # full, not isotropic


def test_the_reader_finds_each_document_itself(world):
    assert np.array_equal(world.nearest(world.vectors[:20]), np.arange(20))
    assert world.text(0) in world.corpus.texts


def test_same_seed_same_world_other_seed_same_corpus_weights(config, world):
    again = build_text_reality(config, start=dt.date(2020, 1, 1), streams=RandomStreams(0).reality_block)
    other = build_text_reality(config, start=dt.date(2020, 1, 1), streams=RandomStreams(1).reality_block)
    for field in ("means", "covariances", "test_points", "base_weights"):
        assert np.array_equal(getattr(world.reality, field), getattr(again.reality, field))
    assert np.array_equal(world.reality.base_weights, other.reality.base_weights)
    assert not np.array_equal(world.reality.test_points, other.reality.test_points)


def test_clusters_get_tf_idf_names(sample):
    corpus, cache = sample
    fields = {k.removeprefix("reality."): v for k, v in text_reality(corpus, cache, topic_column=None, topics=5,
                                                                       min_docs=10).items()}
    world = build_text_reality(RealityConfig.model_validate(fields), start=dt.date(2020, 1, 1),
                               streams=RandomStreams(0).reality_block)
    names = world.reality.names
    assert 2 <= len(names) <= 5 and len(set(names)) == len(names)
    assert all(len(name.split()) == 3 and name.replace(" ", "").isalpha() for name in names)


def test_a_dated_corpus_drifts_as_its_topics_appear(dated):
    corpus, cache = dated
    fields = {k.removeprefix("reality."): v for k, v in text_reality(corpus, cache, date_column="month").items()}
    world = build_text_reality(RealityConfig.model_validate(fields), start=dt.date(2020, 1, 1),
                               streams=RandomStreams(0).reality_block)
    reality = world.reality
    assert reality.n_original == len(TOPICS) - 3
    assert list(reality.names[-3:]) == ["json", "uuid", "gzip"]  # by appearance, then by size
    assert list(reality.appears_at[-3:]) == [14, 18, 18]
    assert not reality.tail[-3:].any()  # topics that appear later are drift, not tail
    assert reality.active(13).sum() == len(TOPICS) - 3 and reality.active(18).sum() == len(TOPICS)


def test_same_scenario_and_seed_give_identical_metrics_and_shorter_runs_are_prefixes(dated, tiny_path):
    corpus, cache = dated
    overrides = {**text_reality(corpus, cache, date_column="month"), "metrics.model_samples": 300}
    long = simulate(load_scenario(tiny_path, overrides={**overrides, "end": "2021-12"})).metrics
    again = simulate(load_scenario(tiny_path, overrides={**overrides, "end": "2021-12"})).metrics
    short = simulate(load_scenario(tiny_path, overrides={**overrides, "end": "2021-04"})).metrics
    assert_frame_equal(long, again)
    prefix = long.filter(pl.col("date") <= pl.date(2021, 4, 1))
    order = ("step", "kind", "entity", "metric")
    assert_frame_equal(short.sort(order), prefix.sort(order))
    assert long.filter(pl.col("kind") == "vendor").height > 0
