"""Plain words a reader can quote: a scenario's name as a policy reader knows it, an outcome as a phrase
("the model's distance from human text (excess NLL), averaged over vendors, over 2021"), and the level of a
swept parameter at which an outcome has changed by a given percent."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from analysis.rounding import decimals_for, plain, setting
from ecosystem.experiments.catalogue import describe, split_name
from ecosystem.experiments.schema import Outcome

if TYPE_CHECKING:
    from ecosystem.experiments.one_way import Threshold

_ACROSS = {"mean": ", averaged over vendors", "weighted": ", averaged over vendors by market share",
           "worst": " of the worst vendor"}
_AGG = {"mean": "on average", "max": "at its highest", "min": "at its lowest", "last": "in the last month"}


# Each published series in a few words, with its study: the calibration check's rows in a brief.
SERIES = {
    "wildai": "AI share of crawl tokens (WildAI)",
    "wildai_ai_length": "AI document length (WildAI)",
    "wildai_human_length": "Human document length (WildAI)",
    "graphite": "AI-written articles (Graphite)",
    "ahrefs": "Pages with any AI text (Ahrefs)",
    "stackoverflow": "Questions asked (Stack Overflow)",
    "similarweb": "First mover's users (Similarweb)",
    "c2pa": "Signed content (C2PA)",
}


def title_of(scenario: dict[str, Any]) -> str:
    """The scenario's ``title``; its name (the file stem by convention) when it has none."""
    return str(scenario.get("title") or scenario.get("name") or "scenario")


def outcome_phrase(outcome: Outcome) -> str:
    """The outcome as a noun phrase with its window in words."""
    if outcome.label:
        return f"the {outcome.label}"
    info, parts = describe(outcome.metric), split_name(outcome.metric)
    what = f"the {info.label if info else outcome.metric}"
    if outcome.across is not None:
        what += _ACROSS[outcome.across]
    elif parts is not None and parts.entity is not None:
        what += f" of {parts.entity}"
    first, last = outcome.months
    if outcome.at is not None or first == last:
        return f"{what}, in {_month(first)}"
    if (first.month, last.month, first.year) == (1, 12, last.year):
        span = f"over {first.year}"
    else:
        span = f"from {_month(first)} to {_month(last)}"
    return f"{what}, {span}" + ("" if outcome.agg == "mean" else f" ({_AGG.get(outcome.agg or '', outcome.agg)})")


def _month(date: dt.date) -> str:
    return f"{date:%B %Y}"


def threshold_text(found: Threshold, parameter: str) -> str:
    """"falls by 10% at compliance = 0.62 (95% interval 0.41 to 0.87)": the level and its interval rounded
    together by the one rule (``analysis.rounding``), or "a 10% change is not reached in the range swept (...)"."""
    first, last = found.swept
    percent = f"{setting(found.percent)}%"
    if found.level is None:
        return f"a {percent} change is not reached in the range swept ({parameter} {setting(first)} to {setting(last)})"
    edges = [v for v in (found.low, last if found.high is None else found.high) if v is not None]
    places = (decimals_for(min(edges), max(edges), found.level) if len(edges) == 2
              else decimals_for(None, None, found.level))
    low = "?" if found.low is None else plain(found.low, places)
    high = f"beyond {setting(last)}" if found.high is None else plain(found.high, places)
    way = "rises" if found.rises else "falls"
    return f"{way} by {percent} at {parameter} = {plain(found.level, places)} (95% interval {low} to {high})"
