"""Vendors watermark their API output: which outputs carry a vendor's key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

from ecosystem.config import PolicyBase, Share
from ecosystem.content.documents import NO_KEY
from ecosystem.policies.base import Lever, Rules

if TYPE_CHECKING:
    from ecosystem.agents.vendor import ModelVendor


class WatermarkMandate(PolicyBase):
    """Vendors watermark their API output; open weights may be exempt."""

    kind: Literal["watermark_mandate"]
    compliance: Share = 1.0
    basis: Literal["vendors", "output"] = "vendors"  # share of vendors that comply, or share of output marked
    open_weight_exempt: bool = True


class WatermarkRules(Rules):
    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.compliant: dict[int, bool] = {}  # vendor index -> marks its API output (basis "vendors")
        self.marking_vendors: set[int] = set()  # vendors whose output has ever been marked

    def begin(self, policy: WatermarkMandate, start: int) -> None:
        if policy.basis == "vendors":
            vendors = self.book.model.vendors
            order = self.book.rng.permutation(len(vendors))
            n_comply = int(round(policy.compliance * len(vendors)))
            self.compliant = {int(v): rank < n_comply for rank, v in enumerate(order)}

    def mark(self, vendor: ModelVendor, n: int, *, open_weights: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Watermark key and survival (1: untouched) of ``n`` fresh outputs of a vendor's model."""
        keys = np.full(n, NO_KEY, dtype=np.int16)
        survival = np.zeros(n, dtype=np.float32)
        for mandate in self.in_force():
            if open_weights and mandate.open_weight_exempt:
                continue
            if mandate.basis == "vendors":
                marked = np.full(n, self.compliant.get(vendor.index, False))
            else:
                marked = self.book.rng.random(n) < mandate.compliance
            keys[marked] = vendor.index
            survival[marked] = 1.0
            if marked.any():
                self.marking_vendors.add(vendor.index)
        if not open_weights and n and self.book.rules["watermark_adoption"].marks(vendor):  # its own choice
            keys[:], survival[:] = vendor.index, 1.0
            self.marking_vendors.add(vendor.index)
        return keys, survival


LEVER = Lever(
    WatermarkMandate,
    description="vendors mark their API output with a watermark that edits weaken; open weights may be exempt",
    source="Kirchenbauer et al. 2023, 2024; Piet et al. 2025",
    rules=WatermarkRules,
)
