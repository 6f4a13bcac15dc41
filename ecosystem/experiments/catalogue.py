"""What every contract metric means in plain words: a label, a unit and which direction is worse.

Figures, the outcome registry and the brief all name metrics through this view of the metric table
(``ecosystem.metric_table``), so a reader sees "machine-made share of new pages" rather than
``web.synthetic_share_new``. Keys are (kind, metric); per-topic metrics (``topic_3_mass_ratio``) are
described by name but have no key, since which topics exist depends on the run.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecosystem.metric_table import METRICS as TABLE
from ecosystem.metric_table import TOPIC, Worse, find, split_name


@dataclass(frozen=True)
class MetricInfo:
    label: str  # plain words, without the entity
    unit: str
    worse: Worse = None  # which direction is worse, if one is


METRICS: dict[tuple[str, str], MetricInfo] = {
    (m.kind, m.name): MetricInfo(m.label, m.unit, m.worse) for m in TABLE if not m.per_topic
}


def describe(name: str) -> MetricInfo | None:
    """The catalogue entry of a dotted metric name, or None for a name outside the contract."""
    parts = split_name(name)
    row = None if parts is None else find(parts.kind, parts.metric)
    if row is None:
        return None
    if row.per_topic:
        index = parts.metric.split("_")[1]
        return MetricInfo(row.label.replace(TOPIC, index), row.unit, row.worse)
    return METRICS[(row.kind, row.name)]


def plain_label(name: str) -> str:
    """``vendor.DeepSeek.excess_nll`` -> "DeepSeek: model's distance from human text (excess NLL)"."""
    parts, info = split_name(name), describe(name)
    if parts is None or info is None:
        return name
    return info.label if parts.entity is None else f"{parts.entity}: {info.label}"
