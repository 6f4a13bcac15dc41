"""Crawlers discard pages a detector flags: which detector a crawler filters with, at what threshold."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

from pydantic import Field

from ecosystem.config import PolicyBase
from ecosystem.policies.base import Lever, Rules

if TYPE_CHECKING:
    from ecosystem.agents.crawler import Crawler
    from ecosystem.agents.detector import DetectorProvider


class DetectorFiltering(PolicyBase):
    """Crawlers discard pages a detector flags, at the detector's threshold for ``target_fpr``."""

    references: ClassVar[dict[str, str]] = {"crawlers": "vendor's crawler", "detector": "detector"}
    kind: Literal["detector_filtering"]
    detector: str
    target_fpr: Annotated[float, Field(gt=0.0, lt=0.5)] | None = None  # default: the detector's own
    crawlers: list[str] | None = None  # vendor names; None: every crawler


class FilteringRules(Rules):
    def detector_filter(self, crawler: Crawler) -> tuple[DetectorProvider, float] | None:
        """The detector a crawler filters with this month and its threshold, or None (a policy in force
        overrides the crawler's own ``filters.detector``)."""
        providers = self.book.model.detectors_by_name
        for policy in self.in_force():
            if policy.crawlers is None or crawler.name in policy.crawlers:
                provider = providers[policy.detector]
                if provider.detector is not None:
                    return provider, provider.detector.threshold_for(policy.target_fpr or provider.config.target_fpr)
        name = crawler.config.filters.detector
        if name is not None and providers[name].detector is not None:
            return providers[name], providers[name].detector.threshold_
        return None


LEVER = Lever(
    DetectorFiltering,
    description="crawlers drop pages a detector flags at a target false-positive rate",
    source="OpenAI classifier 2023; DetectGPT; Sadasivan et al.",
    rules=FilteringRules,
)
