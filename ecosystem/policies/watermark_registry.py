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


class RegistryRules(Rules):
    def keys_held(self, vendor: ModelVendor) -> np.ndarray:
        """Keys a vendor's crawler can test: its own (if it ever marked), and a registry's if a member."""
        marking = self.book.rules["watermark_mandate"].marking_vendors
        held = {vendor.index} & marking
        for registry in self.in_force():
            members = {
                v.index for v in self.book.model.vendors if registry.members is None or v.name in registry.members
            }
            if vendor.index in members:
                held |= members & marking
        return np.array(sorted(held), dtype=np.int64)


LEVER = Lever(
    WatermarkRegistry,
    description="member vendors share watermark keys, so each crawler detects the members' marks",
    source="Kirchenbauer et al. 2023, 2024; Piet et al. 2025",
    rules=RegistryRules,
)
