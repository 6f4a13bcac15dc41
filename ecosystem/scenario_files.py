"""Scenario files: YAML read safely, ``extends:`` resolved, ``--set`` paths applied, then validated.

``load_scenario`` reads a YAML file, resolves ``extends:`` (a parent file whose fields are overridden one
by one), applies dotted-path overrides, validates against the schema (``ecosystem.config``), and checks
the files a text reality needs; any problem raises ``ScenarioError`` with one line naming the file, the
field path and what was expected.

How a child overrides its parent under ``extends:`` (``merge``):

- a mapping merges field by field, recursively;
- a list of named items (``vendors``, ``detectors``: each item has ``name:``) merges item by item by
  name: a child item with a parent's name changes only the fields it sets, a new name is appended;
- any other list (``policies``, ``topic_width``...) and any plain value is replaced whole;
- ``KEY+:`` appends its list to the parent's list instead of replacing it, e.g. ``policies+: [...]``
  adds a policy to those the parent already has.

``--set PATH=VALUE`` on the command line follows the same paths (``set_by_path``): list items by name
or index (``vendors.Pioneer.components=12``), and ``PATH+=VALUE`` appends to a list
(``policies+={kind: watermark_mandate, start: 2025-01}``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ecosystem.config import Scenario, ScenarioError, shown_value, validate_scenario
from ecosystem.io import clip, file_problem

MAX_YAML_BYTES = 2_000_000  # a scenario or sweep file; real ones are a few kilobytes
MAX_YAML_NODES = 100_000  # values in a file once its aliases are expanded (an alias "bomb" has billions)
MAX_EXTENDS = 20  # levels of extends: a scenario may stack


def load_scenario(path: str | Path, *, overrides: dict[str, Any] | None = None) -> Scenario:
    """Read, resolve ``extends:``, apply dotted-path ``overrides``, validate."""
    path = Path(path)
    raw = _read_with_parents(path, chain=())
    for dotted, value in (overrides or {}).items():
        set_by_path(raw, dotted, value)
    scenario = validate_scenario(raw, source=str(path))
    check_text_inputs(scenario, source=str(path))
    return scenario


def check_text_inputs(scenario: Scenario, *, source: str) -> None:
    """The corpus, model and cache a text reality will read, checked once when a file is loaded (not by
    validation: a --set or a dashboard lever re-validates without reading the corpus again)."""
    if scenario.reality.kind != "text":
        return
    from ecosystem.content.text_reality import check_text_config

    try:
        check_text_config(scenario.reality)
    except ValueError as err:
        raise ScenarioError(f"{source}: reality: {err}") from None


def _read_with_parents(path: Path, *, chain: tuple[Path, ...]) -> dict[str, Any]:
    """The file merged over its ``extends:`` parents (a loop, or more than ``MAX_EXTENDS`` levels, is
    refused). The merged mapping is checked for size again: aliases may pass from parent to child."""
    resolved = path.resolve()
    if resolved in chain:
        raise ScenarioError(f"{path}: extends forms a cycle through {resolved.name}")
    if len(chain) >= MAX_EXTENDS:
        raise ScenarioError(f"{chain[0]}: extends: more than {MAX_EXTENDS} levels of parent files "
                            f"(stopped at {path}); flatten the chain")
    raw = read_yaml_mapping(path)
    parent = raw.pop("extends", None)
    if parent is None:
        try:
            return merge({}, raw)
        except ScenarioError as err:
            raise ScenarioError(f"{path}: {err}") from None
    if not isinstance(parent, str):
        raise ScenarioError(f"{path}: extends: expected a file name, got {shown_value(parent)}")
    parent_path = path.parent / parent
    problem = file_problem(parent_path)
    if problem:
        raise ScenarioError(f"{path}: extends: {clip(str(parent_path))}: {problem}")
    parent_raw = _read_with_parents(parent_path, chain=(*chain, resolved))
    try:
        return merge(parent_raw, raw)
    except ScenarioError as err:
        raise ScenarioError(f"{path}: {err}") from None


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping (PyYAML keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.setdefault(key, key_node.start_mark.line + 1)
            except TypeError:  # an unhashable key: let PyYAML report it
                break
            if first != key_node.start_mark.line + 1:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {shown_value(key)} given twice (lines {first} and "
                    f"{key_node.start_mark.line + 1})", key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


def read_yaml_mapping(path: Path, *, error: type[ScenarioError] = ScenarioError) -> dict[str, Any]:
    """A YAML file whose top level is a mapping; any other outcome raises ``error`` with one line.

    Refused as well: a file over ``MAX_YAML_BYTES``, a key given twice, and a file whose aliases
    expand past ``MAX_YAML_NODES`` values (an "alias bomb" that would exhaust memory later)."""
    problem = file_problem(path)
    if problem:
        raise error(f"{clip(str(path))}: {problem}")
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise error(f"{path}: file is {size / 1e6:.1f} MB; scenario and sweep files are limited to "
                        f"{MAX_YAML_BYTES / 1e6:.0f} MB")
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or "not valid YAML"
        raise error(f"{path}: unreadable YAML{where}: {problem}") from None
    except RecursionError:
        raise error(f"{path}: unreadable YAML: nested too deeply") from None
    except (OSError, UnicodeDecodeError) as err:
        raise error(f"{path}: cannot read file: {err}") from None
    except (ValueError, TypeError, OverflowError) as err:  # a value PyYAML could not build, e.g. 2020-02-30
        raise error(f"{path}: unreadable YAML: {yaml_value_problem(err)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise error(f"{path}: expected a mapping of fields at the top level, got {type(data).__name__}")
    if _expanded_size(data, limit=MAX_YAML_NODES) > MAX_YAML_NODES:
        raise error(f"{path}: more than {MAX_YAML_NODES:,} values once its aliases (*name) are expanded; "
                    "write the values out instead")
    return data


def yaml_value_problem(err: Exception) -> str:
    """Why PyYAML could not build a value (a date such as 2020-02-30, an integer of thousands of digits),
    without Python's advice to raise its own limit."""
    return clip(str(err).split("; use sys.set_int_max_str_digits")[0])


def _expanded_size(data: Any, *, limit: int) -> int:
    """Values in ``data`` counting a shared (aliased) object at each place it appears; stops past
    ``limit``, so a billion-value alias bomb is measured in a few microseconds."""
    count, stack = 0, [data]
    while stack and count <= limit:
        node = stack.pop()
        count += 1
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count


def merge(base: Any, override: Any) -> Any:
    """Field-by-field override. Mappings merge recursively; lists of named mappings merge by
    ``name`` (new names are appended); ``KEY+`` appends to the list ``KEY``; anything else is replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        both = sorted(k[:-1] for k in override if isinstance(k, str) and k.endswith("+") and k[:-1] in override)
        if both:
            raise ScenarioError(f"{both[0]} and {both[0]}+ both given: {both[0]}+ appends to the parent's list, "
                                f"{both[0]} replaces it; keep one")
        for key, value in override.items():
            if isinstance(key, str) and key.endswith("+"):
                merged[key[:-1]] = _appended(merged.get(key[:-1]), value, key)
            else:
                merged[key] = merge(base[key], value) if key in base else merge({}, value) if isinstance(
                    value, dict) else value
        return merged
    if _named_list(base) and _named_list(override):
        names = [item["name"] for item in override]
        twice = sorted({shown_value(n) for n in names if names.count(n) > 1})
        if twice:
            raise ScenarioError(f"the name {', '.join(twice)} appears twice in one list; each item of a list "
                                "merged with its parent's needs its own name")
        by_name = {item["name"]: item for item in base}
        for item in override:
            by_name[item["name"]] = merge(by_name.get(item["name"], {}), item)
        return list(by_name.values())
    return override


def _appended(base: Any, items: Any, key: str) -> list[Any]:
    """The parent's list with ``items`` (a list, or one item) added at the end."""
    if base is not None and not isinstance(base, list):
        raise ScenarioError(f"{key}: appends to a list, but {key[:-1]} is {type(base).__name__}")
    return [*(base or []), *(items if isinstance(items, list) else [items])]


def _named_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in value) \
        and bool(value)


def set_by_path(raw: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``a.b.c`` (or ``vendors.Pioneer.components``: list items addressed by name or index);
    ``a.b+`` appends ``value`` (a list, or one item) to the list ``a.b``."""
    where = clip(dotted, 120) if isinstance(dotted, str) and dotted else shown_value(dotted)
    if not isinstance(dotted, str) or not all(dotted.split(".")):
        raise ScenarioError(f"{where}: expected a dotted field path such as humans.writers")
    if _expanded_size(value, limit=MAX_YAML_NODES) > MAX_YAML_NODES:
        raise ScenarioError(f"{where}: value has more than {MAX_YAML_NODES:,} parts")
    keys = dotted.split(".")
    node: Any = raw
    for i, key in enumerate(keys):
        last = i == len(keys) - 1
        if isinstance(node, list):
            node = _list_item(node, key, dotted)
            if last:
                raise ScenarioError(f"{dotted}: cannot replace a whole list item; name one of its fields")
            continue
        if last and key.endswith("+"):
            node[key[:-1]] = _appended(node.get(key[:-1]), value, dotted)
        elif last:
            node[key] = value
        else:
            node = node.setdefault(key, {})
            if not isinstance(node, dict | list):
                raise ScenarioError(f"{dotted}: {key} is a value, not a section")


def _list_item(items: list[Any], key: str, dotted: str) -> Any:
    for item in items:
        if isinstance(item, dict) and item.get("name") == key:
            return item
    if key in [str(i) for i in range(len(items))]:  # never int() of a key: it may have thousands of digits
        return items[int(key)]
    raise ScenarioError(f"{clip(dotted, 120)}: no list item named {shown_value(key)}")
