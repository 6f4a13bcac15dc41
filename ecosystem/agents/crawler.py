"""Crawlers: spend a page budget each month, choosing pages by their site's rank."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ecosystem.config import CrawlerConfig

if TYPE_CHECKING:
    from ecosystem.agents.vendor import ModelVendor
    from ecosystem.model import EcosystemModel

CANDIDATES_PER_PAGE = 4


class Crawler(mesa.Agent):
    """Collects pages into monthly batches. ``fresh_share`` of the budget goes to pages that are new
    since its last crawl, the rest to the older web. Compliant crawlers skip opted-out sites.

    Cost per crawl is O(budget): pages are drawn as uniform candidates by row, then kept with
    probability proportional to their site's PageRank, never by scanning the whole web.
    """

    model: EcosystemModel

    def __init__(self, model: EcosystemModel, *, config: CrawlerConfig, vendor: ModelVendor) -> None:
        super().__init__(model)
        self.config = config
        self.vendor = vendor
        self.name = vendor.name
        self.start_step = vendor.entry_step - config.lead_months
        self.stream = model.rngs.crawler(vendor.index)
        self.batches: list[np.ndarray] = []
        self._first_latest_batch = 0
        self._last_crawled = -1
        self.pages_this_month = 0

    def crawl(self) -> None:
        model = self.model
        self.pages_this_month = 0
        if model.month < self.start_step:
            return
        fresh = model.store.month_rows(self._last_crawled + 1)
        n_fresh = min(int(round(self.config.budget_per_month * self.config.fresh_share)), fresh.stop - fresh.start)
        picked_fresh = self._pick(fresh.start, fresh.stop, n_fresh)
        picked_old = self._pick(0, fresh.start, self.config.budget_per_month - len(picked_fresh))
        batch = np.concatenate([picked_fresh, picked_old])
        self.batches.append(batch)
        self._last_crawled = model.month
        self.pages_this_month = len(batch)

    def _pick(self, start: int, stop: int, n: int) -> np.ndarray:
        if n <= 0 or stop <= start:
            return np.empty(0, dtype=np.int64)
        size = stop - start
        if size <= CANDIDATES_PER_PAGE * n:
            candidates = np.arange(start, stop)
        else:
            candidates = np.unique(self.stream.integers(start, stop, size=CANDIDATES_PER_PAGE * n))
        weight = self._site_weight()[self.model.store.column("site")[candidates]]
        allowed = np.flatnonzero(weight > 0)
        n = min(n, len(allowed))
        if n == 0:
            return np.empty(0, dtype=np.int64)
        p = weight[allowed] / weight[allowed].sum()
        return candidates[self.stream.choice(allowed, size=n, replace=False, p=p)]

    def _site_weight(self) -> np.ndarray:
        web = self.model.web
        weight = web.rank.copy()
        if self.config.respects_opt_out:
            weight[web.opted_out(self.model.month)] = 0.0
        return weight

    def latest(self) -> np.ndarray:
        """Pages collected since the vendor last trained."""
        return _unique_concat(self.batches[self._first_latest_batch :])

    def history(self) -> np.ndarray:
        """Every page ever collected."""
        return _unique_concat(self.batches)

    def start_new_collection(self) -> None:
        self._first_latest_batch = len(self.batches)


def _unique_concat(batches: list[np.ndarray]) -> np.ndarray:
    return np.unique(np.concatenate(batches)) if batches else np.empty(0, dtype=np.int64)
