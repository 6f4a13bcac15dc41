"""Every metric, every month: the names are a contract (docs/design.md) that figures and users rely on.

Rows are collected as plain tuples and become one polars frame at the end of the run, in long format:
``step, date, kind, entity, metric, value``. Each (kind, metric) is a row of the metric table
(``ecosystem.metric_table``), which also gives its dotted name and the scenario feature it needs; the
conditions below are the table's, so the recorder and the outcome registry cannot disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from ecosystem.config import Scenario
from ecosystem.content.documents import Origin
from ecosystem.metric_table import DISPLACEMENT, PER_TOPIC, PUBLIC_CRAWL, TEXT_WATERMARK, USER_MARKET
from ecosystem.observations import record_observations

if TYPE_CHECKING:
    from ecosystem.model import EcosystemModel

SCHEMA = {
    "step": pl.Int32,
    "date": pl.Date,
    "kind": pl.Utf8,
    "entity": pl.Utf8,
    "metric": pl.Utf8,
    "value": pl.Float64,
}


class MetricsRecorder:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.rows: list[tuple[int, str, str, str, float]] = []

    def record(self, step: int, kind: str, entity: str, metric: str, value: float) -> None:
        self.rows.append((step, kind, entity, metric, float(value)))

    def to_frame(self) -> pl.DataFrame:
        steps, kinds, entities, metrics, values = zip(*self.rows, strict=True) if self.rows else ([],) * 5
        dates = [self.scenario.date_of(s) for s in range(self.scenario.months)]
        frame = pl.DataFrame(
            {"step": steps, "kind": kinds, "entity": entities, "metric": metrics, "value": values},
            schema={k: v for k, v in SCHEMA.items() if k != "date"},
        )
        date_of_step = pl.DataFrame(
            {"step": range(len(dates)), "date": dates}, schema={"step": pl.Int32, "date": pl.Date}
        )
        return frame.join(date_of_step, on="step", how="left").select(list(SCHEMA))


def collect_metrics(model: EcosystemModel) -> None:
    from ecosystem.agents import ContentFarm, HumanWriter

    record = model.recorder.record
    step, store, scenario = model.month, model.store, model.scenario
    new = store.month_rows(step, step)
    new_synthetic = store.synthetic_mask(new)
    record(step, "web", "web", "docs", len(store))
    record(step, "web", "web", "docs_new", len(new_synthetic))
    record(step, "web", "web", "synthetic_share", store.n_synthetic / len(store) if len(store) else 0.0)
    record(step, "web", "web", "synthetic_share_new", new_synthetic.mean() if len(new_synthetic) else 0.0)
    # The two published kinds of page share: pages more than half written by a model (Graphite 2025) and
    # pages with any model text in them (Ahrefs 2025).
    ai_share = store.column("ai_share")[new]
    record(step, "web", "web", "ai_written_share_new", float((ai_share > 0.5).mean()) if len(ai_share) else 0.0)
    record(step, "web", "web", "ai_any_share_new", float((ai_share > 0).mean()) if len(ai_share) else 0.0)
    # The token-weighted share (WildAI's measure, Russell et al. 2026): model-written tokens over all tokens.
    tokens = store.column("tokens")[new].astype(np.float64)
    record(step, "web", "web", "ai_token_share_new", float(tokens @ ai_share / tokens.sum()) if tokens.sum() else 0.0)
    record(step, "web", "web", "sites", model.web.n_sites)
    record(step, "farms", "farms", "count", len(model.agents_by_type.get(ContentFarm, [])))
    farm_pages = int((store.column("origin")[new] == Origin.FARM).sum())
    record(step, "farms", "farms", "share_new", farm_pages / len(new_synthetic) if len(new_synthetic) else 0.0)
    if PUBLIC_CRAWL.holds(scenario):
        record(step, "public_crawl", "public_crawl", "pages", model.public_crawler.pages_this_month)
        record(step, "public_crawl", "public_crawl", "synthetic_share", model.public_crawler.synthetic_share())
    writers = model.agents_by_type[HumanWriter]
    record(step, "humans", "humans", "writers", len(writers))
    record(step, "humans", "humans", "assistant_adoption", model.assistant_adoption)
    if DISPLACEMENT.holds(scenario):
        written = int((store.column("origin")[new] <= Origin.ASSISTED).sum())  # human and assisted pages
        record(step, "humans", "humans", "displaced", model.displaced_docs)
        share = model.displaced_docs / max(written + model.displaced_docs, 1)
        record(step, "humans", "humans", "displaced_share", share)

    for vendor in model.vendors:
        crawler = vendor.crawler
        if step >= crawler.start_step:
            record(step, "crawler", crawler.name, "pages", crawler.pages_this_month)
            for name, value in crawler.counts.items():
                record(step, "crawler", crawler.name, name, value)
        if not vendor.released:
            continue
        scores = model.vendor_scores(vendor)
        for name, value in scores.as_dict().items():
            record(step, "vendor", vendor.name, name, value)
        if PER_TOPIC.holds(scenario) and vendor.trained_at[-1] == step:
            topics = np.flatnonzero(model.reality.active(step))
            for k, ratio, excess in zip(topics, scores.topic_mass_ratio, scores.topic_excess_nll, strict=True):
                record(step, "vendor", vendor.name, f"topic_{k}_mass_ratio", ratio)
                record(step, "vendor", vendor.name, f"topic_{k}_excess_nll", excess)
            for name, value in vendor.text_topic_measures.items():  # a language model's, per topic
                record(step, "vendor", vendor.name, name, value)
        for name, value in vendor.training.items():
            record(step, "vendor", vendor.name, name, value)
        if TEXT_WATERMARK.holds(scenario) and vendor.language_model is not None:
            written = new.start + np.flatnonzero(store.column("vendor")[new] == vendor.index)
            flagged = model.text_pages.flagged_share(written, np.array([vendor.index]))
            if flagged is not None:
                record(step, "vendor", vendor.name, "text_flagged_share", flagged)
        record(step, "vendor", vendor.name, "retrained", float(vendor.trained_at[-1] == step))
        record(step, "vendor", vendor.name, "age_months", step - vendor.trained_at[0])
        record(step, "vendor", vendor.name, "generation", len(vendor.trained_at))
        if USER_MARKET.holds(scenario):
            record(step, "vendor", vendor.name, "market_share", vendor.market_share)
            record(step, "vendor", vendor.name, "revenue", vendor.revenue)

    for provider in model.detectors:
        for name, value in provider.measure().items():
            record(step, "detector", provider.name, name, value)
    # Watermarks on this month's new synthetic pages: the share carrying a mark that survived edits.
    survival = store.column("wm_survival")[new][new_synthetic]
    keyed = (store.column("wm_key")[new][new_synthetic] >= 0) & (survival > 0)
    record(step, "watermark", "watermark", "coverage", float(keyed.mean()) if len(keyed) else 0.0)
    mean_survival = float(survival[keyed].mean()) if keyed.any() else 0.0
    record(step, "watermark", "watermark", "mean_survival", mean_survival)
    if TEXT_WATERMARK.holds(scenario):
        human = new.start + np.flatnonzero(store.column("origin")[new] == Origin.HUMAN)
        models = np.array([v.index for v in model.vendors if v.language_model is not None], dtype=np.int64)
        flagged = model.text_pages.flagged_share(human, models)
        if flagged is not None:
            record(step, "watermark", "watermark", "text_human_flagged", flagged)
    model.policies.record(step, record)  # levers whose agents decide write their own metrics
    record_observations(model, record)
