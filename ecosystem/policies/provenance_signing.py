"""Provenance signing (C2PA-like): when each writer starts signing, and how crawlers treat signed pages.

Writers adopt along an assumed logistic curve, or, with a ``decision:`` block, choose month by month by a
logit on the payoff of signing (``ecosystem.learning.adoption``): the crawl visibility signed pages gain
when crawlers prefer them, a peer term in the share already signing (verification tools spread), a cost, and
platforms that sign by default for a share of writers (their cost is the platform's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import Field

from ecosystem.config import MAX_MONTHS, PolicyBase, Section, Share
from ecosystem.learning.adoption import revise
from ecosystem.policies.base import Lever, Rules, adoption_month
from ecosystem.web.graph import NEVER

if TYPE_CHECKING:
    from collections.abc import Callable

    from ecosystem.agents.crawler import Crawler
    from ecosystem.agents.writer import HumanWriter

PayoffUnits = Annotated[float, Field(ge=0.0, le=1000.0)]


class SigningDecision(Section):
    """Writers choose whether to sign by a logit on its payoff (replaces final_share and months_to_half)."""

    rationality: Annotated[float, Field(gt=0.0, le=1000.0, title="logit precision per payoff unit")] = 1.0
    revise_per_month: Annotated[float, Field(gt=0.0, le=1.0, title="chance a writer reconsiders in a month")] = 0.1
    cost: PayoffUnits = 6.0  # a writer's cost of signing a month (tools, workflow), unless its platform pays it
    visibility: PayoffUnits = 0.0  # payoff per unit of extra crawl preference (signed_weight - 1)
    peer_effect: PayoffUnits = 0.0  # payoff per share of writers already signing
    platform_default: Share = 0.0  # share of writers whose platform signs for them (no cost to them)


class ProvenanceSigning(PolicyBase):
    """Human writers sign what they publish (C2PA-like), adopting along a logistic curve or by choice."""

    kind: Literal["provenance_signing"]
    final_share: Share = 0.5
    months_to_half: Annotated[int, Field(gt=0, le=MAX_MONTHS)] = 12
    crawlers_trust_signed: bool = True  # signed pages skip crawler checks and are preferred
    signed_weight: Annotated[float, Field(ge=1.0)] = 2.0
    decision: SigningDecision | None = None  # writers decide (logit dynamics) instead of following the curve


class SigningRules(Rules):
    writer_order = -1  # a new writer draws its signing month before its opt-out month

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.signing: ProvenanceSigning | None = None  # the last signing policy to begin
        self.platform_signs = np.empty(0, dtype=bool)  # per writer row: its platform signs for it (decision)

    def begin(self, policy: ProvenanceSigning, start: int) -> None:
        from ecosystem.agents.writer import HumanWriter

        self.signing = policy
        for writer in self.book.model.agents_by_type.get(HumanWriter, []):
            self.new_writer(writer)

    def new_writer(self, writer: HumanWriter) -> None:
        if self.signing is None:
            return
        if self.signing.decision is not None:  # its platform signs for it or not; it decides from next month
            if writer.row >= len(self.platform_signs):
                self.platform_signs = np.resize(self.platform_signs, len(self.book.model.writers))
            draw = self.book.model.rngs.signing.random()
            self.platform_signs[writer.row] = draw < self.signing.decision.platform_default
            writer.signs_from = NEVER
            return
        writer.signs_from = adoption_month(
            self.book.rng, start_step=self.book.scenario.month_index(self.signing.start),
            final_share=self.signing.final_share, months_to_half=self.signing.months_to_half)

    def month_begins(self, month: int) -> None:
        """Step 1: with a decision, every writer gets its chance to revise whether it signs."""
        decision = self._decision()
        if decision is None:
            return
        writers = self.book.model.writers
        signing = writers.signs_from <= month
        gain = self.signing_gain(decision, float(signing.mean()) if len(signing) else 0.0)
        gains = np.where(self.platform_signs, gain + decision.cost, gain)
        now = revise(signing, gains, revise_share=decision.revise_per_month, rationality=decision.rationality,
                     rng=self.book.model.rngs.signing)
        writers.signs_from = np.where(now, np.minimum(writers.signs_from, month), NEVER)

    def signing_gain(self, decision: SigningDecision, share: float) -> float:
        """Payoff of signing over not signing for a writer who pays its own cost, at this share of signers."""
        preferred = self.signing.crawlers_trust_signed
        visibility = decision.visibility * (self.signing.signed_weight - 1.0) if preferred else 0.0
        return visibility + decision.peer_effect * share - decision.cost

    def _decision(self) -> SigningDecision | None:
        signing = self.signing
        return signing.decision if signing is not None and signing in self.book.active else None

    def record(self, step: int, record: Callable[[int, str, str, str, float], None]) -> None:
        decision = self._decision()
        if decision is None:
            return
        signing = self.book.model.writers.signs_from <= step
        share = float(signing.mean()) if len(signing) else 0.0
        record(step, "humans", "humans", "signing_share", share)
        record(step, "humans", "humans", "signing_gain", self.signing_gain(decision, share))

    def trusts_signed(self, crawler: Crawler) -> tuple[bool, float]:
        """Whether a crawler lets signed pages skip its checks, and its preference weight for them."""
        signing, filters = self.signing, crawler.config.filters
        if signing is not None and signing.crawlers_trust_signed and signing in self.book.active:
            return True, max(signing.signed_weight, filters.signed_weight)
        return filters.trust_signed, filters.signed_weight


LEVER = Lever(
    ProvenanceSigning,
    description="writers sign their pages (along a curve, or by a logit choice); crawlers may trust and prefer "
                "signed pages",
    source="the curve: no published adoption figure, an assumption to sweep; a decision's level: IPTC Metawatch "
           "C2PA shares 2026",
    rules=SigningRules,
)
