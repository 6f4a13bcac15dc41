"""What every contract metric means in plain words: a label, a unit and which direction is worse.

Figures, the outcome registry and the brief all name metrics through this one table, so a reader sees
"machine-made share of new pages" rather than ``web.synthetic_share_new``. Keys are (kind, metric);
the dotted name of a row is ``kind.metric`` or ``kind.entity.metric`` (see ``ecosystem.metrics``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Worse = Literal["higher", "lower"] | None


@dataclass(frozen=True)
class MetricInfo:
    label: str  # plain words, without the entity
    unit: str
    worse: Worse = None  # which direction is worse, if one is


SHARE = "share"

METRICS: dict[tuple[str, str], MetricInfo] = {
    ("web", "docs"): MetricInfo("pages on the web", "pages"),
    ("web", "docs_new"): MetricInfo("new pages this month", "pages"),
    ("web", "synthetic_share"): MetricInfo("machine-made share of all pages", SHARE, "higher"),
    ("web", "synthetic_share_new"): MetricInfo("machine-made share of new pages", SHARE, "higher"),
    ("web", "ai_written_share_new"): MetricInfo("AI-written share of new pages (writer kept under half)", SHARE,
                                                "higher"),
    ("web", "ai_any_share_new"): MetricInfo("share of new pages with any AI text", SHARE, "higher"),
    ("web", "ai_token_share_new"): MetricInfo("AI-written share of new pages' tokens", SHARE, "higher"),
    ("web", "sites"): MetricInfo("sites on the web", "sites"),
    ("farms", "count"): MetricInfo("content farms in business", "farms", "higher"),
    ("humans", "writers"): MetricInfo("human writers", "writers"),
    ("humans", "displaced"): MetricInfo("documents writers left to assistants this month", "documents", "higher"),
    ("humans", "displaced_share"): MetricInfo("share of would-be human documents left to assistants", SHARE, "higher"),
    ("humans", "assistant_adoption"): MetricInfo("writers using an AI assistant", SHARE),
    ("vendor", "excess_nll"): MetricInfo("model's distance from human text (excess NLL)", "nats", "higher"),
    ("vendor", "nll"): MetricInfo("model's loss on held-out human text (NLL)", "nats", "higher"),
    ("vendor", "tail_mass_ratio"): MetricInfo("rare topics kept by the model (tail-mass ratio)", "ratio", "lower"),
    ("vendor", "topic_coverage"): MetricInfo("topics the model still covers", SHARE, "lower"),
    ("vendor", "variance_ratio"): MetricInfo("model's spread against reality's (variance ratio)", "ratio", "lower"),
    ("vendor", "precision"): MetricInfo("model samples that look real (precision)", SHARE, "lower"),
    ("vendor", "worst_topic_excess_nll"): MetricInfo("excess NLL on the worst-off topic", "nats", "higher"),
    ("vendor", "worst_topic"): MetricInfo("worst-off topic (index in reality)", "topic"),
    ("vendor", "tail_excess_nll"): MetricInfo("excess NLL on the rare topics", "nats", "higher"),
    ("vendor", "topics_lost"): MetricInfo("topics the model has lost", "topics", "higher"),
    ("vendor", "train_share_own"): MetricInfo("share of training data its own model wrote", SHARE, "higher"),
    ("vendor", "train_share_others"): MetricInfo("share of training data other vendors' models wrote", SHARE,
                                                 "higher"),
    ("vendor", "verifier_kept_share"): MetricInfo("share of the training pool its verifier accepted", SHARE),
    ("vendor", "train_synthetic_share"): MetricInfo("machine-made share of training data", SHARE, "higher"),
    ("vendor", "train_size"): MetricInfo("training set size", "documents"),
    ("vendor", "train_licensed"): MetricInfo("licensed human documents in training", "documents", "lower"),
    ("vendor", "lineage_depth"): MetricInfo("model generations behind the training data", "generations",
                                            "higher"),
    ("vendor", "retrained"): MetricInfo("retrained this month", "0/1"),
    ("vendor", "age_months"): MetricInfo("months since first release", "months"),
    ("vendor", "generation"): MetricInfo("model generation", "generations"),
    ("vendor", "market_share"): MetricInfo("share of users", SHARE, "lower"),
    ("vendor", "revenue"): MetricInfo("revenue this month", "currency units", "lower"),
    ("detector", "tpr"): MetricInfo("machine-made pages caught (true-positive rate)", SHARE, "lower"),
    ("detector", "fpr"): MetricInfo("human pages wrongly flagged (false-positive rate)", SHARE, "higher"),
    ("detector", "tpr_farm"): MetricInfo("content-farm pages caught", SHARE, "lower"),
    ("detector", "tpr_assisted"): MetricInfo("assisted human pages caught", SHARE),
    ("detector", "tpr_vendor"): MetricInfo("vendor-published pages caught", SHARE, "lower"),
    ("detector", "fpr_tail"): MetricInfo("human pages on rare topics wrongly flagged", SHARE, "higher"),
    ("detector", "fpr_common"): MetricInfo("human pages on common topics wrongly flagged", SHARE, "higher"),
    ("detector", "threshold"): MetricInfo("detector score threshold", "score"),
    ("detector", "retrained"): MetricInfo("retrained this month", "0/1"),
    ("crawler", "pages"): MetricInfo("pages crawled this month", "pages"),
    ("crawler", "kept"): MetricInfo("crawled pages kept", "pages"),
    ("crawler", "human_discarded"): MetricInfo("human pages wrongly discarded by the crawler", "pages", "higher"),
    ("crawler", "synthetic_kept"): MetricInfo("machine-made pages kept by the crawler", "pages", "higher"),
    ("crawler", "synthetic_share"): MetricInfo("machine-made share of crawled pages kept", SHARE, "higher"),
    ("crawler", "quality_survival_ai"): MetricInfo("machine-made pages its quality filter kept", SHARE, "higher"),
    ("crawler", "quality_survival_human"): MetricInfo("human pages its quality filter kept", SHARE, "lower"),
    ("crawler", "quality_survival_ratio"): MetricInfo("quality filter's survival, machine-made over human", "ratio",
                                                      "higher"),
    ("public_crawl", "pages"): MetricInfo("pages the shared public crawl fetched this month", "pages"),
    ("public_crawl", "synthetic_share"): MetricInfo("machine-made share of the shared crawl's latest snapshot", SHARE,
                                                    "higher"),
    ("vendor", "train_public_share"): MetricInfo("share of training data from the shared public crawl", SHARE),
    ("watermark", "coverage"): MetricInfo("new machine-made pages with a surviving watermark", SHARE, "lower"),
    ("watermark", "mean_survival"): MetricInfo("watermark strength left after edits", SHARE, "lower"),
}

# Kinds whose rows belong to one named entity (``vendor.<name>.metric``); the others are ``kind.metric``.
ENTITY_KINDS = ("vendor", "crawler", "detector")


@dataclass(frozen=True)
class MetricName:
    kind: str
    entity: str | None
    metric: str

    @property
    def dotted(self) -> str:
        return f"{self.kind}.{self.metric}" if self.entity is None else f"{self.kind}.{self.entity}.{self.metric}"


def split_name(name: str) -> MetricName | None:
    """``vendor.Pioneer.excess_nll`` to its parts; None if the name cannot be a contract metric."""
    parts = name.split(".")
    if len(parts) == 2 and parts[0] not in ENTITY_KINDS:
        return MetricName(parts[0], None, parts[1])
    if len(parts) >= 3 and parts[0] in ENTITY_KINDS:
        return MetricName(parts[0], ".".join(parts[1:-1]), parts[-1])
    return None


def describe(name: str) -> MetricInfo | None:
    """The catalogue entry of a dotted metric name, or None for a name outside the contract."""
    parts = split_name(name)
    return None if parts is None else METRICS.get((parts.kind, parts.metric))


def plain_label(name: str) -> str:
    """``vendor.DeepSeek.excess_nll`` -> "DeepSeek: model's distance from human text (excess NLL)"."""
    parts, info = split_name(name), describe(name)
    if parts is None or info is None:
        return name
    return info.label if parts.entity is None else f"{parts.entity}: {info.label}"
