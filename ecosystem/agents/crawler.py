"""Crawlers: spend a page budget each month, choosing pages by their site's rank."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ecosystem.config import CrawlerConfig
from ecosystem.content.documents import Origin
from ecosystem.learning.watermark import detect_marks
from ecosystem.web.sampling import weighted_rows

if TYPE_CHECKING:
    from ecosystem.agents.vendor import ModelVendor
    from ecosystem.model import EcosystemModel

class Crawler(mesa.Agent):
    """Collects pages into monthly batches. ``fresh_share`` of the budget goes to pages that are new
    since its last crawl, the rest to the older web. Compliant crawlers skip opted-out sites.

    Pages are chosen in proportion to their site's search weight, without a cap and without scanning the
    whole web (``web.sampling.weighted_rows``): cost per crawl is O(budget).

    Fetched pages then pass the crawler's filters (``filters``, and the policies in force): a
    watermark test with the keys it holds, a detector's threshold, near-duplicate removal; signed
    pages may skip the checks. What is discarded never reaches the vendor's corpus.
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
        self.batch_months: list[int] = []
        self.respects_opt_out = config.respects_opt_out
        self.checks = model.rngs.crawl_filter(vendor.index)
        self.counts: dict[str, float] = {}
        self._first_latest_batch = 0
        self._last_crawled = -1
        self.pages_this_month = 0

    def crawl(self) -> None:
        model = self.model
        self.pages_this_month = 0
        if model.month < self.start_step:
            return
        budget = self.budget()
        fresh = model.store.month_rows(self._last_crawled + 1)
        n_fresh = min(int(round(budget * self.config.fresh_share)), fresh.stop - fresh.start)
        picked_fresh = self._pick(fresh.start, fresh.stop, n_fresh)
        picked_old = self._pick(0, fresh.start, budget - len(picked_fresh))
        batch = np.concatenate([picked_fresh, picked_old])
        kept = self._filter(batch)
        self.batches.append(batch[kept])
        self.batch_months.append(model.month)
        self._last_crawled = model.month
        self.pages_this_month = len(batch)

    def budget(self) -> int:
        """Pages a month: the configured budget, plus what the vendor's market revenue pays for."""
        extra = self.vendor.revenue * self.model.scenario.market.crawl_pages_per_dollar
        return self.config.budget_per_month + int(extra)

    def _filter(self, batch: np.ndarray) -> np.ndarray:
        """Which fetched pages are kept; counts what was wrongly discarded and what slipped through."""
        model, filters = self.model, self.config.filters
        store = model.store
        discard = np.zeros(len(batch), dtype=bool)
        trust, _ = model.policies.trusts_signed(self)
        checked = ~store.column("signed")[batch] if trust else np.ones(len(batch), dtype=bool)
        held = model.policies.keys_held(self.vendor)
        if filters.watermark and len(held):
            rows = batch[checked]
            discard[checked] = detect_marks(
                store.column("wm_key")[rows], store.column("wm_survival")[rows], store.column("tokens")[rows],
                held=held, config=model.scenario.watermark, rng=self.checks,
            )
        detector = model.policies.detector_filter(self)
        if detector is not None:
            provider, threshold = detector
            todo = checked & ~discard
            if todo.any():
                discard[todo] = provider.flag_rows(batch[todo], threshold=threshold)
        if filters.dedup:
            cells = np.floor(store.vectors[batch] / filters.dedup_radius).astype(np.int64)
            _, first = np.unique(cells, axis=0, return_index=True)
            duplicate = np.ones(len(batch), dtype=bool)
            duplicate[first] = False
            discard |= duplicate
        human = store.column("origin")[batch] == Origin.HUMAN
        kept = ~discard
        self.counts = {
            "kept": float(kept.sum()),
            "human_discarded": float((human & discard).sum()),
            "synthetic_kept": float((~human & kept).sum()),
            "synthetic_share": float((~human & kept).sum() / max(kept.sum(), 1)),
        }
        return kept

    def _pick(self, start: int, stop: int, n: int) -> np.ndarray:
        site_weight = self._site_weight()
        _, signed_weight = self.model.policies.trusts_signed(self)
        return weighted_rows(
            start, stop, n, weight=lambda rows: self._page_weight(rows, site_weight),
            max_weight=float(site_weight.max(initial=0.0)) * max(signed_weight, 1.0), rng=self.stream,
        )

    def _site_weight(self) -> np.ndarray:
        web = self.model.web
        weight = web.search_weight()
        if self.respects_opt_out:
            weight[web.opted_out(self.model.month)] = 0.0
        return weight

    def _page_weight(self, rows: np.ndarray, site_weight: np.ndarray) -> np.ndarray:
        store = self.model.store
        weight = site_weight[store.column("site")[rows]]
        _, signed_weight = self.model.policies.trusts_signed(self)
        if signed_weight != 1.0:
            weight = np.where(store.column("signed")[rows], weight * signed_weight, weight)
        return weight

    def latest(self) -> np.ndarray:
        """Pages collected since the vendor last trained."""
        return _unique_concat(self.batches[self._first_latest_batch :])

    def history(self) -> np.ndarray:
        """Every page ever collected (that a data-retention policy still lets the vendor keep)."""
        retention = self.model.policies.retention_months()
        if retention is None:
            return _unique_concat(self.batches)
        first = self.model.month - retention
        return _unique_concat([b for b, m in zip(self.batches, self.batch_months, strict=True) if m > first])

    def start_new_collection(self) -> None:
        self._first_latest_batch = len(self.batches)


def _unique_concat(batches: list[np.ndarray]) -> np.ndarray:
    return np.unique(np.concatenate(batches)) if batches else np.empty(0, dtype=np.int64)
