"""Zipf vocabulary resampled: heterozygosity shrinks by (1 - 1/M), rare symbols vanish first."""

from __future__ import annotations

import numpy as np
import pytest
from replication_oracle import assert_matches, rejects, series

from ecosystem.replication import run_experiment
from ecosystem.replication.categorical import CategoricalMLE, zipf


@pytest.fixture(scope="module")
def small():
    return run_experiment("categorical", samples=100, generations=60, seeds=300, vocabulary=200, seed=5)


def test_heterozygosity_support_and_tail_mass_match_theory(small):
    for quantity in ("heterozygosity", "tail_mass", "support", "alive_head", "alive_torso", "alive_tail"):
        assert_matches(small, quantity)
    h0 = float(series(small, "heterozygosity")[0])
    # Each p_i is unbiased, yet the expected heterozygosity is not kept: the oracle sees the difference.
    assert rejects(small, "heterozygosity", np.full(60, h0))


def test_another_vocabulary_and_sample_size():
    table = run_experiment("categorical", samples=400, generations=40, seeds=150, vocabulary=500,
                           zipf_exponent=1.5, seed=11)
    for quantity in ("heterozygosity", "tail_mass", "support"):
        assert_matches(table, quantity)


def test_rare_symbols_vanish_first(small):
    head, torso, tail = (series(small, q) for q in ("alive_head", "alive_torso", "alive_tail"))
    assert np.all(head[1:] >= torso[1:]) and np.all(torso[1:] >= tail[1:])
    assert head[1] > 3 * torso[1] and torso[1] > 2 * tail[1]  # after a single generation already
    assert tail[-1] < 0.02 and series(small, "support")[-1] < 0.1 * 200
    entropy = series(small, "entropy")
    assert np.all(np.diff(entropy) < 0.02) and entropy[-1] < 0.6 * entropy[0]


def test_mle_is_counts_over_samples():
    model = CategoricalMLE(n_symbols=4).fit(np.array([0, 0, 1, 3]))
    assert model.probabilities_ == pytest.approx([0.5, 0.25, 0.0, 0.25])
    draws = model.sample(1000, rng=np.random.default_rng(0))
    assert set(np.unique(draws)) == {0, 1, 3}
    assert zipf(3, 1.0) == pytest.approx(np.array([1, 1 / 2, 1 / 3]) / (11 / 6))
