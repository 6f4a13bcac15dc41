"""Zipf vocabulary resampled: heterozygosity shrinks by (1 - 1/M), rare symbols vanish first."""

from __future__ import annotations

import numpy as np
import pytest
from replication_oracle import NEGATIVE_Z, Z, assert_matches, change_z, gap_z, series, z_scores

from ecosystem.replication import run_experiment
from ecosystem.replication.categorical import CategoricalMLE, zipf


@pytest.fixture(scope="module")
def small():
    return run_experiment("categorical", samples=100, generations=60, seeds=300, vocabulary=200, seed=5)


def test_heterozygosity_support_and_tail_mass_match_theory(small):
    for quantity in ("heterozygosity", "tail_mass", "support", "alive_head", "alive_torso", "alive_tail"):
        assert_matches(small, quantity)


# Power against the near miss (1 - 1/(M-1))^n, on data sized for it: the default vocabulary (1000 words,
# Zipf 1.1, H_0 = 0.952), M = 10 samples, 5 generations, 1500 chains. At n = 3 the exact value is
# 0.952 * 0.9^3 = 0.694 and the near miss 0.952 * (8/9)^3 = 0.669; the sd over chains is 0.10 (measured,
# seeds 5-8), so the expected |z| = 0.0254 / (0.10 / sqrt(1500)) = 9.6 (8.9 at n = 1, 0.0106 / 0.046).
POWER_M, POWER_GENERATIONS, POWER_SEEDS = 10, 5, 1500


@pytest.fixture(scope="module")
def m10():
    return run_experiment("categorical", samples=POWER_M, generations=POWER_GENERATIONS, seeds=POWER_SEEDS,
                          seed=5)


@pytest.mark.parametrize(("per_generation", "accept"), [(lambda m: 1 - 1 / m, True),
                                                        (lambda m: 1 - 1 / (m - 1), False)],
                         ids=["(1-1/M)^n", "(1-1/(M-1))^n"])
def test_heterozygosity_exact_law_accepted_and_near_miss_rejected(m10, per_generation, accept):
    h0 = float(series(m10, "heterozygosity")[0])
    theory = h0 * per_generation(POWER_M) ** np.arange(1, POWER_GENERATIONS + 1)
    z = np.abs(z_scores(m10, "heterozygosity", theory=theory))
    assert np.all(z <= Z) if accept else np.any(z > Z), f"|z| = {np.round(z, 2)}"


def test_the_code_theory_matches_the_power_data(m10):
    for quantity in ("heterozygosity", "tail_mass", "support", "alive_head", "alive_torso", "alive_tail"):
        assert_matches(m10, quantity)


def test_another_vocabulary_and_sample_size():
    table = run_experiment("categorical", samples=400, generations=40, seeds=150, vocabulary=500,
                           zipf_exponent=1.5, seed=11)
    for quantity in ("heterozygosity", "tail_mass", "support"):
        assert_matches(table, quantity)


def test_rare_symbols_vanish_first(small):
    for generation in (1, -1):  # after a single generation already, and still at the end
        assert gap_z(small, ("alive_head", None, generation), ("alive_torso", None, generation)) > NEGATIVE_Z
        assert gap_z(small, ("alive_torso", None, generation), ("alive_tail", None, generation)) > NEGATIVE_Z
    assert change_z(small, "alive_tail")[-1] < -Z and change_z(small, "support")[-1] < -Z
    assert change_z(small, "entropy")[-1] < -Z  # the vocabulary's diversity is lost, not just reshuffled


def test_mle_is_counts_over_samples():
    model = CategoricalMLE(n_symbols=4).fit(np.array([0, 0, 1, 3]))
    assert model.probabilities_ == pytest.approx([0.5, 0.25, 0.0, 0.25])
    draws = model.sample(1000, rng=np.random.default_rng(0))
    assert set(np.unique(draws)) == {0, 1, 3}
    assert zipf(3, 1.0) == pytest.approx(np.array([1, 1 / 2, 1 / 3]) / (11 / 6))
