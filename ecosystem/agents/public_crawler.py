"""A shared public crawl (a Common Crawl): one crawler, beside the vendors' own, whose snapshots several
vendors may train from.

It crawls on its own schedule (a snapshot every few months) and budget, chooses pages by their site's search
weight as the vendors' crawlers do (``web.sampling.weighted_pages``, cost O(sites + budget)), respects opt-outs if
configured, and filters nothing: what it fetched is what its users get.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ecosystem.config import PublicCrawlConfig
from ecosystem.web.sampling import weighted_pages

if TYPE_CHECKING:
    from ecosystem.model import EcosystemModel


class PublicCrawler(mesa.Agent):
    model: EcosystemModel

    def __init__(self, model: EcosystemModel, *, config: PublicCrawlConfig) -> None:
        super().__init__(model)
        self.config = config
        self.start_step = model.scenario.month_index(config.start)
        self.fresh_share = model.scenario.web.crawl.fresh_share if config.fresh_share is None else config.fresh_share
        self.stream = model.rngs.public_crawl
        self.batches: list[np.ndarray] = []
        self.batch_months: list[int] = []
        self._last_crawled = -1
        self.pages_this_month = 0

    def serves(self, vendor: str) -> bool:
        return self.config.vendors is None or vendor in self.config.vendors

    def crawl(self) -> None:
        """A snapshot in the months of its schedule: ``fresh_share`` of the budget on pages new since the last
        snapshot, the rest on the older web."""
        model, config = self.model, self.config
        self.pages_this_month = 0
        if model.month < self.start_step or (model.month - self.start_step) % config.every:
            return
        weight = model.web.crawl_weight(model.month) if config.respects_opt_out else model.web.search_weight()

        def pick(first_month: int, stop_month: int, n: int) -> np.ndarray:
            return weighted_pages(model.site_pages, first_month, stop_month, n, site_weight=weight, rng=self.stream)

        first_fresh = self._last_crawled + 1
        fresh = model.store.month_rows(first_fresh)
        picked_fresh = pick(first_fresh, model.month + 1,
                            min(int(round(config.budget_per_crawl * self.fresh_share)), fresh.stop - fresh.start))
        batch = np.concatenate([picked_fresh, pick(0, first_fresh, config.budget_per_crawl - len(picked_fresh))])
        self.batches.append(np.unique(batch))
        self.batch_months.append(model.month)
        self._last_crawled = model.month
        self.pages_this_month = len(batch)

    def since(self, month: int) -> np.ndarray:
        """Pages of the snapshots taken after ``month``."""
        batches = [b for b, m in zip(self.batches, self.batch_months, strict=True) if m > month]
        return np.unique(np.concatenate(batches)) if batches else np.empty(0, dtype=np.int64)

    def synthetic_share(self) -> float:
        """Machine-made share of its latest snapshot."""
        if not self.batches or not len(self.batches[-1]):
            return 0.0
        return float(self.model.store.synthetic_mask(self.batches[-1]).mean())
