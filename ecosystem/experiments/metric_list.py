"""Every metric a scenario writes, in plain words, for ``ecosim metrics``: so a user can choose an outcome
without reading docs/design.md or the recorder."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ecosystem.config import Scenario
from ecosystem.metric_table import METRICS, entities, kind_of, metric_name


@dataclass(frozen=True)
class MetricRow:
    name: str  # with the entity as a placeholder: vendor.<vendor>.excess_nll
    label: str
    unit: str
    worse: str  # "higher", "lower" or ""
    entities: list[str]  # the scenario's vendors or detectors; empty for a kind that is one thing
    outcome: str  # an --outcome that reads it at the scenario's last month; "" for per-topic metrics
    needs: str  # the scenario feature it needs and lacks; "" when the scenario writes it

    def as_dict(self) -> dict:
        return asdict(self)


def scenario_metrics(scenario: Scenario) -> list[MetricRow]:
    """One row per metric of the metric table, in the recorder's order; ``needs`` says why a row is not
    written in this scenario."""
    last = f"{scenario.date_of(scenario.months - 1):%Y-%m}"
    rows = []
    for m in METRICS:
        entity = kind_of(m.kind).entity
        named = entities(scenario, m.kind) if entity else []
        if m.per_topic:
            outcome = ""
        elif entity is None:
            outcome = f"{metric_name(m.kind, m.kind, m.name)}@{last}"
        elif m.kind == "vendor":
            outcome = f"mean(vendor.*.{m.name})@{last}"
        else:
            outcome = f"{metric_name(m.kind, named[0], m.name)}@{last}" if named else ""
        lacking = m.needs is not None and not m.needs.holds(scenario)
        rows.append(MetricRow(name=metric_name(m.kind, f"<{entity}>" if entity else m.kind, m.name), label=m.label,
                              unit=m.unit, worse=m.worse or "", entities=named, outcome=outcome,
                              needs=m.needs.words if lacking else ""))
    return rows
