"""Crawlers: spend a page budget each month, choosing pages by their site's rank."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ecosystem.config import CrawlerConfig, QualityFilterConfig
from ecosystem.content.documents import Origin
from ecosystem.learning.quality import QualityClassifier
from ecosystem.learning.watermark import detect_marks
from ecosystem.web.sampling import weighted_pages

if TYPE_CHECKING:
    from ecosystem.agents.vendor import ModelVendor
    from ecosystem.model import EcosystemModel

class Crawler(mesa.Agent):
    """Collects pages into monthly batches. ``fresh_share`` of the budget (the crawler's own, else the web's
    Common-Crawl-like population, ``web.crawl``) goes to pages that are new since its last crawl, the rest to
    the older web. Compliant crawlers skip opted-out sites.

    Pages are chosen in proportion to their site's search weight, without a cap and without scanning the
    whole web (``web.sampling.weighted_pages``): cost per crawl is O(sites + budget).

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
        self.fresh_share = model.scenario.web.crawl.fresh_share if config.fresh_share is None else config.fresh_share
        self.stream = model.rngs.crawler(vendor.index)
        self.batches: list[np.ndarray] = []
        self.batch_months: list[int] = []
        self.checks = model.rngs.crawl_filter(vendor.index)
        self.quality_stream = None if config.filters.quality is None else model.rngs.quality(vendor.index)
        self.counts: dict[str, float] = {}
        self._first_latest_batch = 0
        self._last_crawled = -1
        self.pages_this_month = 0
        self.own_marks_dropped = 0  # its vendor's own marked pages its watermark test dropped this month
        self.fetched_sources: np.ndarray | None = None  # share of its last crawl each vendor's model wrote

    def crawl(self) -> None:
        model = self.model
        self.pages_this_month = self.own_marks_dropped = 0
        if model.month < self.start_step:
            return
        budget = self.fetched(self.budget())
        first_fresh = self._last_crawled + 1
        fresh = model.store.month_rows(first_fresh)
        n_fresh = min(int(round(budget * self.fresh_share)), fresh.stop - fresh.start)
        picked_fresh = self._pick(first_fresh, model.month + 1, n_fresh)
        picked_old = self._pick(0, first_fresh, budget - len(picked_fresh))
        batch = np.concatenate([picked_fresh, picked_old])
        source = model.store.column("vendor")[batch]
        self.fetched_sources = np.bincount(source[source >= 0], minlength=len(model.vendors)) / max(len(batch), 1)
        kept = self._filter(batch)
        self.batches.append(batch[kept])
        self.batch_months.append(model.month)
        self._last_crawled = model.month
        self.pages_this_month = len(batch)

    def budget(self) -> int:
        """Pages a month: the configured budget, plus what the vendor's market revenue pays for."""
        extra = self.vendor.revenue * self.model.scenario.market.crawl_pages_per_dollar
        return self.config.budget_per_month + int(extra)

    def fetched(self, budget: int) -> int:
        """Pages fetched to keep ``budget``: a quality filter keeping a share k is fed budget / k pages, as a
        pretraining pipeline filters more raw crawl rather than train on less (so filtered and unfiltered
        vendors train on equal numbers of pages)."""
        quality = self.config.filters.quality
        if quality is None or not self._quality_ready(quality):
            return budget
        return int(round(budget / quality.keep_share))

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
            keys = store.column("wm_key")[rows]
            text = model.text_pages
            if text is not None and text.green is not None:  # the marks are in the pages' words: read them
                dropped = text.flagged(rows, held)
            else:
                dropped = detect_marks(keys, store.column("wm_survival")[rows], store.column("tokens")[rows],
                                       held=held, config=model.scenario.watermark, rng=self.checks)
            discard[checked] = dropped
            self.own_marks_dropped = int((dropped & (keys == self.vendor.index)).sum())
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
        survival = {}
        if filters.quality is not None:
            judged = ~discard
            verdict = self._quality_keep(batch[judged], filters.quality)
            if verdict is not None:
                discard[judged] = ~verdict
                survival = _survival(verdict, human[judged])
        kept = ~discard
        self.counts = {
            "kept": float(kept.sum()),
            "human_discarded": float((human & discard).sum()),
            "synthetic_kept": float((~human & kept).sum()),
            "synthetic_share": float((~human & kept).sum() / max(kept.sum(), 1)),
            **survival,
        }
        return kept

    def _quality_keep(self, rows: np.ndarray, config: QualityFilterConfig) -> np.ndarray | None:
        """The quality filter's verdict on pages (True: kept), or None while it cannot build its reference
        set (no model released yet for its model-written part, no pre-AI archive for the rest)."""
        reference = self._quality_reference(config)
        if reference is None or len(rows) < 2:
            return None
        vectors = self.model.store.vectors[rows]
        background = vectors
        if len(vectors) > config.reference_pages:
            background = vectors[self.quality_stream.choice(len(vectors), config.reference_pages, replace=False)]
        return QualityClassifier(keep_share=config.keep_share).fit(reference, background).keep(vectors)

    def _quality_reference(self, config: QualityFilterConfig) -> np.ndarray | None:
        """"High-quality" pages: samples of the released models' output and pages of the pre-AI archive."""
        if not self._quality_ready(config):
            return None
        model, rng = self.model, self.quality_stream
        n_model = int(round(config.model_share * config.reference_pages))
        n_archive = config.reference_pages - n_model
        vendors, archive = model.released_vendors(), model.pre_ai_rows()
        parts = [model.store.vectors[rng.choice(archive, size=n_archive, replace=len(archive) < n_archive)]]
        if n_model:
            counts = np.bincount(rng.integers(len(vendors), size=n_model), minlength=len(vendors))
            parts += [v.estimator.sample(int(k), rng=rng)[0] for v, k in zip(vendors, counts, strict=True) if k]
        return np.vstack(parts)

    def _quality_ready(self, config: QualityFilterConfig) -> bool:
        """Whether the reference set can be built: a released model for its model-written part, the pre-AI
        archive for the rest."""
        n_model = int(round(config.model_share * config.reference_pages))
        has_model = not n_model or bool(self.model.released_vendors())
        has_archive = n_model == config.reference_pages or bool(len(self.model.pre_ai_rows()))
        return has_model and has_archive

    def _pick(self, first_month: int, stop_month: int, n: int) -> np.ndarray:
        """n pages published in months [first_month, stop_month), as search exposes them: by their site's
        weight, and signed pages by the weight a provenance policy gives them."""
        _, signed_weight = self.model.policies.trusts_signed(self)
        top = max(signed_weight, 1.0)
        factor = None
        if signed_weight != 1.0:
            signed = self.model.store.column("signed")

            def factor(rows: np.ndarray) -> np.ndarray:
                return np.where(signed[rows], signed_weight, 1.0) / top

        return weighted_pages(self.model.site_pages, first_month, stop_month, n,
                              site_weight=self._site_weight(), page_factor=factor, rng=self.stream)

    def _site_weight(self) -> np.ndarray:
        web = self.model.web
        return web.crawl_weight(self.model.month) if self.model.policies.respects_opt_out(self) else web.search_weight()

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


def _survival(kept: np.ndarray, human: np.ndarray) -> dict[str, float]:
    """Shares of the synthetic and of the human pages a filter kept, and their ratio (the audit's measure)."""
    shares = {}
    if (~human).any():
        shares["quality_survival_ai"] = float(kept[~human].mean())
    if human.any():
        shares["quality_survival_human"] = float(kept[human].mean())
    if (~human).any() and shares.get("quality_survival_human", 0.0) > 0:
        shares["quality_survival_ratio"] = shares["quality_survival_ai"] / shares["quality_survival_human"]
    return shares


def _unique_concat(batches: list[np.ndarray]) -> np.ndarray:
    return np.unique(np.concatenate(batches)) if batches else np.empty(0, dtype=np.int64)
