"""The site graph: who links to whom, how sites rank, and which sites opt out of crawling.

Sites are nodes of a networkx DiGraph; per-site facts the hot paths need (kind, rank, opt-out month)
are mirrored in numpy arrays indexed by site id, so crawling never walks the graph.
"""

from __future__ import annotations

from enum import IntEnum

import networkx as nx
import numpy as np

from ecosystem.config import WebConfig

NEVER = np.iinfo(np.int32).max


class SiteKind(IntEnum):
    HUMAN = 0
    FARM = 1
    VENDOR = 2


class WebGraph:
    def __init__(self, config: WebConfig, *, rng: np.random.Generator) -> None:
        self.config = config
        self.rng = rng
        self.graph = nx.DiGraph()
        self.kind = np.empty(0, dtype=np.int8)
        self.centroid = np.empty((0, 0))
        self.opt_out_month = np.empty(0, dtype=np.int64)
        self.rank = np.empty(0)
        self.in_degree = np.empty(0)
        self.penalty = np.empty(0)  # search demotion factor (1: none), set by a ranking-penalty policy
        self.flag_share = np.empty(0)  # smoothed share of a site's new pages a search detector flagged

    @property
    def n_sites(self) -> int:
        return len(self.kind)

    def add_site(self, kind: SiteKind, centroid: np.ndarray, *, opt_out_month: int = NEVER) -> int:
        """A new site that links out to existing ones by preferential attachment and topic affinity."""
        site = self.n_sites
        self.graph.add_node(site, kind=kind.name.lower())
        self.centroid = centroid[None] if site == 0 else np.vstack([self.centroid, centroid])
        self.kind = np.append(self.kind, np.int8(kind))
        self.opt_out_month = np.append(self.opt_out_month, opt_out_month)
        self.rank = np.append(self.rank, 1.0 / max(site, 1))  # provisional until the next refresh
        self.in_degree = np.append(self.in_degree, 0.0)
        self.penalty = np.append(self.penalty, 1.0)
        self.flag_share = np.append(self.flag_share, 0.0)
        if site > 0:
            targets = self._choose_targets(site, self.config.links_per_site)
            self.add_links(np.full(len(targets), site), targets)
        return site

    def _choose_targets(self, site: int, n: int) -> np.ndarray:
        existing = np.arange(site)
        similarity = _cosine(self.centroid[existing], self.centroid[site])
        weight = (self.in_degree[existing] + 1.0) * np.exp(self.config.topic_affinity * similarity)
        n = min(n, site)
        return self.rng.choice(existing, size=n, replace=False, p=weight / weight.sum())

    def add_links(self, sources: np.ndarray, targets: np.ndarray) -> None:
        """Extra links, e.g. a farm's link spam pointing its network at its own sites."""
        pairs = dict.fromkeys((int(s), int(t)) for s, t in zip(sources, targets, strict=True))  # once each
        new = [(s, t) for s, t in pairs if s != t and not self.graph.has_edge(s, t)]
        self.graph.add_edges_from(new)
        for _, t in new:
            self.in_degree[t] += 1.0

    def refresh_rank(self) -> None:
        ranks = nx.pagerank(self.graph, alpha=0.85)
        self.rank = np.array([ranks[s] for s in range(self.n_sites)])

    def search_weight(self) -> np.ndarray:
        """How much search favours each site: its PageRank times any demotion."""
        return self.rank * self.penalty

    def opted_out(self, month: int) -> np.ndarray:
        return self.opt_out_month <= month

    def draw_opt_out_month(self, start_step: int) -> int:
        """When a new human site adopts a robots.txt opt-out (logistic adoption curve), or NEVER."""
        opt = self.config.opt_out
        if self.rng.random() >= opt.final_share:
            return NEVER
        delay = opt.months_to_half + opt.months_to_half / 3.0 * self.rng.logistic()
        return start_step + max(0, int(round(delay)))


def _cosine(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1) * np.linalg.norm(vector)
    return matrix @ vector / np.maximum(norms, 1e-12)
