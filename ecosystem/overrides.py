"""Variants without writing files: ``--set PATH=VALUE`` and ``--end YYYY-MM`` on the command line.

Each ``--set`` value is read as YAML (``0.5`` is a number, ``[a, b]`` a list, ``{kind: x}`` a mapping,
``2030-12`` a month) and applied to the resolved scenario with ``config.set_by_path`` before it is
validated, so a bad value is refused exactly as the same value in a file would be. ``PATH+=VALUE``
appends to a list. ``--end`` is ``--set end=YYYY-MM``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from ecosystem.config import ScenarioError
from ecosystem.io import clip, shorten
from ecosystem.scenario_files import yaml_value_problem


def parse_sets(texts: Sequence[str] | None, *, end: str | None = None) -> dict[str, Any]:
    """``["humans.writers=200", "policies+={kind: ...}"]`` (and ``end``) to ordered dotted-path overrides;
    a later ``--set`` of the same path wins."""
    overrides: dict[str, Any] = {}
    for text in texts or []:
        path, sep, raw = text.partition("=")
        path = path.strip()
        if not sep or not path or path == "+":
            raise ScenarioError(f"--set {shorten(text)}: expected PATH=VALUE, e.g. humans.writers=200 or "
                                f"vendors.Pioneer.temperature=0.8")
        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError as err:
            problem = getattr(err, "problem", None) or "not valid YAML"
            raise ScenarioError(f"--set {shorten(text)}: the value is not valid YAML: {problem}") from None
        except RecursionError:
            raise ScenarioError(f"--set {shorten(text)}: the value is nested too deeply") from None
        except (ValueError, TypeError, OverflowError) as err:  # a value PyYAML could not build, e.g. 2020-02-30
            raise ScenarioError(f"--set {shorten(text)}: {clip(path, 120)}: {yaml_value_problem(err)}; give a "
                                "valid value") from None
        overrides.pop(path, None)
        overrides[path] = value
    if end is not None:
        overrides.pop("end", None)
        overrides["end"] = end.strip()
    return overrides
