"""Refused before any work: paths the system refuses to look up (a name
too long), folders and devices given as files, a list both replaced and appended to, outcomes given
twice or far too long, and sweep parameters that collide or move the run's months away from an outcome.
Each is refused before any work, in one line naming the path, field or value."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ecosystem.cli import app
from ecosystem.config import ScenarioError
from ecosystem.scenario_files import load_scenario
from tests.conftest import TINY
from tests.test_robust_files import one_line_error, short
from tests.test_robust_sweeps import assert_refused_at_load, sweep_file

runner = CliRunner()
TOO_LONG = "z" * 300  # one path component past the file system's 255 bytes

# ---------------------------------------------------------------------------------------------------
# a path the system refuses to look up is one line, not an OSError traceback


def test_a_scenario_file_name_too_long_is_one_line(tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path / f"{TOO_LONG}.yaml")])
    assert one_line_error(result).endswith("...: cannot be read (File name too long)")


def test_extends_to_a_name_too_long_is_one_line(write_yaml):
    path = write_yaml(f"extends: {TOO_LONG}.yaml\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value).startswith(f"{path}: extends: {path.parent}/zzz")
    assert str(err.value).endswith("...: cannot be read (File name too long)")


@pytest.mark.parametrize("command", ["run", "compare", "sweep", "brief --out", "brief results", "replicate"])
def test_an_output_or_results_path_too_long_is_refused_before_any_work(tmp_path, command):
    target = tmp_path / TOO_LONG
    args = {
        "run": ["run", str(short(tmp_path)), "--out", str(target)],
        "compare": ["compare", str(short(tmp_path)), "--seeds", "1", "--workers", "1", "--out", str(target)],
        "sweep": ["sweep", str(sweep_file(tmp_path)), "--dry-run", "--out", str(target)],
        "brief --out": ["brief", str(tmp_path), "--no-pdf", "--out", str(target)],
        "brief results": ["brief", str(target), "--no-pdf", "--out", str(tmp_path / "brief")],
        "replicate": ["replicate", "gaussian", "--samples", "10", "--generations", "2", "--seeds", "2", "--out",
                      str(target)],
    }[command]
    text = one_line_error(runner.invoke(app, args))
    assert text.startswith(f"error: {tmp_path}/zzz") and "...: cannot use this path (File name too long)" in text
    assert "months" not in text and not (tmp_path / "brief").exists()


# ---------------------------------------------------------------------------------------------------
# a folder or a device where a file is expected is named as such, not "file not found"


def test_a_folder_given_as_a_scenario_or_a_parent_is_named_a_folder(tmp_path, write_yaml):
    (tmp_path / "adir").mkdir()
    result = runner.invoke(app, ["validate", str(tmp_path / "adir")])
    assert one_line_error(result) == f"error: {tmp_path / 'adir'}: is a folder, not a file"
    child = write_yaml("extends: adir\nname: child\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(child)
    assert str(err.value) == f"{child}: extends: {tmp_path / 'adir'}: is a folder, not a file"


def test_a_device_given_as_a_scenario_is_not_a_regular_file():
    assert one_line_error(runner.invoke(app, ["validate", "/dev/zero"])) == "error: /dev/zero: is not a regular file"


def test_a_sweep_file_that_is_a_folder_is_named_a_folder(tmp_path):
    result = runner.invoke(app, ["sweep", str(tmp_path), "--dry-run", "--out", str(tmp_path / "out")])
    assert one_line_error(result) == f"error: {tmp_path}: is a folder, not a file"


# ---------------------------------------------------------------------------------------------------
# a list both replaced and appended to in one file loses items silently


@pytest.mark.parametrize("extends", [True, False], ids=["with a parent", "without a parent"])
def test_a_list_both_replaced_and_appended_to_is_refused(write_yaml, extends):
    head = f"extends: {TINY}\n" if extends else ""
    path = write_yaml(f"{head}vendors+: [{{name: C, entry: 2020-01}}]\nvendors: []\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == (f"{path}: vendors and vendors+ both given: vendors+ appends to the parent's list, "
                              "vendors replaces it; keep one")


# ---------------------------------------------------------------------------------------------------
# compare outcomes given twice, or too long to echo


def test_an_outcome_given_twice_is_refused_before_any_run(tmp_path):
    out = tmp_path / "cmp"
    result = runner.invoke(app, ["compare", str(short(tmp_path)), "--seeds", "1", "--workers", "1", "--out", str(out),
                                 "--outcome", "web.docs@2020-02", "--outcome", "web.docs@2020-02"])
    assert one_line_error(result) == "error: --outcome 'web.docs@2020-02' given twice; give each outcome once"
    assert not out.exists()


def test_a_huge_outcome_text_is_refused_without_being_echoed(tmp_path):
    text = "web.docs" + "x" * 100_000 + "@2020-02"
    result = runner.invoke(app, ["compare", str(short(tmp_path)), "--seeds", "1", "--dry-run", "--out",
                                 str(tmp_path / "cmp"), "--outcome", text])
    message = one_line_error(result)
    assert len(message) < 400
    assert "... (100,018 characters): an outcome is at most 200 characters" in message


# ---------------------------------------------------------------------------------------------------
# sweep parameters that collide, repeat, or move the run's months past an outcome


SWEEP_REFUSED = {
    "same path twice": (
        {"parameters": [{"path": "farms.fixed_cost", "name": "a", "levels": [10, 20]},
                        {"path": "farms.fixed_cost", "name": "b", "levels": [30, 40]}]},
        "(top level): parameters: the path farms.fixed_cost is varied twice (the later value would overwrite the "
        "earlier); vary each field once"),
    "a level given twice": (
        {"parameters": [{"path": "farms.fixed_cost", "levels": [10, 10]}]},
        "parameters.0: levels: 10 given twice; each level once (use seeds: for repeats)"),
    "end before the outcome": (
        {"parameters": [{"path": "end", "levels": ["2020-02", "2020-03"]}],
         "outcomes": [{"name": "share", "metric": "web.synthetic_share_new", "at": "2020-03"}]},
        "parameters.0 (end='2020-02'): outcome share: 2020-03 is outside the scenario tiny (2020-01 to 2020-02)"),
    "vendor entering after the outcome": (
        {"parameters": [{"path": "vendors.Early.entry", "levels": ["2020-09", "2022-06"]}],
         "outcomes": [{"name": "nll", "metric": "vendor.Early.excess_nll", "at": "2021-12"}]},
        "parameters.0 (vendors.Early.entry='2022-06'): outcome nll: vendor Early enters 2022-06, after the "
        "outcome's months (2021-12); choose a later month"),
}


@pytest.mark.parametrize("case", list(SWEEP_REFUSED), ids=list(SWEEP_REFUSED))
def test_sweep_parameters_that_would_lose_or_mix_outcomes_are_refused_at_load_time(tmp_path, case):
    assert_refused_at_load(tmp_path, *SWEEP_REFUSED[case])


# ---------------------------------------------------------------------------------------------------
# a dashboard host that does not resolve names the host, not the port


def test_a_dashboard_host_that_does_not_resolve_names_the_host():
    result = runner.invoke(app, ["dashboard", str(TINY), "--host", "999.999.1.1", "--port", "8799"])
    assert one_line_error(result) == ("error: cannot listen on 999.999.1.1:8799: Name or service not known; choose "
                                      "another --host")
