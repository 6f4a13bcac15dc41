"""Each policy lever is declared once (ecosystem/policies/<kind>.py); these tests fail when a lever lacks
what the brief, the docs and the examples read from that declaration, and when an example file is invalid.
``pytest tests/test_policy_levers_declared.py -v`` lists every lever's declaration."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecosystem.experiments.sweep import load_sweep
from ecosystem.policies import LEVERS
from ecosystem.scenario_files import load_scenario

ROOT = Path(__file__).resolve().parent.parent
KINDS = sorted(LEVERS)


def _declaration(kind: str) -> str:
    lever = LEVERS[kind]
    fields = ", ".join(name for name in lever.config.model_fields if name not in ("kind", "start", "end"))
    return f"{kind}: {lever.description} [{lever.source}] fields: {fields}"


@pytest.mark.parametrize("kind", KINDS)
def test_declaration(kind: str) -> None:
    """Prints the lever's declaration (run with -s to read it); kind, description and source are all set."""
    lever = LEVERS[kind]
    print(_declaration(kind))
    assert lever.kind == kind
    assert lever.description.strip() and "\n" not in lever.description
    assert lever.source.strip()


@pytest.mark.parametrize("kind", KINDS)
def test_lever_has_an_example_scenario(kind: str) -> None:
    uses = [path.name for path in sorted((ROOT / "scenarios/policies").glob("*.yaml"))
            if any(policy.kind == kind for policy in load_scenario(path).policies)]
    assert uses, f"no file in scenarios/policies/ uses {kind}"


@pytest.mark.parametrize("kind", KINDS)
def test_lever_has_docs_and_readme_rows(kind: str) -> None:
    docs = (ROOT / "docs/policies.md").read_text(encoding="utf-8")
    assert re.search(rf"^## .*\b{kind}\b", docs, re.MULTILINE), f"docs/policies.md has no section for {kind}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^\| `{kind}` \|", readme, re.MULTILINE), f"README's lever table has no row for {kind}"


def test_references_name_real_fields() -> None:
    """The fields a lever declares as naming vendors or detectors exist, so the scenario checks them."""
    for lever in LEVERS.values():
        assert set(lever.config.references) <= set(lever.config.model_fields), lever.kind
        assert set(lever.config.references.values()) <= {"vendor", "vendor's crawler", "detector"}, lever.kind


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios/policies").glob("*.yaml")), ids=lambda p: p.name)
def test_policy_scenarios_validate(path: Path) -> None:
    load_scenario(path)


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios/sweeps").glob("*.yaml")), ids=lambda p: p.name)
def test_sweeps_validate(path: Path) -> None:
    load_sweep(path)
