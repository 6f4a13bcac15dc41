"""The policy levers: each a YAML entry with a start (and an end) that takes effect at step 1 of the
month. This module holds what is in force; agents ask it (which keys a crawler holds, whether an API
output is marked, which detector a crawler filters with). Nothing here sets an outcome: a lever only
changes what an agent can do or knows, and the outcome follows from the agents' mechanisms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ecosystem.config import (
    CrawlerOptOut,
    DataRetention,
    DetectorFiltering,
    FarmRankingPenalty,
    HumanDataLicense,
    Policy,
    ProvenanceSigning,
    WatermarkMandate,
    WatermarkRegistry,
)
from ecosystem.content.documents import NO_KEY, Origin
from ecosystem.web.graph import NEVER, SiteKind

if TYPE_CHECKING:
    from ecosystem.agents.crawler import Crawler
    from ecosystem.agents.detector import DetectorProvider
    from ecosystem.agents.vendor import ModelVendor
    from ecosystem.agents.writer import HumanWriter
    from ecosystem.model import EcosystemModel


def adoption_month(
    rng: np.random.Generator, *, start_step: int, final_share: float, months_to_half: int
) -> int:
    """When one adopter takes up a practice that spreads along a logistic curve, or NEVER."""
    if rng.random() >= final_share:
        return NEVER
    delay = months_to_half + months_to_half / 3.0 * rng.logistic()
    return start_step + max(0, int(round(delay)))


class PolicyBook:
    """The policies of a scenario and what they put in force this month."""

    def __init__(self, model: EcosystemModel) -> None:
        self.model = model
        self.scenario = model.scenario
        self.rng = model.rngs.policies
        self.policies: list[Policy] = list(self.scenario.policies)
        self._started: set[int] = set()
        self.active: list[Policy] = []
        self.compliant: dict[int, bool] = {}  # vendor index -> marks its API output (basis "vendors")
        self.marking_vendors: set[int] = set()  # vendors whose output has ever been marked
        self.signing: ProvenanceSigning | None = None

    # ------------------------------------------------------------------------------------------
    # Step 1 of the month

    def apply(self, month: int) -> None:
        self.active = []
        for i, policy in enumerate(self.policies):
            start = self.scenario.month_index(policy.start)
            end = NEVER if policy.end is None else self.scenario.month_index(policy.end)
            if month < start or month > end:
                continue
            if i not in self._started:
                self._started.add(i)
                self._begin(policy, start)
            self.active.append(policy)

    def _begin(self, policy: Policy, start: int) -> None:
        model = self.model
        if isinstance(policy, WatermarkMandate) and policy.basis == "vendors":
            order = self.rng.permutation(len(model.vendors))
            n_comply = int(round(policy.compliance * len(model.vendors)))
            self.compliant = {int(v): rank < n_comply for rank, v in enumerate(order)}
        elif isinstance(policy, CrawlerOptOut):
            web = model.web
            for site in np.flatnonzero((web.kind == SiteKind.HUMAN) & (web.opt_out_month == NEVER)):
                web.opt_out_month[site] = self._opt_out_month(policy)
            for vendor in model.vendors:
                vendor.crawler.respects_opt_out = bool(self.rng.random() < policy.compliance)
        elif isinstance(policy, ProvenanceSigning):
            self.signing = policy
            from ecosystem.agents.writer import HumanWriter

            for writer in model.agents_by_type.get(HumanWriter, []):
                self._draw_signing(writer)

    def _of(self, kind: type) -> list:
        return [p for p in self.active if isinstance(p, kind)]

    def _opt_out_month(self, policy: CrawlerOptOut) -> int:
        return adoption_month(
            self.rng,
            start_step=self.scenario.month_index(policy.start),
            final_share=policy.final_share,
            months_to_half=policy.months_to_half,
        )

    def _draw_signing(self, writer: HumanWriter) -> None:
        policy = self.signing
        writer.signs_from = adoption_month(
            self.rng,
            start_step=self.scenario.month_index(policy.start),
            final_share=policy.final_share,
            months_to_half=policy.months_to_half,
        )

    def new_writer(self, writer: HumanWriter) -> None:
        """A writer who arrives after a policy began takes part in it like the others."""
        if self.signing is not None:
            self._draw_signing(writer)
        for i, policy in enumerate(self.policies):
            if isinstance(policy, CrawlerOptOut) and i in self._started:
                self.model.web.opt_out_month[writer.site] = self._opt_out_month(policy)

    # ------------------------------------------------------------------------------------------
    # Watermarks

    def mark(
        self, vendor: ModelVendor, n: int, *, open_weights: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Watermark key and survival (1: untouched) of ``n`` fresh outputs of a vendor's model."""
        keys = np.full(n, NO_KEY, dtype=np.int16)
        survival = np.zeros(n, dtype=np.float32)
        for mandate in self._of(WatermarkMandate):
            if open_weights and mandate.open_weight_exempt:
                continue
            if mandate.basis == "vendors":
                marked = np.full(n, self.compliant.get(vendor.index, False))
            else:
                marked = self.rng.random(n) < mandate.compliance
            keys[marked] = vendor.index
            survival[marked] = 1.0
            if marked.any():
                self.marking_vendors.add(vendor.index)
        return keys, survival

    def keys_held(self, vendor: ModelVendor) -> np.ndarray:
        """Keys a vendor's crawler can test: its own (if it ever marked), and a registry's if a member."""
        held = {vendor.index} & self.marking_vendors
        for registry in self._of(WatermarkRegistry):
            members = {
                v.index for v in self.model.vendors if registry.members is None or v.name in registry.members
            }
            if vendor.index in members:
                held |= members & self.marking_vendors
        return np.array(sorted(held), dtype=np.int64)

    # ------------------------------------------------------------------------------------------
    # Crawling and data

    def detector_filter(self, crawler: Crawler) -> tuple[DetectorProvider, float] | None:
        """The detector a crawler filters with this month and its threshold, or None."""
        providers = self.model.detectors_by_name
        for policy in self._of(DetectorFiltering):
            if policy.crawlers is None or crawler.name in policy.crawlers:
                provider = providers[policy.detector]
                if provider.detector is not None:
                    return provider, provider.detector.threshold_for(
                        policy.target_fpr or provider.config.target_fpr
                    )
        name = crawler.config.filters.detector
        if name is not None and providers[name].detector is not None:
            return providers[name], providers[name].detector.threshold_
        return None

    def trusts_signed(self, crawler: Crawler) -> tuple[bool, float]:
        """Whether a crawler lets signed pages skip its checks, and its preference weight for them."""
        if self.signing is not None and self.signing.crawlers_trust_signed and self.signing in self.active:
            return True, max(self.signing.signed_weight, crawler.config.filters.signed_weight)
        return crawler.config.filters.trust_signed, crawler.config.filters.signed_weight

    def retention_months(self) -> int | None:
        found = self._of(DataRetention)
        return min(p.months for p in found) if found else None

    def licensed_docs(self, vendor: ModelVendor) -> int:
        """Fresh human documents a vendor can buy this month within its licensing budget."""
        n = 0.0
        for policy in self._of(HumanDataLicense):
            if policy.vendors is None or vendor.name in policy.vendors:
                budget = policy.budget_per_month + policy.revenue_share * vendor.revenue
                n += budget / policy.price_per_doc
        return int(n)

    # ------------------------------------------------------------------------------------------
    # Search

    def penalise_sites(self) -> None:
        """Search demotes sites in proportion to the share of their new pages a detector flags."""
        model = self.model
        web = model.web
        for policy in self._of(FarmRankingPenalty):
            provider = model.detectors_by_name[policy.detector]
            if provider.detector is None:
                continue
            rows = model.store.month_rows(model.month, model.month)
            sites = model.store.column("site")[rows]
            if len(sites) == 0:
                continue
            flagged = provider.flag_rows(np.arange(rows.start, rows.stop))
            pages = np.bincount(sites, minlength=web.n_sites)
            hits = np.bincount(sites, weights=flagged, minlength=web.n_sites)
            seen = pages > 0
            web.flag_share[seen] = (
                policy.memory * web.flag_share[seen] + (1 - policy.memory) * hits[seen] / pages[seen]
            )
            web.penalty = 1.0 - policy.penalty * web.flag_share


def is_synthetic(origin: np.ndarray) -> np.ndarray:
    return origin != Origin.HUMAN
