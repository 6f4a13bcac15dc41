"""What a policy lever declares (its ``kind:``, config class, one-sentence description and published
source) and the hooks through which the policy book puts it in force."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ecosystem.web.graph import NEVER

if TYPE_CHECKING:
    from collections.abc import Callable

    from ecosystem.agents.writer import HumanWriter
    from ecosystem.config import PolicyBase
    from ecosystem.policies.book import PolicyBook


class Rules:
    """What one kind of lever puts in force; the policy book holds one per kind and calls its hooks."""

    writer_order = 0  # new writers meet the levers in this order (so the random draws keep their order)

    def __init__(self, book: PolicyBook, kind: str) -> None:
        self.book = book
        self.kind = kind

    def begin(self, policy: Any, start: int) -> None:
        """A policy of this kind takes effect for the first time (step 1 of its start month)."""

    def new_writer(self, writer: HumanWriter) -> None:
        """A writer arrives; a lever already begun takes the writer in like the others."""

    def update_search(self) -> None:
        """Step 9, after links and rank: a lever that acts on search sees this month's pages."""

    def month_begins(self, month: int) -> None:
        """Step 1, after the month's policies take effect: a lever whose agents decide decides here."""

    def record(self, step: int, record: Callable[[int, str, str, str, float], None]) -> None:
        """Step 12: a lever writes its own metrics (``record(step, kind, entity, metric, value)``)."""

    def in_force(self) -> list[Any]:
        """This month's active policies of this kind, in scenario order."""
        return [p for p in self.book.active if p.kind == self.kind]

    def begun(self) -> list[Any]:
        """Policies of this kind that have taken effect (and may have ended), in scenario order."""
        return [p for i, p in enumerate(self.book.policies) if p.kind == self.kind and i in self.book.started]


@dataclass(frozen=True)
class Lever:
    """One lever: a ``policies:`` entry of a scenario, declared once for the schema, the brief, the docs
    check and the policy book."""

    config: type[PolicyBase]
    description: str  # what it does, in one plain sentence (the brief prints it)
    source: str  # where its numbers come from (docs/calibration.md)
    rules: type[Rules]

    @property
    def kind(self) -> str:
        return self.config.model_fields["kind"].annotation.__args__[0]


def adoption_month(rng: np.random.Generator, *, start_step: int, final_share: float, months_to_half: int) -> int:
    """When one adopter takes up a practice that spreads along a logistic curve, or NEVER."""
    if rng.random() >= final_share:
        return NEVER
    delay = months_to_half + months_to_half / 3.0 * rng.logistic()
    return start_step + max(0, int(round(delay)))
