"""Variants without writing files (``--set``, ``--end``) and the visible rule for lists under ``extends:``."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from ecosystem.cli import app
from ecosystem.config import ScenarioError
from ecosystem.overrides import parse_sets
from ecosystem.scenario_files import load_scenario

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
runner = CliRunner()
MANDATE = {"kind": "watermark_mandate", "start": "2021-07", "compliance": 0.5}


def child(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "child.yaml"
    path.write_text(f"extends: {TINY}\n{text}")
    return path


def output(result) -> str:
    return result.output.replace("\n", " ")


def test_a_child_list_replaces_the_parents_and_key_plus_appends(tmp_path):
    parent = tmp_path / "parent.yaml"
    parent.write_text(f"extends: {TINY}\npolicies:\n  - {{kind: data_retention, start: 2021-01, months: 12}}\n")
    replaced = tmp_path / "replaced.yaml"
    replaced.write_text(f"extends: parent.yaml\npolicies:\n  - {yaml.safe_dump(MANDATE, default_flow_style=True)}")
    appended = tmp_path / "appended.yaml"
    appended.write_text(f"extends: parent.yaml\npolicies+:\n  - {yaml.safe_dump(MANDATE, default_flow_style=True)}")
    assert [p.kind for p in load_scenario(replaced).policies] == ["watermark_mandate"]
    assert [p.kind for p in load_scenario(appended).policies] == ["data_retention", "watermark_mandate"]


def test_named_lists_merge_by_name_and_plus_on_a_file_without_parent_works(tmp_path):
    changed = load_scenario(child(tmp_path, "vendors:\n  - {name: Late, components: 3}\n"))
    assert [(v.name, v.components) for v in changed.vendors] == [("Early", 6), ("Late", 3)]
    assert changed.vendors[1].data_policy.value == "accumulate"  # the parent's other fields kept
    alone = tmp_path / "alone.yaml"
    alone.write_text(f"name: alone\npolicies+:\n  - {yaml.safe_dump(MANDATE, default_flow_style=True)}")
    assert [p.kind for p in load_scenario(alone).policies] == ["watermark_mandate"]


def test_plus_on_a_value_that_is_not_a_list_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match=r"name\+: appends to a list, but name is str"):
        load_scenario(child(tmp_path, "name+: [x]\n"))


def test_set_values_are_yaml_and_a_later_set_wins():
    sets = parse_sets(["humans.writers=12", "vendors.Early.temperature=0.5", "humans.writers=20",
                       "policies+={kind: watermark_mandate, start: 2021-07}", "name=a=b"], end="2021-06")
    assert sets == {"vendors.Early.temperature": 0.5, "humans.writers": 20,
                    "policies+": {"kind": "watermark_mandate", "start": "2021-07"}, "name": "a=b", "end": "2021-06"}


@pytest.mark.parametrize(("text", "expected"), [
    ("humans.writers", "expected PATH=VALUE"),
    ("=3", "expected PATH=VALUE"),
    ("humans.writers=[1, 2", "the value is not valid YAML"),
])
def test_malformed_set_is_one_line(text, expected):
    with pytest.raises(ScenarioError) as caught:
        parse_sets([text])
    assert str(caught.value).startswith(f"--set {text!r}: {expected}") and "\n" not in str(caught.value)


def test_a_set_value_is_refused_exactly_as_the_same_value_in_a_file(tmp_path):
    from_file = runner.invoke(app, ["validate", str(child(tmp_path, "humans:\n  writers: -1\n"))])
    from_set = runner.invoke(app, ["run", str(TINY), "--set", "humans.writers=-1", "--out", str(tmp_path / "r")])
    assert from_file.exit_code == from_set.exit_code == 2
    reason = output(from_file).split("humans.writers: ", 1)[1].strip()
    assert f"humans.writers: {reason}" in output(from_set)
    assert "Traceback" not in from_set.output and not (tmp_path / "r").exists()
    unknown = runner.invoke(app, ["run", str(TINY), "--set", "vendors.Nobody.components=3"])
    assert unknown.exit_code == 2 and "no list item named 'Nobody'" in output(unknown)


def test_run_with_end_and_set_writes_the_variant_it_ran(tmp_path):
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", str(TINY), "--end", "2020-12", "--out", str(out), "--no-figures",
                                 "--set", "policies+={kind: watermark_mandate, start: 2020-06, compliance: 0.5}",
                                 "--set", "vendors.Early.components=4"])
    assert result.exit_code == 0, result.output
    ran = yaml.safe_load((out / "scenario.yaml").read_text())
    assert ran["end"] == "2020-12" and ran["vendors"][0]["components"] == 4
    assert [p["kind"] for p in ran["policies"]] == ["watermark_mandate"]
    assert pl.read_parquet(out / "metrics.parquet")["date"].max().isoformat() == "2020-12-01"


def test_a_run_stopped_with_end_is_the_start_of_the_full_run(tmp_path):
    for name, extra in (("short", ["--end", "2021-06"]), ("full", [])):
        result = runner.invoke(app, ["run", str(TINY), "--out", str(tmp_path / name), "--no-figures", *extra])
        assert result.exit_code == 0, result.output
    short = pl.read_parquet(tmp_path / "short" / "metrics.parquet")
    full = pl.read_parquet(tmp_path / "full" / "metrics.parquet").filter(pl.col("step") <= short["step"].max())
    assert short.height == full.height > 0
    assert short.sort("step", "kind", "entity", "metric").equals(full.sort("step", "kind", "entity", "metric"))


def test_sweep_takes_set_and_end_before_checking_its_outcomes(tmp_path):
    sweep = {"name": "s", "base": str(TINY), "design": {"kind": "grid"}, "seeds": 1,
             "parameters": [{"path": "humans.writers", "levels": [20, 40]}],
             "outcomes": [{"name": "share", "metric": "web.synthetic_share_new", "at": "2022-06"}]}
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(sweep))
    result = runner.invoke(app, ["sweep", str(path), "--end", "2021-12", "--dry-run"])
    assert result.exit_code == 2
    assert f"{path}: outcome share: 2022-06 is outside the scenario tiny (2020-01 to 2021-12)" in output(result)
    result = runner.invoke(app, ["sweep", str(path), "--set", "humans.writers=10", "--dry-run"])
    assert result.exit_code == 0, result.output
