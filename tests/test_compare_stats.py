"""Statistics of comparisons: means, t-intervals, paired differences, and the interval's coverage."""

import math

import numpy as np
import pytest
from scipy import stats

from ecosystem.experiments.stats import mean_ci, paired_difference


def test_mean_ci_matches_the_textbook_t_interval():
    values = [2.0, 4.0, 4.0, 5.0, 7.0]
    estimate = mean_ci(values)
    half = stats.t.ppf(0.975, 4) * np.std(values, ddof=1) / math.sqrt(5)
    assert estimate.n == 5
    assert estimate.mean == pytest.approx(4.4)
    assert estimate.low == pytest.approx(4.4 - half)
    assert estimate.high == pytest.approx(4.4 + half)


def test_mean_ci_drops_missing_values_and_has_no_interval_for_one_value():
    assert mean_ci([1.0, math.nan, 3.0]).n == 2
    single = mean_ci([3.0])
    assert single.mean == 3.0 and math.isnan(single.low) and math.isnan(single.high)
    assert mean_ci([]).n == 0
    with pytest.raises(ValueError, match="level must be in"):
        mean_ci([1.0, 2.0], level=1.5)


def test_paired_difference_removes_the_shared_seed_effect():
    rng = np.random.default_rng(1)
    seed_effect = rng.normal(0, 10, size=20)  # large, common to both scenarios (common random numbers)
    control = seed_effect + rng.normal(0, 0.1, size=20)
    treatment = seed_effect + 1.0 + rng.normal(0, 0.1, size=20)
    diff = paired_difference(treatment, control)
    assert diff.low < 1.0 < diff.high
    assert diff.high - diff.low < 0.2  # an unpaired interval would be about 100 times wider
    unpaired = mean_ci(treatment).high - mean_ci(treatment).low
    assert unpaired > 10 * (diff.high - diff.low)


def test_paired_difference_drops_pairs_with_a_missing_side_and_checks_lengths():
    diff = paired_difference([1.0, 2.0, math.nan, 4.0], [0.0, 1.0, 5.0, 3.0])
    assert diff.n == 3 and diff.mean == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same length"):
        paired_difference([1.0, 2.0], [1.0])


@pytest.mark.parametrize("n", [5, 30])
def test_95_percent_interval_covers_the_true_mean_at_its_nominal_rate(n):
    replicates, true_mean = 2000, 3.0
    rng = np.random.default_rng(20261121 + n)
    samples = rng.normal(true_mean, 2.0, size=(replicates, n))
    covered = 0
    for row in samples:
        estimate = mean_ci(row)
        covered += estimate.low <= true_mean <= estimate.high
    rate = covered / replicates
    tolerance = 3 * math.sqrt(0.95 * 0.05 / replicates)  # three binomial standard errors, ~0.015
    assert abs(rate - 0.95) < tolerance, rate


def test_a_90_percent_interval_is_narrower_and_covers_less():
    rng = np.random.default_rng(5)
    samples = rng.normal(0.0, 1.0, size=(2000, 8))
    rates = {}
    for level in (0.9, 0.95):
        estimates = [mean_ci(r, level=level) for r in samples]
        rates[level] = np.mean([e.low <= 0 <= e.high for e in estimates])
    assert abs(rates[0.9] - 0.9) < 0.02
    assert rates[0.9] < rates[0.95]
