"""The site graph: who links to whom, how sites rank, and which sites opt out of crawling.

Per-site facts (kind, rank, opt-out month) are numpy arrays indexed by site id, and the links are arrays
of sources over targets, de-duplicated by a sorted array of link keys: 24 bytes a link where a networkx
DiGraph kept beside them took ~400. A networkx graph is built only when a reader asks for ``graph`` (the
dashboard draws one), so crawling and ranking never walk one.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np

# networkx and the ranking (scipy.sparse) are imported where they are used: the scenario schema imports the
# policy levers, which import this module for NEVER and SiteKind, and ``ecosim validate`` or ``--help`` should
# not pay ~0.3 s of CPU for libraries they never call.
if TYPE_CHECKING:  # the schema imports the policy levers, which use this module
    from ecosystem.config import WebConfig

NEVER = np.iinfo(np.int32).max
PROPOSALS = 32  # sites search shows a new site before it picks the ones it links to


class SiteKind(IntEnum):
    HUMAN = 0
    FARM = 1
    VENDOR = 2


class WebGraph:
    def __init__(self, config: WebConfig, *, rng: np.random.Generator) -> None:
        self.config = config
        self.rng = rng
        self.kind = np.empty(0, dtype=np.int8)
        self.centroid = np.empty((0, 0))
        self.opt_out_month = np.empty(0, dtype=np.int64)
        self.rank = np.empty(0)
        self.in_degree = np.empty(0)
        self.penalty = np.empty(0)  # search demotion factor (1: none), set by demote_flagged
        self.flag_share = np.empty(0)  # smoothed share of a site's new pages a search detector flagged
        self._links: list[np.ndarray] = []  # (2, m) blocks of new links, sources over targets
        self._link_keys = np.empty(0, dtype=np.int64)  # source << 32 | target of every link, sorted
        self._graph = None  # (sites and links it has, the networkx graph), once a reader asked for one

    @property
    def n_sites(self) -> int:
        return len(self.kind)

    @property
    def n_links(self) -> int:
        return len(self._link_keys)

    def links(self) -> np.ndarray:
        """Every link, (2, links): sources over targets, in the order they were made."""
        if len(self._links) > 1:
            self._links = [np.concatenate(self._links, axis=1)]
        return self._links[0] if self._links else np.empty((2, 0), dtype=np.int64)

    @property
    def graph(self):  # -> networkx.DiGraph; networkx is imported only here
        """The sites and links as a networkx DiGraph (nodes carry their ``kind``), built when a reader asks
        (the engine never does) and kept until the web grows."""
        if self._graph is None or self._graph[0] != (self.n_sites, self.n_links):
            self._graph = ((self.n_sites, self.n_links), self._networkx())
        return self._graph[1]

    def _networkx(self):
        import networkx as nx

        names = [kind.name.lower() for kind in SiteKind]
        graph = nx.DiGraph()
        graph.add_nodes_from((site, {"kind": names[kind]}) for site, kind in enumerate(self.kind.tolist()))
        graph.add_edges_from(self.links().T.tolist())  # in the order they were made, as the ranks read them
        return graph

    def add_site(self, kind: SiteKind, centroid: np.ndarray, *, opt_out_month: int = NEVER) -> int:
        """A new site that links out to existing ones by preferential attachment and topic affinity."""
        return int(self.add_sites(kind, centroid[None], opt_out_months=np.array([opt_out_month]))[0])

    def add_sites(
        self, kind: SiteKind, centroids: np.ndarray, *, opt_out_months: np.ndarray | None = None
    ) -> np.ndarray:
        """New sites, one per row of ``centroids``, each linking out to older ones; returns their ids.

        Sites join in rounds no larger than the web that exists before them (1, 1, 2, 4, ... from an empty
        web), and each links only to sites of earlier rounds, so a batch costs array operations, not a
        Python call per site."""
        centroids = np.atleast_2d(np.asarray(centroids, dtype=np.float64))
        n = len(centroids)
        opt_out = np.full(n, NEVER, dtype=np.int64) if opt_out_months is None else np.asarray(opt_out_months)
        first = self.n_sites
        done = 0
        while done < n:
            size = min(n - done, max(1, self.n_sites))
            self._append(kind, centroids[done : done + size], opt_out[done : done + size])
            done += size
        return np.arange(first, first + n)

    def _append(self, kind: SiteKind, centroids: np.ndarray, opt_out: np.ndarray) -> None:
        old, n = self.n_sites, len(centroids)
        sites = np.arange(old, old + n)
        self.centroid = centroids.copy() if old == 0 else np.concatenate([self.centroid, centroids])
        self.kind = np.concatenate([self.kind, np.full(n, kind, dtype=np.int8)])
        self.opt_out_month = np.concatenate([self.opt_out_month, opt_out.astype(np.int64)])
        self.rank = np.concatenate([self.rank, 1.0 / np.maximum(sites, 1)])  # provisional until the next refresh
        self.in_degree = np.concatenate([self.in_degree, np.zeros(n)])
        self.penalty = np.concatenate([self.penalty, np.ones(n)])
        self.flag_share = np.concatenate([self.flag_share, np.zeros(n)])
        if old > 0:
            targets = self._choose_targets(old, self.centroid[old:], self.config.links_per_site)
            self.add_links(np.repeat(sites, targets.shape[1]), targets.ravel())

    def _choose_targets(self, existing: int, centroids: np.ndarray, n: int) -> np.ndarray:
        """n distinct targets among sites [0, existing) for each new site (one row each).

        Two stages, so the cost does not grow with the web: search shows a new site ``PROPOSALS`` sites
        drawn in proportion to their in-links + 1 (preferential attachment), and it links to those closest
        to its own topics among them, each with weight exp(topic_affinity * cosine similarity) times the
        number of times it was shown (Gumbel top-n: weighted sampling without replacement). That is
        sampling-importance-resampling of the one-stage law, in-links + 1 times the affinity weight, which
        a web of at most ``PROPOSALS`` sites uses directly."""
        n = min(n, existing)
        if existing <= PROPOSALS:
            keys, shown = self._keys_over_all(existing, centroids), np.arange(existing)[None].repeat(len(centroids), 0)
        else:
            keys, shown = self._keys_over_shown(existing, centroids)
        top = np.argsort(-keys, axis=1)[:, :n]
        return np.take_along_axis(shown, top, axis=1)

    def _keys_over_shown(self, existing: int, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The sites search shows each new site (sorted, one row each) and their Gumbel keys; a site shown k
        times is one candidate of k times the weight (the copies get key -inf)."""
        popularity = np.cumsum(self.in_degree[:existing] + 1.0)
        draws = self.rng.random((len(centroids), PROPOSALS)) * popularity[-1]
        shown = np.sort(np.minimum(popularity.searchsorted(draws, side="right"), existing - 1), axis=1)
        keys = self.config.topic_affinity * _cosine_rows(self.centroid[shown], centroids)
        keys -= np.log(-np.log(self.rng.random(keys.shape)))  # Gumbel noise
        flat = (shown + existing * np.arange(len(shown))[:, None]).ravel()  # rows apart, still sorted
        first = flat.searchsorted(flat, side="left")
        times = flat.searchsorted(flat, side="right") - first
        keys += np.log(times).reshape(keys.shape)
        keys[(first != np.arange(len(flat))).reshape(keys.shape)] = -np.inf
        return keys, shown

    def _keys_over_all(self, existing: int, centroids: np.ndarray) -> np.ndarray:
        """Gumbel keys of every older site for each new site: exact weighted sampling without replacement."""
        old = np.broadcast_to(self.centroid[:existing], (len(centroids), existing, centroids.shape[1]))
        similarity = _cosine_rows(old, centroids)
        keys = np.log(self.in_degree[:existing] + 1.0)[None] + self.config.topic_affinity * similarity
        return keys - np.log(-np.log(self.rng.random(keys.shape)))

    def add_links(self, sources: np.ndarray, targets: np.ndarray) -> None:
        """Extra links, e.g. a farm's link spam pointing its network at its own sites."""
        keys = _link_keys(np.asarray(sources, dtype=np.int64), np.asarray(targets, dtype=np.int64))
        _, first = np.unique(keys, return_index=True)
        keys = keys[np.sort(first)]  # once each, in the order first given
        known = self._link_keys
        at = known.searchsorted(keys)
        old = known[np.minimum(at, len(known) - 1)] == keys if len(known) else np.zeros(len(keys), dtype=bool)
        new = ~old & (keys >> 32 != keys & _LOW)  # neither known nor a self-link
        keys = keys[new]
        links = np.stack([keys >> 32, keys & _LOW])
        self._links.append(links)
        order = np.argsort(keys)  # keys bound for one gap of ``known`` go in sorted
        self._link_keys = np.insert(known, at[new][order], keys[order])
        np.add.at(self.in_degree, links[1], 1.0)

    def refresh_rank(self) -> None:
        """PageRank (damping 0.85) of every site, as networkx's ``pagerank`` gives it."""
        links = self.links()
        from ecosystem.web.rank import pagerank

        self.rank = pagerank(links[0], links[1], self.n_sites, alpha=0.85)

    def search_weight(self) -> np.ndarray:
        """How much search favours each site: its PageRank times any demotion."""
        return self.rank * self.penalty

    def crawl_weight(self, month: int) -> np.ndarray:
        """The search weight a robots.txt-respecting crawler uses in ``month``: opted-out sites weigh nothing."""
        weight = self.search_weight()
        weight[self.opted_out(month)] = 0.0
        return weight

    def demote_flagged(self, sites: np.ndarray, flagged: np.ndarray, *, penalty: float, memory: float) -> None:
        """Demote sites by the smoothed share of their new pages flagged (``sites``, ``flagged``: one per page):
        a site all of whose pages are flagged loses ``penalty`` of its search weight."""
        pages = np.bincount(sites, minlength=self.n_sites)
        hits = np.bincount(sites, weights=flagged, minlength=self.n_sites)
        seen = pages > 0
        self.flag_share[seen] = memory * self.flag_share[seen] + (1 - memory) * hits[seen] / pages[seen]
        self.penalty = 1.0 - penalty * self.flag_share

    def opted_out(self, month: int) -> np.ndarray:
        return self.opt_out_month <= month

    def draw_opt_out_month(self, start_step: int) -> int:
        """When a new human site adopts a robots.txt opt-out (logistic adoption curve), or NEVER."""
        opt = self.config.opt_out
        if self.rng.random() >= opt.final_share:
            return NEVER
        delay = opt.months_to_half + opt.months_to_half / 3.0 * self.rng.logistic()
        return start_step + max(0, int(round(delay)))


_LOW = np.int64(2**32 - 1)


def _link_keys(sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """One int64 per link, ordered by source then target (site ids are below 2**31)."""
    return sources << 32 | targets


def _cosine_rows(others: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Cosine similarity of each new site (a row of centroids) to each of its candidates:
    (m, c, d) and (m, d) -> (m, c)."""
    dots = np.einsum("mcd,md->mc", others, centroids)
    norms = np.linalg.norm(others, axis=2) * np.linalg.norm(centroids, axis=1)[:, None]
    return dots / np.maximum(norms, 1e-12)
