"""The Python API (``import ecosystem as eco``): run, compare, sweep and load_results, on the tiny scenarios."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import ecosystem as eco
from ecosystem.cli import app

DATA = Path(__file__).parent / "data"
OUTCOME = "vendor.Early.excess_nll@2021-03"


def test_run_applies_set_and_end_and_returns_long_and_wide_metrics(tmp_path):
    result = eco.run(DATA / "tiny.yaml", seed=3, end="2020-06", set={"humans.writers": 30}, out=tmp_path / "run")
    assert (result.seed, result.scenario.months, result.scenario.humans.writers) == (3, 6, 30)
    assert {"step", "date", "kind", "entity", "metric", "value"} <= set(result.metrics.columns)
    wide = result.wide()
    assert wide.height == 6 and "web.synthetic_share_new" in wide.columns
    assert wide.to_pandas().shape == wide.shape  # pyarrow is a core dependency
    again = eco.load_results(tmp_path / "run")
    assert again.seed == 3 and again.metrics.equals(result.metrics)


def test_run_takes_a_loaded_scenario_and_changes_it_as_a_file_would_be():
    scenario = eco.load(DATA / "tiny.yaml", end="2020-04")
    result = eco.run(scenario, seed=0, set={"humans.writers": 20})
    assert (result.scenario.months, result.scenario.humans.writers) == (4, 20)
    assert result.metrics.equals(eco.run(DATA / "tiny.yaml", seed=0, end="2020-04",
                                         set={"humans.writers": 20}).metrics)


def test_run_refuses_a_bad_override_in_one_line():
    with pytest.raises(eco.ScenarioError, match="humans.writers"):
        eco.run(DATA / "tiny.yaml", set={"humans.writers": -5})


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> tuple[Path, pl.DataFrame]:
    out = tmp_path_factory.mktemp("compare")
    summary = eco.compare([DATA / "experiment_small.yaml", DATA / "experiment_variant.yaml"], seeds=2, end="2021-03",
                          outcomes=[OUTCOME], out=out, workers=1)
    return out, summary


def test_compare_returns_the_summary_and_writes_the_commands_folder(compared):
    out, summary = compared
    assert summary["scenario"].to_list() == ["small", "small_costly_farms"]
    assert summary["n"].to_list() == [2, 2] and summary["diff"][0] == 0.0
    results = eco.load_results(out)
    assert results.summary.equals(summary) and results.table.height == 4
    assert results.about["end"] == "2021-03"
    assert not (out / "figures").exists()  # figures are the commands'


def test_the_command_resumes_an_api_folder_and_draws_only_the_outcomes_asked_for(compared):
    out, _ = compared
    result = CliRunner().invoke(app, ["compare", str(DATA / "experiment_small.yaml"),
                                      str(DATA / "experiment_variant.yaml"), "--seeds", "2", "--end", "2021-03",
                                      "--outcome", OUTCOME, "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 already done, 0 to do" in result.output
    drawn = sorted(p.stem for p in (out / "figures").glob("*.png"))
    assert drawn == ["differences", "over_time_vendor_Early_excess_nll_2021-03"]  # no unasked context figure


def test_sweep_returns_point_means_and_load_results_reads_every_table(tmp_path):
    means = eco.sweep(DATA / "sweep_grid.yaml", out=tmp_path / "sweep", set={"humans.writers": 40}, workers=1)
    assert means.height == 4 and {"fixed_cost", "temperature", "runs"} <= set(means.columns)
    results = eco.load_results(tmp_path / "sweep")
    assert results.means.equals(means) and results.table.height == 4
