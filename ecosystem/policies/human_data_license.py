"""Licensed human data: how many fresh human documents a vendor can buy this month."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from ecosystem.config import PolicyBase, Share
from ecosystem.policies.base import Lever, Rules

if TYPE_CHECKING:
    from ecosystem.agents.vendor import ModelVendor


class HumanDataLicense(PolicyBase):
    """Vendors buy fresh human data (new draws from reality) within a monthly budget."""

    references: ClassVar[dict[str, str]] = {"vendors": "vendor"}
    kind: Literal["human_data_license"]
    budget_per_month: Annotated[float, Field(ge=0.0, le=1e9)] = 1000.0
    price_per_doc: Annotated[float, Field(ge=1e-3, le=1e9)] = 1.0
    vendors: list[str] | None = None  # None: every vendor
    revenue_share: Share = 0.0  # share of a vendor's market revenue added to its budget

    @model_validator(mode="after")
    def _documents_a_month(self) -> HumanDataLicense:
        if self.budget_per_month / self.price_per_doc > 1e6:
            raise ValueError(f"budget_per_month / price_per_doc buys {self.budget_per_month / self.price_per_doc:.3g} "
                             "documents a month; at most 1e6 can be drawn")
        return self


class LicenseRules(Rules):
    def licensed_docs(self, vendor: ModelVendor) -> int:
        """Fresh human documents a vendor can buy this month within its licensing budget."""
        n = 0.0
        for policy in self.in_force():
            if policy.vendors is None or vendor.name in policy.vendors:
                budget = policy.budget_per_month + policy.revenue_share * vendor.revenue
                n += budget / policy.price_per_doc
        return int(n)


LEVER = Lever(
    HumanDataLicense,
    description="vendors buy fresh human text within a budget and train on it with their crawl",
    source="Villalobos et al. 2024 (stock of human text); prices assumed",
    rules=LicenseRules,
)
