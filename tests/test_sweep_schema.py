"""Sweep files: the schema, and one clear line for each kind of mistake, before anything runs."""

from pathlib import Path

import pytest
import yaml

from ecosystem.experiments.schema import SweepError, parse_outcome, read_sweep_file
from ecosystem.experiments.sweep import load_sweep

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent

GOOD = {
    "name": "t",
    "base": str(DATA / "experiment_small.yaml"),
    "parameters": [{"path": "farms.fixed_cost", "low": 10, "high": 100},
                   {"path": "vendors.*.temperature", "name": "temperature", "low": 0.7, "high": 1.0}],
    "design": {"kind": "sobol", "samples": 4},
    "outcomes": [{"name": "share", "metric": "web.synthetic_share_new", "at": "2022-06"}],
}


def write(tmp_path: Path, raw: dict) -> Path:
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def changed(**fields) -> dict:
    return {**GOOD, **fields}


def error_of(tmp_path: Path, raw: dict) -> str:
    with pytest.raises(SweepError) as info:
        load_sweep(write(tmp_path, raw))
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(tmp_path / "sweep.yaml"))
    return message


def test_a_good_sweep_file_loads_with_its_base_scenario(tmp_path):
    sweep = load_sweep(write(tmp_path, GOOD))
    assert sweep.base.name == "small"
    assert [p.label for p in sweep.file.parameters] == ["farms.fixed_cost", "temperature"]
    assert sweep.file.seeds == 1


def test_the_shipped_sobol_example_is_valid():
    sweep = load_sweep(REPO / "scenarios" / "sweeps" / "sobol_five.yaml")
    assert sweep.file.design.kind == "sobol" and len(sweep.file.parameters) == 5


def test_the_shipped_watermark_example_addresses_policies_by_position():
    sweep = load_sweep(REPO / "scenarios" / "sweeps" / "watermark_compliance.yaml")
    kinds = [p.kind for p in sweep.base.policies]
    assert kinds == ["watermark_mandate", "watermark_registry", "detector_filtering"]
    assert [p.path for p in sweep.file.parameters] == ["policies.0.compliance", "policies.2.target_fpr"]


@pytest.mark.parametrize(("raw", "expected"), [
    (changed(colour="red"), "colour: unknown field"),
    (changed(design={"kind": "sobol", "samples": 4, "sample": 3}), "design.sample: unknown field"),
    (changed(design={"kind": "factorial"}),
     "design.kind: Input should be 'grid', 'lhs', 'sobol' or 'morris'"),
    (changed(design={"kind": "sobol", "samples": 6}), "power of two (got 6); try 8"),
    (changed(seeds=0), "seeds: Input should be greater than or equal to 1"),
    ({k: v for k, v in GOOD.items() if k != "outcomes"}, "outcomes: required field missing"),
    (changed(parameters=[{"path": "farms.fixed_cost", "low": 100, "high": 10}, GOOD["parameters"][1]]),
     "parameters.0: low (100.0) must be below high (10.0)"),
    (changed(parameters=[{"path": "farms.fixed_cost", "low": 1, "high": 2, "levels": [1, 2]},
                         GOOD["parameters"][1]]), "parameters.0: give either low and high"),
    (changed(parameters=[{"path": "farms.fixed_cost", "levels": [1, 2]}, GOOD["parameters"][1]]),
     "design sobol draws from ranges; give low and high, not levels, for farms.fixed_cost"),
    (changed(outcomes=[{"name": "x", "metric": "web.docs"}]), "outcomes.0: give at (one month)"),
    (changed(outcomes=[{"name": "x", "metric": "web.docs", "start": "2021-01", "end": "2021-06",
                        "agg": "median"}]), "outcomes.0.agg: Input should be 'mean', 'max', 'min' or 'last'"),
    (changed(outcomes=[{"name": "x", "metric": "web.docs", "at": "2021-13"}]),
     "outcomes.0.at: expected a month as YYYY-MM (e.g. 2022-11), got '2021-13'"),
])
def test_schema_errors_name_the_field(tmp_path, raw, expected):
    assert expected in error_of(tmp_path, raw)


def test_a_parameter_path_the_scenario_does_not_have(tmp_path):
    raw = changed(parameters=[{"path": "farms.fixed_costs", "low": 1, "high": 2}, GOOD["parameters"][1]])
    message = error_of(tmp_path, raw)
    assert "parameters.0 (farms.fixed_costs=1.0)" in message and "farms.fixed_costs: unknown field" in message


def test_a_range_outside_what_the_scenario_allows(tmp_path):
    too_hot = {"path": "vendors.*.temperature", "name": "temperature", "low": 0.5, "high": 3.0}
    raw = changed(parameters=[GOOD["parameters"][0], too_hot])
    message = error_of(tmp_path, raw)
    assert "parameters.1 (temperature=3.0)" in message
    assert "vendors.0.temperature: Input should be less than or equal to 2" in message


def test_a_vendor_that_does_not_exist(tmp_path):
    raw = changed(parameters=[{"path": "vendors.Nobody.components", "low": 2, "high": 8, "integer": True},
                              GOOD["parameters"][1]])
    assert "vendors.Nobody.components: no list item named 'Nobody'" in error_of(tmp_path, raw)


def test_outcomes_outside_the_scenario_or_for_a_missing_vendor(tmp_path):
    late = changed(outcomes=[{"name": "x", "metric": "web.docs", "at": "2031-01"}])
    assert "outcome x: 2031-01 is outside the scenario small (2020-01 to 2022-12)" in error_of(tmp_path, late)
    ghost = changed(outcomes=[{"name": "x", "metric": "vendor.Ghost.excess_nll", "at": "2021-01"}])
    assert "no vendor named 'Ghost'" in error_of(tmp_path, ghost)


def test_missing_base_and_unreadable_files(tmp_path):
    assert "base: " in error_of(tmp_path, changed(base="nowhere.yaml"))
    assert "nowhere.yaml: file not found" in error_of(tmp_path, changed(base="nowhere.yaml"))
    with pytest.raises(SweepError, match="file not found"):
        read_sweep_file(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n")
    with pytest.raises(SweepError, match=r"unreadable YAML at line \d+"):
        read_sweep_file(broken)


def test_compare_outcome_option_parsing():
    outcome = parse_outcome("vendor.Early.excess_nll@2022-06")
    assert outcome.metric == "vendor.Early.excess_nll" and outcome.at.isoformat() == "2022-06-01"
    with pytest.raises(SweepError, match="expected METRIC@YYYY-MM"):
        parse_outcome("web.docs")
    with pytest.raises(SweepError, match="expected a month as YYYY-MM"):
        parse_outcome("web.docs@June")
