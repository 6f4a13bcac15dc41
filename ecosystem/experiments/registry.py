"""The outcome registry: what an outcome means, which metrics a scenario can produce, and the check
that refuses an impossible outcome before any run starts.

One registry serves ``compare``, ``sweep``, the figures and the brief, so an outcome has the same
plain-language name, unit and direction everywhere. An outcome is a contract metric (a row of
``ecosystem.metric_table``), or every vendor's metric combined (``vendor.*.excess_nll`` with ``across``
mean, market-share weighted, or worst vendor), read at one month or averaged over a window, and compared
with the reference scenario in units and in percent (``compare.summarize``).

Command-line outcomes (``--outcome``) are written ``[ACROSS(]METRIC[)]@WHEN``:

- ``WHEN`` is ``YYYY-MM`` (that month), ``YYYY`` (the mean over that calendar year) or
  ``YYYY-MM..YYYY-MM`` (the mean over that window, both ends included);
- ``ACROSS`` is ``mean``, ``weighted`` or ``worst``, around a metric with ``*`` for the vendor.

Examples: ``web.synthetic_share_new@2030-12``, ``mean(vendor.*.excess_nll)@2030``,
``worst(vendor.*.tail_mass_ratio)@2029-01..2030-12``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from pydantic import ValidationError

from ecosystem.config import Scenario, describe_errors
from ecosystem.experiments.catalogue import MetricInfo, describe
from ecosystem.experiments.schema import Outcome, SweepError
from ecosystem.io import shorten
from ecosystem.metric_table import METRICS, entities, find, kind_of, metric_name, split_name

MAX_OUTCOME_TEXT = 200  # an outcome's text is its name in tables and figures; real ones are under 60
ACROSS_WORDS = {"mean": "mean over vendors", "weighted": "market-share-weighted mean over vendors",
                "worst": "worst vendor"}
_OUTCOME = re.compile(r"^(?:(?P<across>mean|weighted|worst)\((?P<inner>[^()]+)\)|(?P<metric>[^@()]+))"
                      r"@(?P<when>.+)$")


def parse_outcome(text: str) -> Outcome:
    """``--outcome`` text (see the module docstring) to an outcome named by the text itself."""
    example = "e.g. web.synthetic_share_new@2024-06 or mean(vendor.*.excess_nll)@2030"
    if len(text) > MAX_OUTCOME_TEXT:
        raise SweepError(f"--outcome {shorten(text)}: an outcome is at most {MAX_OUTCOME_TEXT} characters; {example}")
    match = _OUTCOME.match(text.strip())
    if not match:
        raise SweepError(f"--outcome {text!r}: expected METRIC@YYYY-MM, METRIC@YYYY or METRIC@YYYY-MM..YYYY-MM, "
                         f"{example}")
    metric = (match["inner"] or match["metric"]).strip()
    when = match["when"].strip()
    fields: dict = {"name": text.strip(), "metric": metric, "across": match["across"]}
    if ".." in when:
        first, _, last = when.partition("..")
        fields.update(start=first, end=last, agg="mean")
    elif re.fullmatch(r"\d{4}", when):
        fields.update(start=f"{when}-01", end=f"{when}-12", agg="mean")
    else:
        fields["at"] = when
    try:
        return Outcome(**fields)
    except ValidationError as err:
        raise SweepError(f"--outcome {text!r}: {describe_errors(err)}") from None


def info_of(outcome: Outcome) -> MetricInfo:
    """Label, unit and direction of an outcome: its own fields first, then the metric catalogue."""
    base = describe(outcome.metric) or MetricInfo(outcome.metric, "")
    return MetricInfo(outcome.label or describe_outcome(outcome, base), outcome.unit or base.unit,
                      outcome.worse or base.worse)


def describe_outcome(outcome: Outcome, base: MetricInfo | None = None) -> str:
    """Plain words: "mean over vendors: model's distance from human text (excess NLL), mean of
    2030-01 to 2030-12"."""
    base = base or describe(outcome.metric) or MetricInfo(outcome.metric, "")
    parts = split_name(outcome.metric)
    what = base.label
    if outcome.across is not None:
        what = f"{ACROSS_WORDS[outcome.across]}: {what}"
    elif parts is not None and parts.entity is not None:
        what = f"{parts.entity}: {what}"
    first, last = outcome.months
    if outcome.at is not None:
        return f"{what}, {first:%Y-%m}"
    return f"{what}, {outcome.agg} of {first:%Y-%m} to {last:%Y-%m}"


def produced_metrics(scenario: Scenario) -> set[str]:
    """Every dotted metric name a run of ``scenario`` can write (some only in some months), per-topic metrics
    aside: which topics exist depends on the run, so they are not outcomes."""
    names = set()
    for row in METRICS:
        if row.per_topic or (row.needs is not None and not row.needs.holds(scenario)):
            continue
        names.update(metric_name(row.kind, entity, row.name) for entity in entities(scenario, row.kind))
    return names


def check_outcomes(outcomes: Sequence[Outcome], scenario: Scenario, *, source: str) -> None:
    """Refuse, before anything runs, an outcome that ``scenario`` cannot produce: an unknown metric,
    an absent vendor or detector, months outside the run, a vendor not yet released by the window's
    end, or market-share weights in a scenario without a user market. One line names the outcome
    and ``source`` (the file)."""
    produced = produced_metrics(scenario)
    for outcome in outcomes:
        problem = _problem(outcome, scenario, produced)
        if problem:
            raise SweepError(f"{source}: outcome {outcome.name}: {problem}")


def _problem(outcome: Outcome, scenario: Scenario, produced: set[str]) -> str | None:
    first, last = scenario.start, scenario.date_of(scenario.months - 1)
    for month in outcome.months:
        if not first <= month <= last:
            return f"{month:%Y-%m} is outside the scenario {scenario.name} ({first:%Y-%m} to {last:%Y-%m})"
    parts = split_name(outcome.metric)
    row = None if parts is None else find(parts.kind, parts.metric)
    if row is None or row.per_topic:
        return _unknown_metric(outcome.metric, produced)
    if row.needs is not None and not row.needs.holds(scenario):
        return f"{parts.metric} needs {row.needs.words}, and scenario {scenario.name} has none"
    if outcome.across == "weighted" and scenario.market.users <= 0:
        return (f"weighted uses vendors' market shares, and scenario {scenario.name} has no user market "
                f"(market.users: 0); use mean or worst")
    if parts.entity == "*":
        if not entities(scenario, parts.kind):
            return f"scenario {scenario.name} has no {parts.kind}"
        if parts.kind == "vendor" and min(v.entry for v in scenario.vendors) > outcome.months[1]:
            return f"no vendor of scenario {scenario.name} is released by {outcome.months[1]:%Y-%m}"
        return None
    if parts.entity is not None:
        known = entities(scenario, parts.kind)
        if parts.entity not in known:
            what = kind_of(parts.kind).entity
            return (f"no {what} named {parts.entity!r} in scenario {scenario.name} "
                    f"({what}s: {', '.join(known) or 'none'})")
        if parts.kind == "vendor":
            entry = next(v.entry for v in scenario.vendors if v.name == parts.entity)
            if entry > outcome.months[1]:
                return (f"vendor {parts.entity} enters {entry:%Y-%m}, after the outcome's months "
                        f"({outcome.months[1]:%Y-%m}); choose a later month")
    if outcome.metric not in produced:
        return _unknown_metric(outcome.metric, produced)
    return None


def _unknown_metric(metric: str, produced: Iterable[str]) -> str:
    close = difflib.get_close_matches(metric, sorted(produced), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else "; see the metric names in docs/design.md"
    return f"unknown metric {metric}{hint}"
