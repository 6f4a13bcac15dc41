"""Vendors share watermark keys: which keys a vendor's crawler can test."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np

from ecosystem.config import PolicyBase
from ecosystem.policies.base import Lever, Rules

if TYPE_CHECKING:
    from ecosystem.agents.vendor import ModelVendor


class WatermarkRegistry(PolicyBase):
    """Members share their watermark keys, so each member's crawler detects every member's marks."""

    references: ClassVar[dict[str, str]] = {"members": "vendor"}
    kind: Literal["watermark_registry"]
    members: list[str] | None = None  # vendor names; None: every vendor
    # A key exchange: a member reads the others' marks only while it marks its own output (decided by a
    # watermark_adoption policy, else by having marked), so marking earns the others' keys.
    reciprocal: bool = False


class RegistryRules(Rules):
    def keys_held(self, vendor: ModelVendor) -> np.ndarray:
        """Keys a vendor's crawler can test: its own (if it ever marked), and a registry's if a member (of a
        reciprocal one, while it marks)."""
        marking = self.book.rules["watermark_mandate"].marking_vendors
        held = {vendor.index} & marking
        for registry in self.in_force():
            members = self._members(registry)
            if vendor.index in members and (not registry.reciprocal or self._marks_now(vendor)):
                held |= members & marking
        return np.array(sorted(held), dtype=np.int64)

    def reciprocal_partners(self, vendor: ModelVendor) -> set[int]:
        """The other members of the reciprocal registries a vendor belongs to: whose keys marking would earn it."""
        partners: set[int] = set()
        for registry in self.in_force():
            members = self._members(registry)
            if registry.reciprocal and vendor.index in members:
                partners |= members - {vendor.index}
        return partners

    def _members(self, registry: WatermarkRegistry) -> set[int]:
        return {v.index for v in self.book.model.vendors if registry.members is None or v.name in registry.members}

    def _marks_now(self, vendor: ModelVendor) -> bool:
        adoption = self.book.rules["watermark_adoption"]
        if adoption.in_force():
            return adoption.marks(vendor)
        return vendor.index in self.book.rules["watermark_mandate"].marking_vendors


LEVER = Lever(
    WatermarkRegistry,
    description="member vendors share watermark keys, so each crawler detects the members' marks",
    source="Kirchenbauer et al. 2023, 2024; Piet et al. 2025",
    rules=RegistryRules,
)
