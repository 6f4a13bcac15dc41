"""The metric table: every metric the recorder writes, once, with its plain words and when it exists.

A row names the metric's kind (whose metric it is), its short name, a label, a unit, which direction is
worse, and the scenario feature without which it is never written. Everything else derives from it: the
recorder (``ecosystem.metrics``) writes under these names and conditions, the catalogue
(``ecosystem.experiments.catalogue``) gives the words to figures and briefs, the outcome registry refuses
what a scenario cannot produce, and the metric names of docs/design.md are generated from ``markdown()``.

A metric's dotted name is ``kind.metric`` for a kind that is one thing (``web.docs``, ``farms.count``) and
``kind.entity.metric`` for a kind with named entities (``vendor.Pioneer.excess_nll``): ``metric_name``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ecosystem.config import Scenario

Worse = Literal["higher", "lower"] | None
SHARE = "share"
TOPIC = "<k>"  # the topic index in the name of a per-topic metric: vendor.<vendor>.topic_<k>_mass_ratio


@dataclass(frozen=True)
class Condition:
    """A scenario feature a metric needs: the recorder writes the metric only where ``holds`` is true."""

    words: str  # what a user must add, e.g. "a user market (market.users > 0)"
    holds: Callable[[Scenario], bool]


USER_MARKET = Condition("a user market (market.users > 0)", lambda s: s.market.users > 0)
PUBLIC_CRAWL = Condition("a shared public crawl (public_crawl:)", lambda s: s.public_crawl is not None)
DISPLACEMENT = Condition("displacement (humans.displacement: or humans.qa:)",
                         lambda s: s.humans.displacement is not None or s.humans.qa is not None)
VERIFIER = Condition("a vendor with a verifier (vendors.*.verifier:)",
                     lambda s: any(v.verifier is not None for v in s.vendors))
LICENCE = Condition("a human_data_license policy", lambda s: any(p.kind == "human_data_license" for p in s.policies))
QUALITY_FILTER = Condition("a crawler with a quality filter (vendors.*.crawler.filters.quality:)",
                           lambda s: any(v.crawler.filters.quality is not None for v in s.vendors))
DRIFT = Condition("reality drift (reality.drift.new_topics_per_year > 0)",
                  lambda s: s.reality.drift.new_topics_per_year > 0)
PER_TOPIC = Condition("per-topic scores (metrics.per_topic: true)", lambda s: s.metrics.per_topic)
ADOPTION = Condition("a watermark_adoption policy (once in force)",
                     lambda s: any(p.kind == "watermark_adoption" for p in s.policies))
LANGUAGE_MODEL = Condition("a language-model vendor (vendors.*.model: ngram)",
                           lambda s: any(v.model == "ngram" for v in s.vendors))
TEXT_PER_TOPIC = Condition("a language-model vendor and per-topic scores (vendors.*.model: ngram, "
                           "metrics.per_topic: true)", lambda s: LANGUAGE_MODEL.holds(s) and PER_TOPIC.holds(s))
TEXT_WATERMARK = Condition("a watermark in the page text (text.watermark:)",
                           lambda s: s.text is not None and s.text.watermark is not None)
SIGNING_DECISION = Condition("a provenance_signing policy with a decision (once in force)",
                             lambda s: any(p.kind == "provenance_signing" and p.decision is not None
                                           for p in s.policies))


@dataclass(frozen=True)
class Kind:
    """Whose metrics: one thing (the web, the farms) or each named entity of a kind (each vendor)."""

    name: str
    entity: str | None = None  # the word for one entity ("vendor"); None: the kind is its own single entity
    names: Callable[[Scenario], list[str]] | None = None  # the entities a scenario has


def _vendor_names(scenario: Scenario) -> list[str]:
    return [v.name for v in scenario.vendors]


def _detector_names(scenario: Scenario) -> list[str]:
    return [d.name for d in scenario.detectors]


KINDS = {kind.name: kind for kind in (
    Kind("web"),
    Kind("farms"),
    Kind("public_crawl"),
    Kind("humans"),
    Kind("watermark"),
    Kind("vendor", "vendor", _vendor_names),
    Kind("crawler", "vendor", _vendor_names),  # one crawler per vendor, named after it
    Kind("detector", "detector", _detector_names),
)}
ENTITY_KINDS = tuple(name for name, kind in KINDS.items() if kind.entity is not None)


@dataclass(frozen=True)
class Metric:
    kind: str
    name: str  # the short name; per-topic metrics carry TOPIC where the index goes
    label: str  # plain words, without the entity
    unit: str
    worse: Worse = None  # which direction is worse, if one is
    needs: Condition | None = None  # None: written in every scenario

    @property
    def per_topic(self) -> bool:
        return TOPIC in self.name


# In the order the recorder writes them.
METRICS: tuple[Metric, ...] = (
    Metric("web", "docs", "pages on the web", "pages"),
    Metric("web", "docs_new", "new pages this month", "pages"),
    Metric("web", "synthetic_share", "machine-made share of all pages", SHARE, "higher"),
    Metric("web", "synthetic_share_new", "machine-made share of new pages", SHARE, "higher"),
    Metric("web", "ai_written_share_new", "AI-written share of new pages (writer kept under half)", SHARE, "higher"),
    Metric("web", "ai_any_share_new", "share of new pages with any AI text", SHARE, "higher"),
    Metric("web", "ai_token_share_new", "AI-written share of new pages' tokens", SHARE, "higher"),
    Metric("web", "sites", "sites on the web", "sites"),
    Metric("farms", "count", "content farms in business", "farms", "higher"),
    Metric("farms", "share_new", "share of new pages written by content farms", SHARE, "higher"),
    Metric("public_crawl", "pages", "pages the shared public crawl fetched this month", "pages", needs=PUBLIC_CRAWL),
    Metric("public_crawl", "synthetic_share", "machine-made share of the shared crawl's latest snapshot", SHARE,
           "higher", PUBLIC_CRAWL),
    Metric("humans", "writers", "human writers", "writers"),
    Metric("humans", "assistant_adoption", "writers of articles and Q&A posts using an AI assistant", SHARE),
    Metric("humans", "displaced", "documents writers left to assistants this month", "documents", "higher",
           DISPLACEMENT),
    Metric("humans", "displaced_share", "share of would-be human documents left to assistants", SHARE, "higher",
           DISPLACEMENT),
    Metric("crawler", "pages", "pages crawled this month", "pages"),
    Metric("crawler", "kept", "crawled pages kept", "pages"),
    Metric("crawler", "human_discarded", "human pages wrongly discarded by the crawler", "pages", "higher"),
    Metric("crawler", "synthetic_kept", "machine-made pages kept by the crawler", "pages", "higher"),
    Metric("crawler", "synthetic_share", "machine-made share of crawled pages kept", SHARE, "higher"),
    Metric("crawler", "quality_survival_ai", "machine-made pages its quality filter kept", SHARE, "higher",
           QUALITY_FILTER),
    Metric("crawler", "quality_survival_human", "human pages its quality filter kept", SHARE, "lower", QUALITY_FILTER),
    Metric("crawler", "quality_survival_ratio", "quality filter's survival, machine-made over human", "ratio",
           "higher", QUALITY_FILTER),
    Metric("vendor", "nll", "model's loss on held-out human text (NLL)", "nats", "higher"),
    Metric("vendor", "excess_nll", "model's distance from human text (excess NLL)", "nats", "higher"),
    Metric("vendor", "tail_kept", "rare topics kept by the model (mean of each one's mass ratio, capped at 1)",
           "ratio", "lower"),
    Metric("vendor", "common_kept", "common topics kept by the model (mean of each one's mass ratio, capped at 1)",
           "ratio", "lower"),
    Metric("vendor", "tail_mass_ratio", "rare topics' pooled mass ratio (one narrow spike can push it above 1)",
           "ratio", "lower"),
    Metric("vendor", "topic_coverage", "topics the model still covers", SHARE, "lower"),
    Metric("vendor", "variance_ratio", "model's spread against reality's (variance ratio)", "ratio", "lower"),
    Metric("vendor", "precision", "model samples that look real (precision)", SHARE, "lower"),
    Metric("vendor", "worst_topic_excess_nll", "excess NLL on the worst-off topic", "nats", "higher"),
    Metric("vendor", "worst_topic", "worst-off topic (index in reality)", "topic"),
    Metric("vendor", "tail_excess_nll", "excess NLL on the rare topics", "nats", "higher"),
    Metric("vendor", "worst_known_topic_excess_nll", "excess NLL on the worst-off topic among those that existed "
           "when the training data was crawled", "nats", "higher"),
    Metric("vendor", "worst_known_topic", "that topic (index in reality)", "topic"),
    Metric("vendor", "drift_excess_nll", "excess NLL on the topics that appeared after the training crawl (drift), "
           "once there are any", "nats", "higher", DRIFT),
    Metric("vendor", "topics_lost", "topics the model has lost", "topics", "higher"),
    Metric("vendor", f"topic_{TOPIC}_mass_ratio", f"mass the model keeps on topic {TOPIC} (mass ratio)", "ratio",
           "lower", PER_TOPIC),
    Metric("vendor", f"topic_{TOPIC}_excess_nll", f"excess NLL on topic {TOPIC}", "nats", "higher", PER_TOPIC),
    Metric("vendor", f"topic_{TOPIC}_text_perplexity", f"language model's perplexity on topic {TOPIC}'s held-out "
           "human documents", "perplexity", "higher", TEXT_PER_TOPIC),
    Metric("vendor", f"topic_{TOPIC}_text_rare_prob", f"probability the language model gives rare words where "
           f"people wrote them on topic {TOPIC} (geometric mean)", "probability", "lower", TEXT_PER_TOPIC),
    Metric("vendor", "train_size", "training set size", "documents"),
    Metric("vendor", "train_synthetic_share", "machine-made share of training data", SHARE, "higher"),
    Metric("vendor", "lineage_depth", "model generations behind the training data", "generations", "higher"),
    Metric("vendor", "train_share_own", "share of training data its own model wrote", SHARE, "higher"),
    Metric("vendor", "train_public_share", "share of training data from the shared public crawl", SHARE,
           needs=PUBLIC_CRAWL),
    Metric("vendor", "train_share_others", "share of training data other vendors' models wrote", SHARE, "higher"),
    Metric("vendor", "train_licensed", "licensed human documents in training", "documents", "lower", LICENCE),
    Metric("vendor", "verifier_kept_share", "share of the training pool its verifier accepted", SHARE,
           needs=VERIFIER),
    # a language model's worth on real text, measured when it retrains (ecosystem.learning.lm_measures)
    Metric("vendor", "text_perplexity", "language model's perplexity on held-out human documents", "perplexity",
           "higher", LANGUAGE_MODEL),
    Metric("vendor", "text_rare_prob", "probability the language model gives rare words where people wrote them "
           "(geometric mean)", "probability", "lower", LANGUAGE_MODEL),
    Metric("vendor", "text_repeated_4gram_share", "share of its output's 4-grams repeating one earlier in the page",
           SHARE, "higher", LANGUAGE_MODEL),
    Metric("vendor", "text_distinct_2", "distinct bigrams over bigrams in its output (distinct-2)", "ratio", "lower",
           LANGUAGE_MODEL),
    Metric("vendor", "text_vocabulary", "distinct words in its output (probe of text.probe_docs pages)", "words",
           "lower", LANGUAGE_MODEL),
    Metric("vendor", "text_rare_share", "share of its output's tokens that are rare words", SHARE, "lower",
           LANGUAGE_MODEL),
    Metric("vendor", "text_flagged_share", "share of this month's pages its language model wrote that the "
           "green-list test with its key flags, read on their text", SHARE, needs=TEXT_WATERMARK),
    Metric("vendor", "retrained", "retrained this month", "0/1"),
    Metric("vendor", "age_months", "months since first release", "months"),
    Metric("vendor", "generation", "model generation", "generations"),
    Metric("vendor", "market_share", "share of users", SHARE, "lower", USER_MARKET),
    Metric("vendor", "revenue", "revenue this month", "currency units", "lower", USER_MARKET),
    Metric("detector", "tpr", "machine-made pages caught (true-positive rate)", SHARE, "lower"),
    Metric("detector", "fpr", "human pages wrongly flagged (false-positive rate)", SHARE, "higher"),
    Metric("detector", "tpr_farm", "content-farm pages caught", SHARE, "lower"),
    Metric("detector", "tpr_assisted", "assisted human pages caught", SHARE),
    Metric("detector", "tpr_vendor", "vendor-published pages caught", SHARE, "lower"),
    Metric("detector", "fpr_tail", "human pages on rare topics wrongly flagged", SHARE, "higher"),
    Metric("detector", "fpr_common", "human pages on common topics wrongly flagged", SHARE, "higher"),
    Metric("detector", "threshold", "detector score threshold", "score"),
    Metric("detector", "retrained", "retrained this month", "0/1"),
    Metric("watermark", "coverage", "new machine-made pages with a surviving watermark", SHARE, "lower"),
    Metric("watermark", "mean_survival", "watermark strength left after edits", SHARE, "lower"),
    Metric("watermark", "text_human_flagged", "this month's human pages that a language model's key flags, read "
           "on their text (the test's false positives)", SHARE, "higher", TEXT_WATERMARK),
    # Adoption as a decision (ecosystem/policies/watermark_adoption.py): each vendor's choice and its payoff terms.
    Metric("watermark", "adoption_share", "share of deciding vendors that mark their API output", SHARE, "lower",
           ADOPTION),
    Metric("vendor", "marks", "marks its API output this month", "0/1", needs=ADOPTION),
    Metric("vendor", "mark_private_benefit", "payoff of marking: its own pages it could drop from its crawl",
           "payoff", needs=ADOPTION),
    Metric("vendor", "mark_network_benefit", "payoff of marking: marking registry partners' pages it could drop",
           "payoff", needs=ADOPTION),
    Metric("vendor", "mark_cost", "payoff of marking: its quality and serving cost", "payoff", needs=ADOPTION),
    Metric("vendor", "mark_user_cost", "payoff of marking: users lost to unmarked competitors", "payoff",
           needs=ADOPTION),
    Metric("vendor", "mark_expected_fine", "payoff of marking: the expected fine it avoids", "payoff",
           needs=ADOPTION),
    Metric("vendor", "mark_gain", "payoff of marking over not marking at its last decision", "payoff",
           needs=ADOPTION),
    Metric("crawler", "own_marks_dropped", "its vendor's own marked pages its crawler dropped this month", "pages",
           needs=ADOPTION),
    Metric("humans", "signing_share", "writers who sign their pages", SHARE, needs=SIGNING_DECISION),
    Metric("humans", "signing_gain", "payoff of signing over not signing, for a writer not yet signing", "payoff",
           needs=SIGNING_DECISION),
    # Observation models (ecosystem/observations.py): each published series measured as its study measured it.
    Metric("web", "wildai_ai_token_share", "AI share of tokens in a Common-Crawl-like crawl, FineWeb-filtered before "
           "2025-07, as WildAI's detector labels it", SHARE, "higher"),
    Metric("web", "wildai_ai_doc_tokens", "mean length of a crawled document WildAI's detector calls AI", "tokens"),
    Metric("web", "wildai_human_doc_tokens", "mean length of a crawled document WildAI's detector calls human",
           "tokens"),
    Metric("web", "graphite_ai_written_share", "new articles Graphite's detector calls AI (over half AI-written)",
           SHARE,
           "higher"),
    Metric("web", "ahrefs_ai_any_share", "new pages with any AI text, as Ahrefs counts them", SHARE, "higher"),
    Metric("web", "c2pa_signed_share", "new pages carrying content credentials (C2PA)", SHARE),
    Metric("humans", "stackoverflow_question_share", "questions still asked in Q&A communities, over those asked "
           "without assistants (Stack Overflow's; all human writing without humans.qa)", SHARE, "lower", DISPLACEMENT),
    Metric("web", "similarweb_first_mover_share", "first-entering vendor's share of chatbot users (Similarweb's "
           "traffic share)", SHARE, needs=USER_MARKET),
)
_BY_KEY = {(m.kind, m.name): m for m in METRICS}
_TOPIC_INDEX = re.compile(r"^topic_\d+_")


def find(kind: str, metric: str) -> Metric | None:
    """The table row of a metric (``topic_3_mass_ratio`` finds the per-topic row), None if it has none."""
    return _BY_KEY.get((kind, metric)) or _BY_KEY.get((kind, _TOPIC_INDEX.sub(f"topic_{TOPIC}_", metric)))


def kind_of(name: str) -> Kind:
    if name not in KINDS:
        raise ValueError(f"unknown metric kind {name!r}; the kinds are {', '.join(KINDS)}")
    return KINDS[name]


def entities(scenario: Scenario, kind: str) -> list[str]:
    """The entities whose rows of ``kind`` a scenario can write: vendors' or detectors' names, or the kind
    itself for a kind that is one thing (its rows' entity)."""
    found = kind_of(kind)
    return [kind] if found.names is None else found.names(scenario)


def metric_name(kind: str, entity: str, metric: str) -> str:
    """The dotted contract name of a metric row: ``web.docs``, ``vendor.Pioneer.excess_nll``."""
    return f"{kind}.{entity}.{metric}" if kind_of(kind).entity is not None else f"{kind}.{metric}"


@dataclass(frozen=True)
class MetricName:
    """A dotted name's parts (``metric_name`` joins them); ``entity`` is None for a kind that is one thing."""

    kind: str
    entity: str | None
    metric: str


def split_name(name: str) -> MetricName | None:
    """``vendor.Pioneer.excess_nll`` to its parts; None if the name cannot be a contract metric."""
    parts = name.split(".")
    if len(parts) == 2 and parts[0] not in ENTITY_KINDS:
        return MetricName(parts[0], None, parts[1])
    if len(parts) >= 3 and parts[0] in ENTITY_KINDS:
        return MetricName(parts[0], ".".join(parts[1:-1]), parts[-1])
    return None


def markdown() -> str:
    """The table as the metric-names section of docs/design.md shows it (a test keeps the two equal)."""
    lines = ["| name | meaning | unit | worse | written only with |", "|---|---|---|---|---|"]
    for m in METRICS:
        entity = kind_of(m.kind).entity
        name = metric_name(m.kind, f"<{entity}>" if entity else m.kind, m.name)
        label = m.label.replace(TOPIC, "k")  # markdown would take <k> for a tag
        lines.append(f"| `{name}` | {label} | {m.unit} | {m.worse or ''} | {m.needs.words if m.needs else ''} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
