"""The site graph: preferential attachment, opt-outs, PageRank."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from ecosystem.config import OptOutConfig, WebConfig
from ecosystem.web.graph import NEVER, SiteKind, WebGraph


def grow(n: int, *, seed: int = 0, **config) -> WebGraph:
    web = WebGraph(WebConfig(**config), rng=np.random.default_rng(seed))
    centroids = np.random.default_rng(seed + 1000).normal(size=(n, 4))
    for centroid in centroids:
        web.add_site(SiteKind.HUMAN, centroid)
    return web


def test_early_sites_gain_in_degree_by_preferential_attachment():
    web = grow(400, topic_affinity=0.0, links_per_site=3)
    in_degree = np.array([web.graph.in_degree(s) for s in range(web.n_sites)])
    np.testing.assert_array_equal(in_degree, web.in_degree)
    assert in_degree[:20].mean() > 4 * in_degree[-100:].mean()
    assert in_degree.max() > 15  # a heavy tail of hubs


def test_each_new_site_links_out_to_distinct_older_sites():
    web = grow(50, links_per_site=3)
    for site in range(web.n_sites):
        targets = list(web.graph.successors(site))
        assert len(targets) == min(3, site)
        assert all(t < site for t in targets)
    assert web.graph.number_of_nodes() == 50
    assert web.graph.nodes[0]["kind"] == "human"


def test_topic_affinity_links_similar_sites():
    web = WebGraph(WebConfig(topic_affinity=20.0, links_per_site=1), rng=np.random.default_rng(0))
    for i in range(200):
        web.add_site(SiteKind.HUMAN, np.array([1.0, 0.0]) if i % 2 == 0 else np.array([0.0, 1.0]))
    same = [int(s % 2 == t % 2) for s, t in web.graph.edges]
    assert np.mean(same) > 0.95


def test_add_links_skips_self_links_and_duplicates():
    web = grow(5, links_per_site=1)
    before = set(web.graph.edges)
    sources = np.array([3, 3, 4, 4, 2, 1])
    targets = np.array([3, 0, 1, 1, 1, 2])  # a self-link, a repeated pair, maybe existing links
    web.add_links(sources, targets)
    wanted = {(3, 0), (4, 1), (2, 1), (1, 2)}
    assert set(web.graph.edges) == before | wanted
    assert not web.graph.has_edge(3, 3)
    # the in-degree that drives preferential attachment counts each link once
    np.testing.assert_array_equal(web.in_degree, [web.graph.in_degree(s) for s in range(5)])


def test_pagerank_sums_to_one_and_favours_hubs():
    web = grow(200, topic_affinity=0.0)
    web.refresh_rank()
    assert web.rank.shape == (200,)
    assert web.rank.sum() == pytest.approx(1.0)
    assert (web.rank > 0).all()
    assert web.rank[:10].mean() > web.rank[-50:].mean()


def test_pagerank_is_networkx_pagerank_to_the_last_bit():
    # Ranks come from the web's own link arrays; they must be the ranks networkx computes on its graph,
    # including after extra links (link spam) and with dangling sites (sites nobody links from).
    web = grow(300, seed=3)
    web.add_links(np.arange(250, 290), np.arange(0, 40))
    web.add_sites(SiteKind.FARM, np.random.default_rng(4).normal(size=(40, 4)))
    web.refresh_rank()
    ranks = nx.pagerank(web.graph, alpha=0.85)
    np.testing.assert_array_equal(web.rank, [ranks[site] for site in range(web.n_sites)])


def test_site_kinds_are_recorded():
    web = grow(3)
    farm = web.add_site(SiteKind.FARM, np.ones(4))
    vendor = web.add_site(SiteKind.VENDOR, np.ones(4))
    np.testing.assert_array_equal(web.kind, [SiteKind.HUMAN] * 3 + [SiteKind.FARM, SiteKind.VENDOR])
    assert web.graph.nodes[farm]["kind"] == "farm" and web.graph.nodes[vendor]["kind"] == "vendor"


def test_opted_out_from_the_month_on():
    web = WebGraph(WebConfig(), rng=np.random.default_rng(0))
    web.add_site(SiteKind.HUMAN, np.ones(2), opt_out_month=5)
    web.add_site(SiteKind.HUMAN, np.ones(2))
    np.testing.assert_array_equal(web.opted_out(4), [False, False])
    np.testing.assert_array_equal(web.opted_out(5), [True, False])
    np.testing.assert_array_equal(web.opted_out(10**6), [True, False])
    assert web.opt_out_month[1] == NEVER


def opt_out_months(
    final_share: float, n: int = 4000, start: int = 10, months_to_half: int = 12
) -> np.ndarray:
    config = WebConfig(opt_out=OptOutConfig(final_share=final_share, months_to_half=months_to_half))
    web = WebGraph(config, rng=np.random.default_rng(3))
    return np.array([web.draw_opt_out_month(start) for _ in range(n)])


def test_no_opt_outs_when_final_share_is_zero():
    assert (opt_out_months(0.0, n=200) == NEVER).all()


def test_opt_out_months_follow_the_adoption_curve():
    months = opt_out_months(0.4)
    adopters = months[months != NEVER]
    assert len(adopters) / len(months) == pytest.approx(0.4, abs=0.03)
    assert adopters.min() >= 10
    assert np.median(adopters) == pytest.approx(10 + 12, abs=1.5)


def test_every_site_opts_out_at_full_share():
    months = opt_out_months(1.0, n=300, months_to_half=3)
    assert (months != NEVER).all() and months.min() >= 10


def test_a_batch_of_sites_links_each_to_distinct_older_sites_with_hubs():
    """The writers of a month join in one call; each still links to distinct sites that came before it,
    and preferential attachment still makes hubs of the first sites."""
    web = WebGraph(WebConfig(topic_affinity=0.0, links_per_site=3), rng=np.random.default_rng(0))
    sites = web.add_sites(SiteKind.HUMAN, np.random.default_rng(1).normal(size=(2000, 4)))
    np.testing.assert_array_equal(sites, np.arange(2000))
    out = np.array([len(list(web.graph.successors(s))) for s in sites])
    assert (out[4:] == 3).all() and all(t < s for s, t in web.graph.edges)  # sites 2 and 3 join a web of two
    np.testing.assert_array_equal(web.in_degree, [web.graph.in_degree(s) for s in sites])
    assert web.in_degree[:20].mean() > 4 * web.in_degree[-500:].mean()


def test_the_two_stage_link_choice_keeps_the_one_stage_laws_hubs():
    """Search shows 32 sites by in-links and the new site picks among them by topic: the hubs it grows must
    match those of choosing among every older site by in-links + 1 times affinity (the biggest hub's
    in-degree, averaged over seeds). Counting a site shown twice once would halve it."""
    def one_stage(n: int, seed: int) -> np.ndarray:
        rng, config = np.random.default_rng(seed), WebConfig()
        centroids = np.random.default_rng(seed + 1).normal(size=(n, 8))
        in_degree = np.zeros(n)
        for site in range(1, n):
            old = centroids[:site]
            similarity = old @ centroids[site] / (np.linalg.norm(old, axis=1) * np.linalg.norm(centroids[site]))
            weight = (in_degree[:site] + 1.0) * np.exp(config.topic_affinity * similarity)
            k = min(config.links_per_site, site)
            in_degree[rng.choice(site, size=k, replace=False, p=weight / weight.sum())] += 1
        return in_degree

    def two_stage(n: int, seed: int) -> np.ndarray:
        web = WebGraph(WebConfig(), rng=np.random.default_rng(seed))
        centroids = np.random.default_rng(seed + 1).normal(size=(n, 8))
        web.add_sites(SiteKind.HUMAN, centroids[:300])  # the first writers, then a month's newcomers at a time
        for first in range(300, n, 20):
            web.add_sites(SiteKind.HUMAN, centroids[first : first + 20])
        return web.in_degree

    seeds = range(4)
    exact = np.mean([one_stage(2000, s).max() for s in seeds])
    ours = np.mean([two_stage(2000, s).max() for s in seeds])
    assert 0.75 < ours / exact < 1.33, (ours, exact)


def test_links_are_kept_once_each_in_the_order_first_made_across_many_batches():
    """De-duplication by sorted link keys keeps exactly the links a set of pairs would, in first-made order,
    whatever the batches: repeated pairs within and across batches and self-links are dropped."""
    web = WebGraph(WebConfig(), rng=np.random.default_rng(0))
    web.add_sites(SiteKind.HUMAN, np.random.default_rng(1).normal(size=(60, 4)))
    expected = [tuple(pair) for pair in web.links().T.tolist()]
    seen = set(expected)
    rng = np.random.default_rng(2)
    for _ in range(30):
        sources, targets = rng.integers(0, 60, size=(2, int(rng.integers(0, 40))))
        web.add_links(sources, targets)
        for pair in zip(sources.tolist(), targets.tolist(), strict=True):
            if pair[0] != pair[1] and pair not in seen:
                seen.add(pair)
                expected.append(pair)
    assert [tuple(pair) for pair in web.links().T.tolist()] == expected
    assert web.n_links == len(expected)
    np.testing.assert_array_equal(web.in_degree, np.bincount([t for _, t in expected], minlength=60))


def test_site_ids_beyond_16_bits_make_distinct_links():
    web = WebGraph(WebConfig(links_per_site=1), rng=np.random.default_rng(0))
    web.add_sites(SiteKind.HUMAN, np.random.default_rng(1).normal(size=(70_000, 2)))
    before = web.n_links
    web.add_links(np.array([69_999, 3, 69_999]), np.array([3, 69_999, 3]))
    assert web.n_links - before == 2
    assert {(69_999, 3), (3, 69_999)} <= set(map(tuple, web.links().T.tolist()))


def test_a_networkx_graph_is_built_only_when_asked_and_follows_the_web():
    """Growing a web builds no networkx graph; one is built for a reader who asks, with the sites in id
    order, and a web that grows afterwards shows in the next one."""
    web = grow(20)
    assert not any(type(value).__module__.startswith("networkx") for value in vars(web).values())
    first = web.graph
    assert list(first.nodes) == list(range(20)) and first.number_of_edges() == web.n_links
    assert web.graph is first  # asked again, the web unchanged: the same graph
    web.add_site(SiteKind.FARM, np.ones(4))
    assert web.graph.number_of_nodes() == 21 and first.number_of_nodes() == 20
