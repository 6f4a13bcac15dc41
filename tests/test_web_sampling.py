"""Rank-weighted page choice: proportional to weight without a cap, exact, and never scanning the web."""

from __future__ import annotations

import numpy as np

from ecosystem.web.sampling import _exact, weighted_rows

PAGES_PER_SITE = 1000
SITES = 100


def site_of(rows: np.ndarray) -> np.ndarray:
    return rows // PAGES_PER_SITE


def test_pages_follow_their_sites_weight_even_far_above_four_times_uniform():
    """One site 40x the others: it should give 40 / (40 + 99) = 28.8% of pages. Drawing 4n uniform
    candidates and choosing among them capped it at about 4% here."""
    site_weight = np.ones(SITES)
    site_weight[0] = 40.0
    rng = np.random.default_rng(0)
    picks = np.concatenate([
        weighted_rows(0, SITES * PAGES_PER_SITE, 200, weight=lambda r: site_weight[site_of(r)],
                      max_weight=40.0, rng=rng)
        for _ in range(50)
    ])
    share = np.mean(site_of(picks) == 0)
    assert abs(share - 40 / 139) < 0.02  # sd over 10,000 picks is 0.0045


def test_rows_are_distinct_and_zero_weight_rows_never_chosen():
    weight = np.zeros(5000)
    weight[::10] = 1.0  # 500 allowed rows
    picks = weighted_rows(0, 5000, 300, weight=lambda r: weight[r], max_weight=1.0, rng=np.random.default_rng(1))
    assert len(picks) == 300 and len(np.unique(picks)) == 300
    assert np.all(weight[picks] > 0)
    few = weighted_rows(0, 5000, 800, weight=lambda r: weight[r], max_weight=1.0, rng=np.random.default_rng(2))
    assert len(few) == 500  # only 500 rows can be chosen


def test_rejection_and_exact_sampling_give_the_same_inclusion_probabilities():
    """Without replacement, heavy rows are included less than n w / sum(w): both paths must agree."""
    weight = np.linspace(1.0, 12.0, 40)
    rng = np.random.default_rng(3)
    reps = 8000
    by_rejection = np.zeros(40)
    exact = np.zeros(40)
    for _ in range(reps):
        by_rejection[weighted_rows(0, 40, 4, weight=lambda r: weight[r], max_weight=12.0, rng=rng)] += 1
        exact[_exact(np.arange(40), 4, weight=lambda r: weight[r], rng=rng)] += 1
    np.testing.assert_allclose(by_rejection / reps, exact / reps, atol=0.025)  # sd of each ~0.005
    assert np.all(np.diff(exact / reps)[::4] > -0.02)  # heavier rows are chosen more often
