"""``ecosim metrics`` (every metric a scenario writes, in plain words) and ``ecosim validate --set/--end``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from ecosystem.cli import app

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def test_metrics_lists_labels_units_directions_and_the_vendors():
    result = runner.invoke(app, ["metrics", str(DATA / "tiny.yaml")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "vendor.<vendor>.excess_nll" in result.output
    assert "model's distance from human text (excess NLL)" in result.output
    assert "<vendor>: Early, Late" in result.output
    assert "more need what this scenario lacks" in result.output


def test_metrics_json_says_what_a_missing_metric_needs_and_an_outcome_for_the_others():
    result = runner.invoke(app, ["metrics", str(DATA / "tiny.yaml"), "--json", "--end", "2021-06"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert rows["vendor.<vendor>.excess_nll"]["outcome"] == "mean(vendor.*.excess_nll)@2021-06"
    assert rows["vendor.<vendor>.excess_nll"]["worse"] == "higher" and rows["vendor.<vendor>.excess_nll"]["entities"]
    assert rows["vendor.<vendor>.market_share"]["needs"].startswith("a user market")


def test_validate_applies_set_and_end_and_refuses_a_bad_value_in_one_line():
    ok = runner.invoke(app, ["validate", str(DATA / "tiny.yaml"), "--end", "2020-06", "--set", "humans.writers=30"])
    assert ok.exit_code == 0 and "6 months" in ok.output
    bad = runner.invoke(app, ["validate", str(DATA / "tiny.yaml"), "--set", "humans.writers=-1"])
    assert bad.exit_code == 2 and "humans.writers" in bad.output and len(bad.output.strip().splitlines()) == 1
