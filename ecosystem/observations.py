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

from ecosystem.content.documents import Origin
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
# FineWeb's filters keep 29.3% of AI and 12.8% of human documents (Russell et al. 2026, filter_audit.json).
FINEWEB_KEEPS_AI, FINEWEB_KEEPS_HUMAN = 0.293, 0.128
WILDAI_FINEWEB_UNTIL = dt.date(2025, 6, 1)  # WildAI samples FineWeb up to 2025-06, raw WARC files after


def wildai_token_share(tokens: np.ndarray, ai_share: np.ndarray, *, fineweb: bool,
                       detector: Detector = WILDAI_DETECTOR) -> float:
    """Tokens of the pages called AI over all tokens of a crawl, each page weighted by the chance
    FineWeb keeps it when ``fineweb`` (WildAI counts an AI-labelled document's tokens as AI, a mixed one's not)."""
    is_ai = ai_share > AI_PAGE
    weight = tokens.astype(np.float64)
    if fineweb:
        weight = weight * np.where(is_ai, FINEWEB_KEEPS_AI, FINEWEB_KEEPS_HUMAN)
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


class WebTokens:
    """Running FineWeb-weighted and raw token totals of every page on the web, by AI label, so WildAI's share
    over the whole web costs each month only its new pages (the store is append-only)."""

    def __init__(self) -> None:
        self.counted = 0  # rows of the store already added
        self.totals = np.zeros((2, 2))  # [fineweb or raw, called-AI-weighted or all] token sums

    def share(self, tokens: np.ndarray, ai_share: np.ndarray, *, fineweb: bool,
              detector: Detector = WILDAI_DETECTOR) -> float:
        """``wildai_token_share`` of the whole store, given its columns, after adding the rows not yet counted."""
        new = slice(self.counted, len(tokens))
        is_ai = ai_share[new] > AI_PAGE
        weight = tokens[new].astype(np.float64)
        for row, keep in enumerate((np.where(is_ai, FINEWEB_KEEPS_AI, FINEWEB_KEEPS_HUMAN), 1.0)):
            kept = weight * keep
            self.totals[row] += (kept @ detector.called_ai(is_ai), kept.sum())
        self.counted = len(tokens)
        called, total = self.totals[0 if fineweb else 1]
        return float(called / total) if total else 0.0


def record_observations(model: EcosystemModel, record) -> None:
    """Write this month's observation metrics (named after their series) with ``record``."""
    step, store = model.month, model.store
    new = store.month_rows(step, step)
    fineweb = model.scenario.date_of(step) <= WILDAI_FINEWEB_UNTIL
    ai_share, tokens = store.column("ai_share"), store.column("tokens")
    # A Common-Crawl-like crawl: the shared public crawl's latest snapshot when the scenario has one, else
    # every page on the web (kept as running totals: a month costs its new pages, not the web's size).
    crawl = model.public_crawler
    if crawl is not None and crawl.batches:
        rows = crawl.batches[-1]
        share = wildai_token_share(tokens[rows], ai_share[rows], fineweb=fineweb)
    else:
        share = model.web_tokens.share(tokens, ai_share, fineweb=fineweb)
    record(step, "web", "web", "wildai_ai_token_share", share)
    record(step, "web", "web", "graphite_ai_written_share", graphite_written_share(ai_share[new]))
    record(step, "web", "web", "ahrefs_ai_any_share", ahrefs_any_share(ai_share[new]))
    record(step, "web", "web", "c2pa_signed_share", signed_share(store.column("signed")[new]))
    if DISPLACEMENT.holds(model.scenario):
        written = int((store.column("origin")[new] <= Origin.ASSISTED).sum())  # human and assisted pages
        would_write = model.displaced_docs + written
        record(step, "humans", "humans", "stackoverflow_question_share",
               1.0 - model.displaced_docs / would_write if would_write else 1.0)
    if USER_MARKET.holds(model.scenario) and model.vendors:
        first = min(model.vendors, key=lambda vendor: vendor.entry_step)
        record(step, "web", "web", "similarweb_first_mover_share", first.market_share)
