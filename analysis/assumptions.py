"""What a scenario assumes beyond the reference, in words, with each policy lever's published source.

The brief's "what was assumed" section and the figures' policy-start markers both read scenarios as
plain dicts (the resolved ``scenarios/<name>.yaml`` a comparison writes), so they need no model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from analysis.rounding import setting
from ecosystem.policies import LEVERS as DECLARED

# Each lever's plain-words description and published source, as its module in ecosystem/policies/ declares them.
LEVERS: dict[str, tuple[str, str]] = {kind: (lever.description, lever.source) for kind, lever in DECLARED.items()}
SECTION_SOURCES = {
    "market": "Similarweb first-mover shares",
    "farms": "Krishna et al. 2023; Koike et al. 2024; He et al. 2024 (evasion)",
}
_SKIPPED = {"name", "title", "description", "seed"}
# Whose setting a scenario section holds, in words ("farms.fixed_cost" -> "content farms' fixed cost").
_OWNERS = {"farms": "content farms'", "humans": "the human population's", "web": "the web's",
           "market": "the user market's", "watermark": "watermarks'", "reality": "reality's", "metrics": "the metrics'",
           "public_crawl": "the public crawl's", "vendors": "vendor", "detectors": "detector"}


@dataclass(frozen=True)
class Difference:
    text: str  # one sentence in plain words
    source: str  # the published source of the lever or setting, or "" where none applies


def differences(reference: dict[str, Any], other: dict[str, Any]) -> list[Difference]:
    """Every way ``other`` differs from ``reference``: policies added, dropped or changed (a policy kind
    that appears once in each is the same policy, changed), then changed fields."""
    found = []
    for old, new in _paired_policies(reference.get("policies", []), other.get("policies", [])):
        source = LEVERS.get((new or old).get("kind"), ("", ""))[1]
        if old is None:
            found.append(Difference(f"adds {describe_policy(new)}", source))
        elif new is None:
            found.append(Difference(f"drops {describe_policy(old)}", source))
        elif old != new:
            changes = ", ".join(f"{key.replace('_', ' ')} {_show(old.get(key))} -> {_show(new.get(key))}"
                                for key in dict.fromkeys([*old, *new]) if old.get(key) != new.get(key))
            found.append(Difference(f"changes the {str(new['kind']).replace('_', ' ')} ({changes}): "
                                    f"{describe_policy(new)}", source))
    for path, old, new in _changed(reference, other, ""):
        if path.split(".")[0] in _SKIPPED or path.startswith("policies"):
            continue
        source = SECTION_SOURCES.get(path.split(".")[0], "")
        found.append(Difference(f"sets {path_words(path)} to {_show(new)} (reference: {_show(old)})", source))
    return found


def _paired_policies(old: list[dict], new: list[dict]) -> list[tuple[dict | None, dict | None]]:
    """(reference policy, other policy) pairs: equal policies pair up, then a kind found once on each side."""
    old_left = [p for p in old if p not in new]
    new_left = [p for p in new if p not in old]
    pairs: list[tuple[dict | None, dict | None]] = [(p, p) for p in old if p in new]
    for policy in list(new_left):
        kind = policy.get("kind")
        same = [p for p in old_left if p.get("kind") == kind]
        if len(same) == 1 and sum(p.get("kind") == kind for p in new_left) == 1:
            pairs.append((same[0], policy))
            old_left.remove(same[0])
            new_left.remove(policy)
    return pairs + [(p, None) for p in old_left] + [(None, p) for p in new_left]


def describe_policy(policy: dict[str, Any]) -> str:
    """"a watermark mandate from 2024-01 (compliance 0.5, basis vendors, ...): vendors mark ..."."""
    kind = policy.get("kind", "policy")
    settings = ", ".join(f"{k.replace('_', ' ')} {_show(v)}" for k, v in policy.items()
                         if k not in ("kind", "start", "end") and v is not None)
    when = f"from {policy.get('start')}" + (f" to {policy['end']}" if policy.get("end") else "")
    what = LEVERS.get(kind, ("", ""))[0]
    return f"a {kind.replace('_', ' ')} {when}" + (f" ({settings})" if settings else "") + (f": {what}" if what
                                                                                            else "")


def policy_starts(reference: dict[str, Any], other: dict[str, Any]) -> list[tuple[dt.date, str]]:
    """The start month and kind of each policy ``other`` adds or changes against the reference."""
    starts = []
    for old, new in _paired_policies(reference.get("policies", []), other.get("policies", [])):
        if new is not None and old != new and new.get("start"):
            year, month = (int(x) for x in str(new["start"]).split("-")[:2])
            starts.append((dt.date(year, month, 1), str(new.get("kind", "policy")).replace("_", " ")))
    return starts


def _changed(a: Any, b: Any, path: str):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in dict.fromkeys([*a, *b]):
            yield from _changed(a.get(key), b.get(key), f"{path}.{key}" if path else str(key))
    elif _named(a) and _named(b):
        old = {item["name"]: item for item in a}
        new = {item["name"]: item for item in b}
        for name in dict.fromkeys([*old, *new]):
            yield from _changed(old.get(name), new.get(name), f"{path}.{name}")
    elif a != b:
        yield path, a, b


def _named(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) and "name" in i for i in value)


def path_words(path: str) -> str:
    """A scenario path in words: "farms.fixed_cost" -> "content farms' fixed cost", "vendors.Early.temperature"
    -> "vendor Early's temperature"; a top-level field is its name in words."""
    parts = path.split(".")
    if len(parts) == 1:
        return f"the {parts[0].replace('_', ' ')}"
    if parts[0] in ("vendors", "detectors") and len(parts) > 2:
        return f"{_OWNERS[parts[0]]} {parts[1]}'s {' '.join(p.replace('_', ' ') for p in parts[2:])}"
    owner = _OWNERS.get(parts[0], f"{parts[0].replace('_', ' ')}:")
    return f"{owner} {' '.join(p.replace('_', ' ') for p in parts[1:])}"


def _show(value: Any) -> str:
    """A setting's value as a reader writes it: 200 not 200.0, yes/no, a mapping as "key value" pairs."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return setting(value)
    if isinstance(value, dict):
        return ", ".join(f"{str(k).replace('_', ' ')} {_show(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " and ".join(_show(v) for v in value) or "none"
    return str(value)
