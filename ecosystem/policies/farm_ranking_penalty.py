"""Search demotion of flagged sites: the lever names the detector and strength; the web demotes."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import numpy as np
from pydantic import Field

from ecosystem.config import PolicyBase, Share
from ecosystem.policies.base import Lever, Rules


class FarmRankingPenalty(PolicyBase):
    """Search demotes sites whose new pages a detector flags (farms, and falsely flagged humans)."""

    references: ClassVar[dict[str, str]] = {"detector": "detector"}
    kind: Literal["farm_ranking_penalty"]
    detector: str
    penalty: Share = 0.8  # weight lost by a site all of whose new pages are flagged
    memory: Annotated[float, Field(ge=0.0, lt=1.0, title="monthly persistence of a site's flag share")] = 0.5


class PenaltyRules(Rules):
    def update_search(self) -> None:
        """The detector judges this month's new pages; search demotes their sites by the share flagged."""
        model = self.book.model
        for policy in self.in_force():
            provider = model.detectors_by_name[policy.detector]
            if provider.detector is None:
                continue
            rows = model.store.month_rows(model.month, model.month)
            sites = model.store.column("site")[rows]
            if len(sites) == 0:
                continue
            flagged = provider.flag_rows(np.arange(rows.start, rows.stop))
            model.web.demote_flagged(sites, flagged, penalty=policy.penalty, memory=policy.memory)


LEVER = Lever(
    FarmRankingPenalty,
    description="search demotes sites by the share of their new pages a detector flags",
    source="OpenAI classifier 2023; DetectGPT; Sadasivan et al.",
    rules=PenaltyRules,
)
