"""Observation models: each published series simulated the way it was measured.

A published share is not the web's true share: it is what one study saw in its sample of a crawl, after
its filters, labelled by a detector that errs. Each function here returns the share the study would report
on the simulated web, in expectation over the detector's errors and the filter's choices. Sampling noise is
left out on purpose: the published intervals already carry it. Rates and sources: docs/calibration.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ecosystem.content.documents import Origin, PageKind
from ecosystem.metric_table import DISPLACEMENT, USER_MARKET

if TYPE_CHECKING:
    from ecosystem.model import EcosystemModel

AI_PAGE = 0.5  # a page counts as AI when a model wrote more than half of it (Graphite 2025's rule)


@dataclass(frozen=True)
class Detector:
    """A study's labeller of AI pages, by its error rates on pages that are (not) AI."""

    fpr: float  # human pages called AI
    fnr: float  # AI pages called human

    def called_ai(self, is_ai: np.ndarray) -> np.ndarray:
        """Each page's probability of being called AI."""
        return np.where(is_ai, 1.0 - self.fnr, self.fpr)


# Graphite 2025: FPR 4.2%, FNR 0.6% on its validation set.
GRAPHITE_DETECTOR = Detector(fpr=0.042, fnr=0.006)
# Pangram's rates on the WildAI sample are not in the sources the project holds: taken as exact until they are.
WILDAI_DETECTOR = Detector(fpr=0.0, fnr=0.0)
# How much more often FineWeb keeps an AI document than a human one. Its audit on CC-MAIN-2026-30 measured 2.3
# (29.3% against 12.8%), but WildAI's own series is continuous where it leaves FineWeb: 13.3% of its documents
# AI in 2025-04..06 through FineWeb, 12.7% in 2025-07..09 from raw WARC files, while the share rose about half
# a point a month. A ratio of 2.3 would halve the series at the switch; the series implies about 1.1.
FINEWEB_AI_KEEP_RATIO = 1.1
WILDAI_FINEWEB_UNTIL = dt.date(2025, 6, 1)  # WildAI samples FineWeb up to 2025-06, raw WARC files after


def fineweb_keep(is_ai: np.ndarray) -> np.ndarray:
    """Each page's relative chance of passing FineWeb's filters (a human page's is 1)."""
    return np.where(is_ai, FINEWEB_AI_KEEP_RATIO, 1.0)


def wildai_token_share(tokens: np.ndarray, ai_share: np.ndarray, *, fineweb: bool,
                       detector: Detector = WILDAI_DETECTOR) -> float:
    """Tokens of the pages called AI over all tokens of a crawl, each page weighted by the chance
    FineWeb keeps it when ``fineweb`` (WildAI counts an AI-labelled document's tokens as AI, a mixed one's not)."""
    is_ai = ai_share > AI_PAGE
    weight = tokens.astype(np.float64)
    if fineweb:
        weight = weight * fineweb_keep(is_ai)
    total = weight.sum()
    return float(weight @ detector.called_ai(is_ai) / total) if total else 0.0


def graphite_written_share(ai_share: np.ndarray, detector: Detector = GRAPHITE_DETECTOR) -> float:
    """New pages a detector calls AI (more than half AI-written), with its errors in expectation."""
    return float(detector.called_ai(ai_share > AI_PAGE).mean()) if len(ai_share) else 0.0


def ahrefs_any_share(ai_share: np.ndarray) -> float:
    """New pages with any AI text (Ahrefs states no error rates: counted exactly)."""
    return float((ai_share > 0).mean()) if len(ai_share) else 0.0


def signed_share(signed: np.ndarray) -> float:
    """New pages carrying content credentials (C2PA)."""
    return float(signed.mean()) if len(signed) else 0.0


class CrawlTokens:
    """WildAI's sample of a Common-Crawl-like monthly crawl, in expectation: ``fresh_share`` of the crawl's
    pages are this month's new pages, the rest older pages, each picked in proportion to its site's search
    weight (the population ``web.crawl`` gives every crawler), then documents drawn uniformly from what
    FineWeb's filters keep. Per-site running sums make a month cost its new pages and the sites, not the web.

    Sums per site, for FineWeb-kept and raw pages: pages, pages called AI, tokens, tokens called AI."""

    QUANTITIES = 4

    def __init__(self) -> None:
        self.older = np.zeros((2, self.QUANTITIES, 0))  # [fineweb, raw] x quantity x site, over older pages

    def observe(self, new_tokens: np.ndarray, new_ai_share: np.ndarray, new_sites: np.ndarray,
                site_weight: np.ndarray, *, fresh_share: float, fineweb: bool,
                detector: Detector = WILDAI_DETECTOR) -> dict[str, float]:
        """This month's crawl as WildAI reports it: the AI token share and the mean tokens of a document
        called AI and of one called human; then this month's pages join the older web."""
        n_sites = len(site_weight)
        new = self._site_sums(new_tokens, new_ai_share, new_sites, n_sites, detector)
        if self.older.shape[2] < n_sites:  # sites added since last month start with nothing older
            self.older = np.concatenate([self.older, np.zeros((2, self.QUANTITIES, n_sites - self.older.shape[2]))],
                                        axis=2)
        older = self.older
        row = 0 if fineweb else 1
        per_page = np.zeros(self.QUANTITIES)  # expected quantities of one crawled page
        parts = [(fresh_share, new[row] @ site_weight), (1.0 - fresh_share, older[row] @ site_weight)]
        if parts[0][1][0] <= 0 or parts[1][1][0] <= 0:  # no new or no older pages: the crawl is the other part
            parts = [(1.0, sums) for _, sums in parts if sums[0] > 0]
        for share, sums in parts:
            per_page += share * sums / sums[0]
        self.older += new
        pages, ai_pages, tokens, ai_tokens = per_page
        return {
            "wildai_ai_token_share": float(ai_tokens / tokens) if tokens else 0.0,
            "wildai_ai_doc_tokens": float(ai_tokens / ai_pages) if ai_pages else 0.0,
            "wildai_human_doc_tokens": float((tokens - ai_tokens) / (pages - ai_pages)) if pages > ai_pages else 0.0,
        }

    def _site_sums(self, tokens: np.ndarray, ai_share: np.ndarray, sites: np.ndarray, n_sites: int,
                   detector: Detector) -> np.ndarray:
        is_ai = ai_share > AI_PAGE
        called = detector.called_ai(is_ai)
        tokens = tokens.astype(np.float64)
        sums = np.zeros((2, self.QUANTITIES, n_sites))
        for row, keep in enumerate((fineweb_keep(is_ai), np.ones(len(tokens)))):
            for q, values in enumerate((keep, keep * called, keep * tokens, keep * tokens * called)):
                sums[row, q] = np.bincount(sites, weights=values, minlength=n_sites)
        return sums


def record_observations(model: EcosystemModel, record) -> None:
    """Write this month's observation metrics (named after their series) with ``record``."""
    step, store = model.month, model.store
    new = store.month_rows(step, step)
    fineweb = model.scenario.date_of(step) <= WILDAI_FINEWEB_UNTIL
    ai_share, tokens = store.column("ai_share"), store.column("tokens")
    # A Common-Crawl-like crawl of the web, in expectation (CrawlTokens); CCBot obeys robots.txt.
    observed = model.crawl_tokens.observe(tokens[new], ai_share[new], store.column("site")[new],
                                          model.web.crawl_weight(step),
                                          fresh_share=model.scenario.web.crawl.fresh_share, fineweb=fineweb)
    for name, value in observed.items():
        record(step, "web", "web", name, value)
    kinds = store.column("kind")[new]
    articles = kinds == PageKind.ARTICLE  # Graphite samples articles, not Q&A posts or shops and listings
    record(step, "web", "web", "graphite_ai_written_share", graphite_written_share(ai_share[new][articles]))
    record(step, "web", "web", "ahrefs_ai_any_share", ahrefs_any_share(ai_share[new]))
    record(step, "web", "web", "c2pa_signed_share", signed_share(store.column("signed")[new]))
    if DISPLACEMENT.holds(model.scenario):  # a Q&A community's questions when there is one, else all human writing
        human = store.column("origin")[new] <= Origin.ASSISTED  # human and assisted pages
        if model.scenario.humans.qa is not None:
            written, displaced = int((human & (kinds == PageKind.QA)).sum()), model.qa_displaced
        else:
            written, displaced = int(human.sum()), model.displaced_docs
        record(step, "humans", "humans", "stackoverflow_question_share",
               written / (written + displaced) if written + displaced else 1.0)
    if USER_MARKET.holds(model.scenario) and model.vendors:
        first = min(model.vendors, key=lambda vendor: vendor.entry_step)
        record(step, "web", "web", "similarweb_first_mover_share", first.market_share)
