"""The policy book: which policies of a scenario are in force this month, and the questions agents ask of
them. Each lever's behaviour lives in its own module; the book starts them, dispatches the schedule's
hooks to them and answers for them. Nothing here sets an outcome: a lever only changes what an agent can
do or knows, and the outcome follows from the agents' mechanisms."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ecosystem.policies.registry import LEVERS
from ecosystem.web.graph import NEVER

if TYPE_CHECKING:
    from collections.abc import Callable

    from ecosystem.agents.crawler import Crawler
    from ecosystem.agents.detector import DetectorProvider
    from ecosystem.agents.vendor import ModelVendor
    from ecosystem.agents.writer import HumanWriter
    from ecosystem.model import EcosystemModel


class PolicyBook:
    """The policies of a scenario and what they put in force this month."""

    def __init__(self, model: EcosystemModel) -> None:
        self.model = model
        self.scenario = model.scenario
        self.rng = model.rngs.policies
        self.policies: list[Any] = list(self.scenario.policies)
        self.started: set[int] = set()  # indices of policies that have taken effect
        self.active: list[Any] = []
        self.rules = {kind: lever.rules(self, kind) for kind, lever in LEVERS.items()}

    # Hooks the schedule calls

    def apply(self, month: int) -> None:
        """Step 1: policies due this month take effect; a policy's first month begins it."""
        self.active = []
        for i, policy in enumerate(self.policies):
            start = self.scenario.month_index(policy.start)
            end = NEVER if policy.end is None else self.scenario.month_index(policy.end)
            if month < start or month > end:
                continue
            if i not in self.started:
                self.started.add(i)
                self.rules[policy.kind].begin(policy, start)
            self.active.append(policy)
        for rules in self.rules.values():
            rules.month_begins(month)

    def new_writer(self, writer: HumanWriter) -> None:
        """A writer who arrives after a policy began takes part in it like the others."""
        for rules in sorted(self.rules.values(), key=lambda r: r.writer_order):
            rules.new_writer(writer)

    def update_search(self) -> None:
        """Step 9: levers that act on search see this month's pages."""
        for rules in self.rules.values():
            rules.update_search()

    def record(self, step: int, record: Callable[[int, str, str, str, float], None]) -> None:
        """Step 12: levers write their own metrics."""
        for rules in self.rules.values():
            rules.record(step, record)

    # What agents ask

    def mark(self, vendor: ModelVendor, n: int, *, open_weights: bool = False) -> tuple[np.ndarray, np.ndarray]:
        return self.rules["watermark_mandate"].mark(vendor, n, open_weights=open_weights)

    def marked_output_penalty(self, vendors: list[ModelVendor]) -> np.ndarray | None:
        return self.rules["watermark_adoption"].marked_output_penalty(vendors)

    def keys_held(self, vendor: ModelVendor) -> np.ndarray:
        return self.rules["watermark_registry"].keys_held(vendor)

    def detector_filter(self, crawler: Crawler) -> tuple[DetectorProvider, float] | None:
        return self.rules["detector_filtering"].detector_filter(crawler)

    def respects_opt_out(self, crawler: Crawler) -> bool:
        return self.rules["crawler_opt_out"].respects_opt_out(crawler)

    def trusts_signed(self, crawler: Crawler) -> tuple[bool, float]:
        return self.rules["provenance_signing"].trusts_signed(crawler)

    def retention_months(self) -> int | None:
        return self.rules["data_retention"].retention_months()

    def licensed_docs(self, vendor: ModelVendor) -> int:
        return self.rules["human_data_license"].licensed_docs(vendor)
