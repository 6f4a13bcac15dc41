"""The scenario schema: bad files fail with one clear line, ``extends:`` overrides field by field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from ecosystem.config import Scenario, ScenarioError, validate_scenario
from ecosystem.learning.data_policy import DataPolicy
from ecosystem.scenario_files import load_scenario, merge, set_by_path

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))

VENDORS = """
vendors:
  - name: Alpha
    entry: 2020-01
    components: 5
  - name: Beta
    entry: 2021-03
"""


def error_of(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "\n" not in message, "the message must be one line"
    assert message.startswith(f"{path}: "), "the message must name the file first"
    return message


# ----------------------------------------------------------------------------------------------
# Bad input: one line naming the file, the field path and what was expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("reality:\n  dims: 3\n", ["reality.dims", "unknown field"]),
        ("humans:\n  writers: many\n", ["humans.writers", "valid integer", "'many'"]),
        ("humans:\n  writers: 2.5\n", ["humans.writers", "integer", "2.5"]),
        ("start: 2018-13\n", ["start", "YYYY-MM", "'2018-13'"]),
        ("end: soon\n", ["end", "YYYY-MM", "'soon'"]),
        ("humans:\n  writers: -3\n", ["humans.writers", "greater than or equal to 1", "-3"]),
        ("seed: -1\n", ["seed", "greater than or equal to 0", "-1"]),
        ("farms:\n  fixed_cost: -5\n", ["farms.fixed_cost", "greater than or equal to 0"]),
        (
            "humans:\n  assistant:\n    innovation: 1.5\n",
            ["humans.assistant.innovation", "less than or equal to 1"],
        ),
        ("humans: 3\n", ["humans", "dictionary", "3"]),
        (VENDORS + "    covariance: round\n", ["vendors.1.covariance", "'full'", "'tied'", "'round'"]),
        (VENDORS + "    data_policy: hoard\n", ["vendors.1.data_policy", "'replace'", "'hoard'"]),
        (
            VENDORS + "    crawler:\n      budget_per_month: 0\n",
            ["vendors.1.crawler.budget_per_month", "greater than 0"],
        ),
        ("vendors:\n  - name: A\n", ["vendors.0.entry", "required field missing"]),
        ("vendors:\n  - name: 1x\n    entry: 2020-01\n", ["vendors.0.name", "pattern", "'1x'"]),
        ("start: 2020-05\nend: 2019-01\n", ["end (2019-01) is before start (2020-05)"]),
        (
            "farms:\n  evasion: {paraphrase_share: 0.7, translate_share: 0.5}\n",
            ["farms.evasion", "paraphrase_share + translate_share must be at most 1", "0.7 + 0.5"],
        ),
        (
            "vendors:\n  - {name: A, entry: 2020-01}\n  - {name: A, entry: 2021-01}\n",
            ["vendor names must be unique", "'A'"],
        ),
        ("reality:\n  topic_width: [2, 1]\n", ["reality.topic_width", "low <= high"]),
    ],
)
def test_bad_field_gives_one_line_naming_file_path_and_expectation(write_yaml, text, expected):
    message = error_of(write_yaml(text))
    for part in expected:
        assert part in message


def test_several_errors_are_all_reported_on_one_line(write_yaml):
    message = error_of(write_yaml("seed: -1\nhumans:\n  writers: many\nreality:\n  dims: 2\n"))
    assert "seed" in message and "humans.writers" in message and "reality.dims" in message


def test_unreadable_yaml_names_the_line(write_yaml):
    message = error_of(write_yaml("name: x\nreality:\n  dim: [1, 2\n  topics: 3\n"))
    assert "unreadable YAML" in message
    assert "line 4" in message


def test_tab_indentation_is_unreadable_yaml_with_line(write_yaml):
    message = error_of(write_yaml("name: x\nreality:\n\tdim: 3\n"))
    assert "unreadable YAML at line 3" in message


def test_top_level_must_be_a_mapping(write_yaml):
    message = error_of(write_yaml("- a\n- b\n"))
    assert "mapping" in message and "list" in message


def test_missing_file(tmp_path):
    message = error_of(tmp_path / "absent.yaml")
    assert "file not found" in message


def test_missing_extends_file_is_named(write_yaml):
    message = error_of(write_yaml("extends: nope.yaml\nname: x\n"))
    assert "extends" in message and "nope.yaml" in message and "not found" in message


def test_extends_must_be_a_file_name(write_yaml):
    message = error_of(write_yaml("extends: 3\n"))
    assert "extends" in message and "file name" in message


def test_extends_cycle_is_reported(write_yaml):
    first = write_yaml("extends: b.yaml\nname: a\n", "a.yaml")
    write_yaml("extends: a.yaml\nname: b\n", "b.yaml")
    message = error_of(first)
    assert "cycle" in message


def test_self_extension_is_a_cycle(write_yaml):
    assert "cycle" in error_of(write_yaml("extends: self.yaml\n", "self.yaml"))


def test_error_in_parent_is_reported_for_the_child(write_yaml):
    write_yaml("humans:\n  writers: -1\n", "parent.yaml")
    message = error_of(write_yaml("extends: parent.yaml\nname: child\n", "child.yaml"))
    assert "humans.writers" in message


def test_empty_file_is_the_default_scenario(write_yaml):
    scenario = load_scenario(write_yaml(""))
    assert scenario == Scenario()


# ----------------------------------------------------------------------------------------------
# extends: field-by-field overrides


def test_extends_overrides_field_by_field(write_yaml):
    write_yaml(
        "name: parent\nseed: 3\nhumans:\n  writers: 50\n"
        "  assistant:\n    innovation: 0.02\n    imitation: 0.4\n" + VENDORS,
        "parent.yaml",
    )
    child = write_yaml(
        "extends: parent.yaml\nname: child\nhumans:\n  assistant:\n    imitation: 0.1\n"
        "vendors:\n  - name: Beta\n    components: 7\n  - name: Gamma\n    entry: 2022-01\n",
        "child.yaml",
    )
    scenario = load_scenario(child)
    assert scenario.name == "child"
    assert scenario.seed == 3  # inherited
    assert scenario.humans.writers == 50  # sibling of an overridden nested section survives
    assert scenario.humans.assistant.innovation == 0.02
    assert scenario.humans.assistant.imitation == 0.1
    assert [v.name for v in scenario.vendors] == ["Alpha", "Beta", "Gamma"]  # merged by name, new appended
    alpha, beta, gamma = scenario.vendors
    assert alpha.components == 5
    assert beta.components == 7 and beta.entry == dt.date(2021, 3, 1)  # entry kept from the parent
    assert gamma.entry == dt.date(2022, 1, 1)


def test_extends_resolves_relative_to_the_child_and_chains(tmp_path):
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "root.yaml").write_text("seed: 11\nhumans:\n  writers: 12\n")
    (tmp_path / "base" / "middle.yaml").write_text("extends: root.yaml\nhumans:\n  docs_per_month: 2\n")
    (tmp_path / "leaf.yaml").write_text("extends: base/middle.yaml\nname: leaf\n")
    scenario = load_scenario(tmp_path / "leaf.yaml")
    assert (scenario.name, scenario.seed, scenario.humans.writers, scenario.humans.docs_per_month) == (
        "leaf",
        11,
        12,
        2.0,
    )


def test_merge_replaces_scalars_and_unnamed_lists():
    assert merge({"a": [1, 2], "b": {"c": 1}}, {"a": [3]}) == {"a": [3], "b": {"c": 1}}
    assert merge({"x": 1}, {"x": None}) == {"x": None}


# ----------------------------------------------------------------------------------------------
# Dotted overrides


def test_set_by_path_on_sections_and_named_list_items():
    raw = yaml.safe_load(VENDORS)
    set_by_path(raw, "humans.assistant.start", "2023-01")
    set_by_path(raw, "vendors.Beta.crawler.budget_per_month", 77)
    set_by_path(raw, "vendors.0.components", 9)
    scenario = validate_scenario(raw)
    assert scenario.humans.assistant.start == dt.date(2023, 1, 1)
    assert scenario.vendors[1].crawler.budget_per_month == 77
    assert scenario.vendors[0].components == 9


@pytest.mark.parametrize(
    ("dotted", "expected"),
    [
        ("vendors.Nobody.components", "no list item named 'Nobody'"),
        ("vendors.Alpha", "cannot replace a whole list item"),
        ("vendors.Alpha.name.first", "name is a value, not a section"),
    ],
)
def test_set_by_path_bad_paths(dotted, expected):
    raw = yaml.safe_load(VENDORS)
    with pytest.raises(ScenarioError, match=expected) as info:
        set_by_path(raw, dotted, 1)
    assert dotted in str(info.value)


def test_load_with_overrides_validates_them(write_yaml):
    path = write_yaml(VENDORS)
    scenario = load_scenario(path, overrides={"seed": 5, "vendors.Alpha.temperature": 0.5})
    assert scenario.seed == 5 and scenario.vendors[0].temperature == 0.5
    with pytest.raises(ScenarioError, match=r"vendors\.0\.temperature"):
        load_scenario(path, overrides={"vendors.Alpha.temperature": 7})


# ----------------------------------------------------------------------------------------------
# Dates and round trips


def test_months_and_dates():
    scenario = validate_scenario({"start": "2020-11", "end": "2022-02-15"})
    assert scenario.end == dt.date(2022, 2, 1)
    assert scenario.months == 16
    assert scenario.date_of(0) == dt.date(2020, 11, 1)
    assert scenario.date_of(2) == dt.date(2021, 1, 1)
    assert scenario.date_of(scenario.months - 1) == scenario.end
    assert scenario.month_index(dt.date(2021, 1, 1)) == 2
    assert scenario.month_index(dt.date(2020, 1, 1)) == -10


def test_single_month_scenario_is_valid():
    assert validate_scenario({"start": "2020-03", "end": "2020-03"}).months == 1


def test_to_yaml_round_trips(tiny, tmp_path):
    path = tmp_path / "resolved.yaml"
    path.write_text(tiny.to_yaml())
    again = load_scenario(path)
    assert again == tiny
    assert again.vendors[1].data_policy is DataPolicy.ACCUMULATE
    assert "start: 2020-01" in tiny.to_yaml()  # months are written as YYYY-MM


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_shipped_scenarios_validate_and_round_trip(path, tmp_path):
    scenario = load_scenario(path)
    assert scenario.months >= 1
    copy = tmp_path / "copy.yaml"
    copy.write_text(scenario.to_yaml())
    assert load_scenario(copy) == scenario


def test_scenarios_folder_is_not_empty():
    assert any(p.name == "baseline.yaml" for p in SCENARIOS)


def test_a_file_that_is_not_text_cannot_be_read(tmp_path):
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"name: \xff\xfe\x00bad\n")
    assert "cannot read file" in error_of(path)
