"""Inputs that still ended in a traceback or a hang (issue 20): command-line values, tampered results,
a full disk, a hostile model folder or corpus, Ctrl-C while workers start, and a reading date that
cannot be read. Each is refused in one line naming what is wrong, before any work."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ecosystem.cli import app
from tests.conftest import TINY
from tests.test_robust_files import one_line_error
from tests.test_robust_sweeps import sweep_file

runner = CliRunner()

# ---------------------------------------------------------------------------------------------------
# --set and --end: a value PyYAML cannot build is one line naming the field, as in a scenario file

DIGITS = "9" * 100_000
SET_REFUSED = {
    "no such day": ("end=2020-02-30", "--set 'end=2020-02-30': end: day is out of range for month; give a valid value"),
    "no such hour": ("vendors.Early.entry=2020-02-28 99:00:00",
                     "vendors.Early.entry: hour must be in 0..23; give a valid value"),
    "100,000 digits": (f"humans.writers={DIGITS}",
                       "(100,017 characters): humans.writers: Exceeds the limit (4300 digits) for integer string "
                       "conversion: value has 100000 digits; give a valid value"),
    "huge hexadecimal": ("humans.writers=0x" + "f" * 100_000,
                         "humans.writers: Input should be less than or equal to 100000 (got a value too long to "
                         "print)"),
    "nested too deeply": ("humans=" + "[" * 20_000 + "]" * 20_000,
                          "(40,009 characters): the value is nested too deeply"),
    "huge exponent": ("farms.fixed_cost=1.0e+99999", "farms.fixed_cost: Input should be a finite number (got inf)"),
    "nan": ("humans.docs_per_month=.nan", "humans.docs_per_month: Input should be a finite number (got nan)"),
    "list index of 5,000 digits": ("vendors." + "9" * 5000 + ".components=3", "...: no list item named '9999"),
    "path of 100,000 characters": ("x" * 100_000 + "=1", "xxx...: unknown field"),
}


@pytest.mark.parametrize("case", list(SET_REFUSED), ids=list(SET_REFUSED))
def test_a_set_value_that_cannot_be_built_is_one_short_line(tmp_path, case):
    text, expected = SET_REFUSED[case]
    out = tmp_path / "r"
    result = runner.invoke(app, ["run", str(TINY), "--set", text, "--out", str(out)])
    message = one_line_error(result)
    assert expected in message and len(message) < 400
    assert not out.exists()


@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
@pytest.mark.parametrize("end", ["2020-02-30", DIGITS, ".nan"], ids=["no such day", "digits", "nan"])
def test_a_bad_end_is_one_short_line_for_every_command(tmp_path, command, end):
    target = str(sweep_file(tmp_path)) if command == "sweep" else str(TINY)
    out = tmp_path / "r"
    result = runner.invoke(app, [command, target, "--end", end, "--out", str(out)])
    message = one_line_error(result)
    assert "end: expected a month as YYYY-MM (e.g. 2022-11), got " in message and len(message) < 400
    assert not out.exists()


def test_a_huge_hexadecimal_number_in_a_scenario_file_is_one_line(write_yaml):
    path = write_yaml(f"extends: {TINY}\nhumans: {{writers: 0x{'f' * 100_000}}}\n")
    result = runner.invoke(app, ["validate", str(path)])
    assert one_line_error(result) == (f"error: {path}: humans.writers: Input should be less than or equal to 100000 "
                                      "(got a value too long to print)")
