"""Data retention: how many months of crawled pages a vendor may keep."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ecosystem.config import MAX_MONTHS, PolicyBase
from ecosystem.policies.base import Lever, Rules


class DataRetention(PolicyBase):
    """Vendors may keep crawled pages only so many months."""

    kind: Literal["data_retention"]
    months: Annotated[int, Field(gt=0, le=MAX_MONTHS)] = 24


class RetentionRules(Rules):
    def retention_months(self) -> int | None:
        """The shortest retention in force, or None (keep everything)."""
        found = self.in_force()
        return min(p.months for p in found) if found else None


LEVER = Lever(
    DataRetention,
    description="vendors keep only the last months of crawled batches",
    source="Gerstgrasser et al. 2024 (accumulate vs replace)",
    rules=RetentionRules,
)
