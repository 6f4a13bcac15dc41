"""Vendors decide, month by month, whether to watermark their API output: adoption is an outcome, not a share.

A vendor (from its entry month) revising its choice marks with the logit probability of the payoff gain of marking
(``ecosystem.learning.adoption``). The terms are what the model lets it see: the share of its last crawl that
its own model wrote (before any filter: a vendor that marks can drop those pages, so they leave its training
data; the private benefit), in a reciprocal registry the share written by members who mark (their keys come
only with its own), a marking cost, the users lost while competitors stay unmarked, and a regulator's
expected fine. Open-weight copies stay unmarked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

import numpy as np
from pydantic import Field, model_validator

from ecosystem.config import PolicyBase, Share
from ecosystem.learning.adoption import Payoff, revise
from ecosystem.policies.base import Lever, Rules

if TYPE_CHECKING:
    from collections.abc import Callable

    from ecosystem.agents.vendor import ModelVendor

PayoffUnits = Annotated[float, Field(ge=0.0, le=1000.0)]


class WatermarkAdoption(PolicyBase):
    """Vendors choose each month whether to mark their API output (logit on the payoff of marking)."""

    references: ClassVar[dict[str, str]] = {"vendors": "vendor"}
    kind: Literal["watermark_adoption"]
    vendors: list[str] | None = None  # who decides; None: every vendor
    rationality: Annotated[float, Field(gt=0.0, le=1000.0, title="logit precision per payoff unit")] = 20.0
    revise_per_month: Annotated[float, Field(gt=0.0, le=1.0, title="chance a vendor reconsiders in a month")] = 0.25
    benefit_per_share: PayoffUnits = 1.0  # payoff of a whole crawl's worth of one's own pages dropped
    marking_cost: PayoffUnits = 0.05  # quality and serving cost of marking, a month
    user_avoidance: PayoffUnits = 0.0  # users' cost to a marking vendor while no competitor marks
    # With a user market: users' utility lost on a marked vendor's model (in the market's utility units), so
    # users who avoid marked output move to unmarked rivals; when every rival marks it cancels out.
    market_penalty: Annotated[float, Field(ge=0.0, le=100.0)] = 0.0
    fine: PayoffUnits = 0.0  # a regulator's fine for unmarked output, a month
    enforcement: Share = 0.0  # the chance a month's unmarked output is fined

    @model_validator(mode="after")
    def _fine_needs_enforcement(self) -> WatermarkAdoption:
        if (self.fine > 0) != (self.enforcement > 0):
            raise ValueError(f"fine ({self.fine}) and enforcement ({self.enforcement}) go together: a fine is "
                             "expected only if it is enforced; set both above 0, or both to 0 (voluntary)")
        return self


class AdoptionRules(Rules):
    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.marking: set[int] = set()  # vendors whose API output is marked this month
        self.terms: dict[int, Payoff] = {}  # each deciding vendor's payoff terms at its last decision
        self.adopted_at: dict[int, int] = {}  # the month each vendor first marked

    def month_begins(self, month: int) -> None:
        """Step 1: every vendor the policy covers that has entered gets its chance to revise whether it marks."""
        policy = self._policy()
        if policy is None:
            self.marking = set()
            return
        deciding = self.deciding(policy)
        marking_now = set(self.marking)
        for vendor in deciding:
            terms = self.payoff(vendor, policy, deciding, marking_now)
            self.terms[vendor.index] = terms
            adopted = revise(np.array([vendor.index in marking_now]), np.array([terms.gain]),
                             revise_share=policy.revise_per_month, rationality=policy.rationality,
                             rng=self.book.model.rngs.adoption(vendor.index))[0]
            if adopted:
                self.marking.add(vendor.index)
                self.adopted_at.setdefault(vendor.index, month)
            else:
                self.marking.discard(vendor.index)

    def _policy(self) -> WatermarkAdoption | None:
        policies = self.in_force()
        return policies[-1] if policies else None

    def deciding(self, policy: WatermarkAdoption) -> list[ModelVendor]:
        """Vendors the policy covers from their entry month (so a model is marked from its first release)."""
        month = self.book.model.month
        return [v for v in self.book.model.vendors
                if month >= v.entry_step and (policy.vendors is None or v.name in policy.vendors)]

    def payoff(self, vendor: ModelVendor, policy: WatermarkAdoption, deciding: list[ModelVendor],
               marking: set[int]) -> Payoff:
        """The terms the vendor sees now, from its last crawl and the others' current choices."""
        shares = vendor.crawler.fetched_sources
        can_drop = vendor.crawler.config.filters.watermark and shares is not None
        private = policy.benefit_per_share * float(shares[vendor.index]) if can_drop else 0.0
        partners = self.book.rules["watermark_registry"].reciprocal_partners(vendor) & marking
        network = policy.benefit_per_share * float(sum(shares[j] for j in partners)) if can_drop else 0.0
        rivals = [v for v in deciding if v is not vendor]
        rivals_marking = sum(v.index in marking for v in rivals) / len(rivals) if rivals else 0.0
        return Payoff(private_benefit=private, network_benefit=network, cost=policy.marking_cost,
                      user_cost=policy.user_avoidance * (1.0 - rivals_marking),
                      expected_fine=policy.enforcement * policy.fine)

    def marks(self, vendor: ModelVendor) -> bool:
        """Whether the vendor's API output is marked this month by its own choice."""
        return vendor.index in self.marking and self._policy() is not None

    def marked_output_penalty(self, vendors: list[ModelVendor]) -> np.ndarray | None:
        """Users' utility lost on each vendor's model for its marks (None: no user avoids marked output)."""
        policy = self._policy()
        if policy is None or policy.market_penalty == 0:
            return None
        return np.array([policy.market_penalty * (v.index in self.marking) for v in vendors])

    def record(self, step: int, record: Callable[[int, str, str, str, float], None]) -> None:
        policy = self._policy()
        if policy is None:
            return
        deciding = self.deciding(policy)
        share = sum(v.index in self.marking for v in deciding) / len(deciding) if deciding else 0.0
        record(step, "watermark", "watermark", "adoption_share", share)
        for vendor in deciding:
            record(step, "vendor", vendor.name, "marks", float(vendor.index in self.marking))
            terms = self.terms.get(vendor.index)
            if terms is not None:
                for name, value in terms.as_dict().items():
                    record(step, "vendor", vendor.name, f"mark_{name}", value)
        for vendor in self.book.model.vendors:
            if step >= vendor.crawler.start_step:
                record(step, "crawler", vendor.name, "own_marks_dropped", vendor.crawler.own_marks_dropped)


LEVER = Lever(
    WatermarkAdoption,
    description="vendors choose month by month whether to mark their API output, by a logit on the payoff of "
                "marking (own pages dropped from their crawl, a registry's shared keys, costs, users, fines)",
    source="logit dynamics (Blume 1993; McFadden 1974; McKelvey and Palfrey 1995; Brock and Durlauf 2001); "
           "payoff scales are assumptions to sweep",
    rules=AdoptionRules,
)
