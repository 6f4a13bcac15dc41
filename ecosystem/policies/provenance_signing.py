"""Provenance signing (C2PA-like): when each writer starts signing, and how crawlers treat signed pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from ecosystem.config import MAX_MONTHS, PolicyBase, Share
from ecosystem.policies.base import Lever, Rules, adoption_month

if TYPE_CHECKING:
    from ecosystem.agents.crawler import Crawler
    from ecosystem.agents.writer import HumanWriter


class ProvenanceSigning(PolicyBase):
    """Human writers sign what they publish (C2PA-like), adopting along a logistic curve."""

    kind: Literal["provenance_signing"]
    final_share: Share = 0.5
    months_to_half: Annotated[int, Field(gt=0, le=MAX_MONTHS)] = 12
    crawlers_trust_signed: bool = True  # signed pages skip crawler checks and are preferred
    signed_weight: Annotated[float, Field(ge=1.0)] = 2.0


class SigningRules(Rules):
    writer_order = -1  # a new writer draws its signing month before its opt-out month

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.signing: ProvenanceSigning | None = None  # the last signing policy to begin

    def begin(self, policy: ProvenanceSigning, start: int) -> None:
        from ecosystem.agents.writer import HumanWriter

        self.signing = policy
        for writer in self.book.model.agents_by_type.get(HumanWriter, []):
            self.new_writer(writer)

    def new_writer(self, writer: HumanWriter) -> None:
        if self.signing is not None:
            writer.signs_from = adoption_month(
                self.book.rng, start_step=self.book.scenario.month_index(self.signing.start),
                final_share=self.signing.final_share, months_to_half=self.signing.months_to_half)

    def trusts_signed(self, crawler: Crawler) -> tuple[bool, float]:
        """Whether a crawler lets signed pages skip its checks, and its preference weight for them."""
        signing, filters = self.signing, crawler.config.filters
        if signing is not None and signing.crawlers_trust_signed and signing in self.book.active:
            return True, max(signing.signed_weight, filters.signed_weight)
        return filters.trust_signed, filters.signed_weight


LEVER = Lever(
    ProvenanceSigning,
    description="writers sign their pages; crawlers may trust and prefer signed pages",
    source="no published adoption figure: an assumption to sweep",
    rules=SigningRules,
)
