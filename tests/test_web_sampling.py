"""Rank-weighted page choice: proportional to the site's weight without a cap, exact, and never scanning the web."""

from __future__ import annotations

import numpy as np
import pytest

from ecosystem.content.documents import DocumentStore, Origin
from ecosystem.content.site_pages import SitePages
from ecosystem.web.sampling import _exact, weighted_pages

SITES = 100


def web_of(sites_per_month: list[np.ndarray], *, signed: list[np.ndarray] | None = None) -> SitePages:
    """A store whose month m holds one page per entry of ``sites_per_month[m]`` (its site id)."""
    store = DocumentStore(2)
    for month, sites in enumerate(sites_per_month):
        store.begin_month(month)
        store.append(np.zeros((len(sites), 2)), origin=Origin.HUMAN, month=month, site=sites,
                     tokens=np.ones(len(sites), dtype=np.int32),
                     signed=False if signed is None else signed[month])
    return SitePages(store)


def shuffled_sites(rng: np.random.Generator, months: int = 3, pages_per_site: int = 300) -> list[np.ndarray]:
    sites = np.repeat(np.arange(SITES), pages_per_site)
    return [rng.permutation(sites) for _ in range(months)]


def test_pages_follow_their_sites_weight_even_far_above_four_times_uniform():
    """One site 40x the others: it should give 40 / (40 + 99) = 28.8% of pages, in every month's range."""
    pages = web_of(shuffled_sites(np.random.default_rng(0)))
    site_weight = np.ones(SITES)
    site_weight[0] = 40.0
    rng = np.random.default_rng(1)
    for first, stop in ((0, 3), (2, 3), (0, 2)):
        picks = np.concatenate([weighted_pages(pages, first, stop, 200, site_weight=site_weight, rng=rng)
                                for _ in range(50)])
        share = np.mean(pages.store.column("site")[picks] == 0)
        assert abs(share - 40 / 139) < 0.02  # sd over 10,000 picks is 0.0045
        months = pages.store.column("month")[picks]
        assert months.min() >= first and months.max() < stop


def test_pages_are_distinct_and_zero_weight_sites_never_chosen():
    pages = web_of(shuffled_sites(np.random.default_rng(2), months=2, pages_per_site=50))
    site_weight = np.zeros(SITES)
    site_weight[::10] = 1.0  # 10 sites x 100 pages allowed
    picks = weighted_pages(pages, 0, 2, 120, site_weight=site_weight, rng=np.random.default_rng(3))
    assert len(picks) == 120 and len(np.unique(picks)) == 120
    assert np.all(site_weight[pages.store.column("site")[picks]] > 0)
    few = weighted_pages(pages, 0, 2, 5000, site_weight=site_weight, rng=np.random.default_rng(4))
    assert len(few) == 1000  # only 1,000 pages can be chosen


def test_site_then_page_draws_give_the_exact_inclusion_probabilities():
    """Without replacement, heavy pages are included less than n w / sum(w): the two-stage draw must agree
    with exact keys. One page per site, 40 sites, so the range is large enough for the two-stage path."""
    weight = np.linspace(1.0, 12.0, 40)
    pages = web_of([np.arange(40)])
    rng = np.random.default_rng(5)
    reps = 8000
    two_stage, exact = np.zeros(40), np.zeros(40)
    for _ in range(reps):
        two_stage[weighted_pages(pages, 0, 1, 4, site_weight=weight, rng=rng)] += 1
        exact[_exact(np.arange(40), 4, weight=lambda r: weight[r], rng=rng)] += 1
    np.testing.assert_allclose(two_stage / reps, exact / reps, atol=0.025)  # sd of each ~0.005
    assert np.all(np.diff(exact / reps)[::4] > -0.02)  # heavier pages are chosen more often


def test_a_page_factor_halves_the_chance_of_the_pages_it_marks():
    """Signed pages at half weight (a provenance policy's lever): chosen half as often as their neighbours."""
    rng = np.random.default_rng(6)
    sites = shuffled_sites(rng, months=1)
    signed = [rng.random(len(sites[0])) < 0.5]
    pages = web_of(sites, signed=signed)
    flag = pages.store.column("signed")
    picks = weighted_pages(pages, 0, 1, 2000, site_weight=np.ones(SITES),
                           page_factor=lambda rows: np.where(flag[rows], 0.5, 1.0), rng=rng)
    share_signed = flag[picks].mean()
    expected = 0.5 * signed[0].mean() / (0.5 * signed[0].mean() + (1 - signed[0].mean()))
    assert abs(share_signed - expected) < 0.03  # sd ~0.011


def test_a_month_cannot_grow_after_it_was_indexed():
    pages = web_of([np.arange(10)])
    weighted_pages(pages, 0, 1, 3, site_weight=np.ones(10), rng=np.random.default_rng(7))
    pages.store.append(np.zeros((1, 2)), origin=Origin.HUMAN, month=0, site=np.array([3]), tokens=np.ones(1))
    with pytest.raises(RuntimeError, match="after it was indexed"):
        weighted_pages(pages, 0, 1, 3, site_weight=np.ones(10), rng=np.random.default_rng(7))


def test_sites_that_join_later_are_found_in_the_months_they_published():
    """New sites join each month (as writers do); with equal weights a site's share of picks is its share of
    the range's pages, and every pick lies in the range."""
    rng = np.random.default_rng(8)
    months = [rng.integers(0, 20 + 20 * m, size=4000) for m in range(5)]  # month m: sites 0 .. 20 + 20m
    pages = web_of(months)
    site, month = pages.store.column("site"), pages.store.column("month")
    for first, stop in ((1, 4), (3, 5), (0, 5)):
        picks = np.concatenate([weighted_pages(pages, first, stop, 300, site_weight=np.ones(120), rng=rng)
                                for _ in range(30)])
        assert month[picks].min() >= first and month[picks].max() < stop
        in_range = (month >= first) & (month < stop)
        expected = np.bincount(site[in_range], minlength=120) / in_range.sum()
        observed = np.bincount(site[picks], minlength=120) / len(picks)
        assert np.abs(observed - expected).max() < 0.012  # shares ~0.01-0.05, sd < 0.0025
