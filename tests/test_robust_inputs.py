"""Bad, huge and hostile scenario files are refused in one line naming the file, the field and the limit,
before anything runs."""

from __future__ import annotations

import pytest

from ecosystem.config import ScenarioError
from ecosystem.scenario_files import load_scenario, set_by_path
from tests.conftest import TINY

REFUSED = {
    "writers": ("humans: {writers: 1000000000000000000000000000000}",
                "humans.writers: Input should be less than or equal to 100000 (got 1000000000000000000000000000000)"),
    "test_per_topic": ("reality: {test_per_topic: 100000000000}",
                       "reality.test_per_topic: Input should be less than or equal to 10000"),
    "scoring_set": ("reality: {topics: 500, dim: 64, test_per_topic: 10000}",
                    "reality: 500 topics x test_per_topic 10000 x dim 64 = 320,000,000 held-out values; at most "
                    "50,000,000 fit in memory (lower test_per_topic)"),
    "vendors": ("vendors: [" + ", ".join(f"{{name: V{i}, entry: 2020-09}}" for i in range(60)) + "]",
                "vendors: List should have at most 50 items after validation, not 62"),
    "writer_growth": ("end: 2035-12\nhumans: {writers: 1000, growth_per_year: 5}",
                      "humans: 1000 writers growing 5 a year reach about 2,821,109,907,456,000 by 2035-12; at most "
                      "1,000,000 fit"),
    "model_samples": ("metrics: {model_samples: 2000000000}",
                      "metrics.model_samples: Input should be less than or equal to 1000000"),
    "publish_per_month": ("vendors: [{name: Early, entry: 2020-09, publish_per_month: 50000000000}]",
                          "vendors.0.publish_per_month: Input should be less than or equal to 1000000"),
    "new_topics_huge": ("reality: {drift: {new_topics_per_year: 1000000000}}",
                        "reality.drift.new_topics_per_year: Input should be less than or equal to 120"),
    "new_topics_inf": ("reality: {drift: {new_topics_per_year: .inf}}",
                       "reality.drift.new_topics_per_year: Input should be a finite number (got inf)"),
    "nan_bounded_below": ("farms: {fixed_cost: .nan}", "farms.fixed_cost: Input should be a finite number (got nan)"),
    "inf_bounded_below": ("market: {users: .inf}", "market.users: Input should be a finite number (got inf)"),
    "boolean_int": ("humans: {writers: true}", "humans.writers: Input should be a valid integer (got true)"),
    "boolean_float": ("humans: {docs_per_month: false}",
                      "humans.docs_per_month: Input should be a valid number (got false)"),
    "century": ("start: 1900-01\nend: 2200-12", "start 1900-01 to end 2200-12 is 3612 months; at most 1200"),
    "seed": ("seed: 99999999999999999999", "seed: Input should be less than or equal to 9223372036854775807"),
    "licensed_documents": ("policies: [{kind: human_data_license, start: 2021-01, budget_per_month: 1e9, "
                           "price_per_doc: 0.001}]".replace("1e9", "1.0e+9"),
                           "budget_per_month / price_per_doc buys 1e+12 documents a month; at most 1e6"),
}


@pytest.mark.parametrize("case", list(REFUSED), ids=list(REFUSED))
def test_values_past_a_limit_are_refused_with_the_limit_named(write_yaml, case):
    body, expected = REFUSED[case]
    path = write_yaml(f"extends: {TINY}\n{body}\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and expected in message
    assert "\n" not in message


def test_a_key_given_twice_is_refused_with_both_lines(write_yaml):
    path = write_yaml("name: twice\nhumans:\n  writers: 30\n  writers: 50\n")
    with pytest.raises(ScenarioError, match=r"at line 4, column 3: key 'writers' given twice \(lines 3 and 4\)"):
        load_scenario(path)


def test_a_huge_value_is_never_echoed_whole(write_yaml):
    path = write_yaml("humans: {writers: '" + "9" * 1_000_000 + "'}\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert len(str(err.value)) < 400
    assert "(1,000,002 characters)" in str(err.value)


def test_an_oversized_file_is_refused_before_it_is_parsed(write_yaml):
    path = write_yaml("description: '" + "x" * 3_000_000 + "'\n")
    with pytest.raises(ScenarioError, match=r"file is 3\.0 MB; scenario and sweep files are limited to 2 MB$"):
        load_scenario(path)


def test_an_alias_bomb_is_refused_even_through_extends(write_yaml):
    layers = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    layers += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]" for i in range(8)]
    bomb = write_yaml("\n".join(layers) + "\ndescription: *i\n", name="bomb.yaml")
    child = write_yaml("extends: bomb.yaml\nname: child\n", name="child.yaml")
    with pytest.raises(ScenarioError) as err:
        load_scenario(child)
    assert str(err.value) == (f"{bomb}: more than 100,000 values once its aliases (*name) are expanded; "
                              "write the values out instead")


def test_a_small_alias_is_still_allowed(write_yaml):
    path = write_yaml(f"extends: {TINY}\nname: &n aliased\ndescription: *n\n")
    assert load_scenario(path).description == "aliased"


def test_extends_deeper_than_twenty_levels_is_refused(tmp_path):
    for i in range(30):
        text = f"extends: level{i + 1}.yaml\n" if i < 29 else "name: bottom\n"
        (tmp_path / f"level{i}.yaml").write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(tmp_path / "level0.yaml")
    assert str(err.value) == (f"{tmp_path / 'level0.yaml'}: extends: more than 20 levels of parent files "
                              f"(stopped at {tmp_path / 'level20.yaml'}); flatten the chain")


def test_nesting_too_deep_for_the_parser_is_one_line(write_yaml):
    path = write_yaml("a: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ScenarioError, match=r": unreadable YAML: nested too deeply$"):
        load_scenario(path)


@pytest.mark.parametrize(("dotted", "expected"), [
    ("humans..writers", "humans..writers: expected a dotted field path such as humans.writers"),
    ("", "'': expected a dotted field path such as humans.writers"),
    ("vendors.Nobody.components", "vendors.Nobody.components: no list item named 'Nobody'"),
])
def test_bad_override_paths_are_named(dotted, expected):
    raw = {"humans": {"writers": 3}, "vendors": [{"name": "Early"}]}
    with pytest.raises(ScenarioError) as err:
        set_by_path(raw, dotted, 1)
    assert str(err.value) == expected


def test_a_date_that_does_not_exist_is_one_line(write_yaml):
    path = write_yaml(f"extends: {TINY}\nstart: 2020-02-30\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == f"{path}: unreadable YAML: day is out of range for month"


def test_two_list_items_with_one_name_are_refused_not_merged(write_yaml):
    path = write_yaml(f"extends: {TINY}\nvendors: [{{name: A, entry: 2020-01}}, {{name: A, entry: 2020-02}}]\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == (f"{path}: the name 'A' appears twice in one list; each item of a list merged with "
                              "its parent's needs its own name")
