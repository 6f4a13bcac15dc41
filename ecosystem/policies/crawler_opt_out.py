"""robots.txt opt-outs: when each human site opts out, and whether a vendor's crawler complies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import Field

from ecosystem.config import MAX_MONTHS, PolicyBase, Share
from ecosystem.policies.base import Lever, Rules, adoption_month
from ecosystem.web.graph import NEVER, SiteKind

if TYPE_CHECKING:
    from ecosystem.agents.crawler import Crawler
    from ecosystem.agents.writer import HumanWriter


class CrawlerOptOut(PolicyBase):
    """Human sites adopt robots.txt opt-outs along a logistic curve; crawlers comply or not."""

    kind: Literal["crawler_opt_out"]
    final_share: Share = 0.3
    months_to_half: Annotated[int, Field(gt=0, le=MAX_MONTHS)] = 12
    compliance: Share = 1.0  # share of crawlers that respect opt-outs


class OptOutRules(Rules):
    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.complies: dict[int, bool] = {}  # vendor index -> its crawler respects opt-outs (once begun)

    def begin(self, policy: CrawlerOptOut, start: int) -> None:
        model = self.book.model
        web = model.web
        for site in np.flatnonzero((web.kind == SiteKind.HUMAN) & (web.opt_out_month == NEVER)):
            web.opt_out_month[site] = self._opt_out_month(policy)
        for vendor in model.vendors:
            self.complies[vendor.index] = bool(self.book.rng.random() < policy.compliance)

    def new_writer(self, writer: HumanWriter) -> None:
        for policy in self.begun():
            self.book.model.web.opt_out_month[writer.site] = self._opt_out_month(policy)

    def respects_opt_out(self, crawler: Crawler) -> bool:
        """Whether a crawler skips opted-out sites: drawn when the lever began, else its own setting."""
        return self.complies.get(crawler.vendor.index, crawler.config.respects_opt_out)

    def _opt_out_month(self, policy: CrawlerOptOut) -> int:
        return adoption_month(self.book.rng, start_step=self.book.scenario.month_index(policy.start),
                              final_share=policy.final_share, months_to_half=policy.months_to_half)


LEVER = Lever(
    CrawlerOptOut,
    description="human sites adopt robots.txt opt-outs along a curve; compliant crawlers skip them",
    source="Longpre et al. 2024",
    rules=OptOutRules,
)
