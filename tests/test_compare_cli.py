"""``ecosim compare`` end to end: common seeds, tidy table, paired summary, figures, resume."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from ecosystem.cli import app
from ecosystem.experiments.stats import paired_difference

DATA = Path(__file__).parent / "data"
runner = CliRunner()
OUTCOMES = ["--outcome", "web.synthetic_share_new@2021-06", "--outcome", "vendor.Early.excess_nll@2021-06"]


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory) -> list[Path]:
    """The two experiment scenarios, cut to 18 months."""
    folder = tmp_path_factory.mktemp("scenarios")
    paths = []
    for name in ("experiment_small.yaml", "experiment_variant.yaml"):
        path = folder / name
        path.write_text(f"extends: {DATA / name}\nend: 2021-06\n")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def compared(scenarios, tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("compare")
    result = runner.invoke(app, ["compare", *map(str, scenarios), "--seeds", "3", "--workers", "1",
                                 "--out", str(out), *OUTCOMES])
    return out, result


def test_compare_writes_the_tidy_table_the_summary_and_the_figures(compared):
    out, result = compared
    assert result.exit_code == 0, result.output
    runs = pl.read_parquet(out / "runs.parquet")
    assert runs.height == 2 * 3 * 18
    assert runs.columns[:4] == ["scenario", "seed", "step", "date"]
    assert sorted(runs.unique(["scenario", "seed"]).select("scenario", "seed").rows()) == [
        ("small", 0), ("small", 1), ("small", 2),
        ("small_costly_farms", 0), ("small_costly_farms", 1), ("small_costly_farms", 2)]
    for stem in ("differences", "over_time_web_synthetic_share_new_2021-06",
                 "over_time_vendor_Early_excess_nll_2021-06"):
        assert (out / "figures" / f"{stem}.png").stat().st_size > 0
        assert (out / "figures" / f"{stem}.svg").stat().st_size > 0


def test_summary_differences_are_paired_over_common_seeds(compared):
    out, _ = compared
    outcomes = pl.read_parquet(out / "outcomes.parquet")
    summary = pl.read_parquet(out / "summary.parquet")
    name = "vendor.Early.excess_nll@2021-06"
    first = summary.filter(pl.col("outcome") == name, pl.col("scenario") == "small").row(0, named=True)
    assert first["n"] == 3 and first["diff"] == 0.0
    by = {s: outcomes.filter(pl.col("scenario") == s).sort("seed")[name].to_numpy()
          for s in ("small", "small_costly_farms")}
    expected = paired_difference(by["small_costly_farms"], by["small"])
    row = summary.filter(pl.col("outcome") == name, pl.col("scenario") == "small_costly_farms")
    row = row.row(0, named=True)
    assert row["diff"] == pytest.approx(expected.mean)
    assert (row["diff_low"], row["diff_high"]) == pytest.approx((expected.low, expected.high), nan_ok=True)
    assert row["mean"] == pytest.approx(np.mean(by["small_costly_farms"]))
    # seed i is the same for every scenario: before the scenarios differ (farms enter), runs coincide
    runs = pl.read_parquet(out / "runs.parquet").filter(pl.col("date") < pl.date(2021, 1, 1))
    a = runs.filter(pl.col("scenario") == "small").drop("scenario").sort("seed", "step")
    b = runs.filter(pl.col("scenario") == "small_costly_farms").drop("scenario").sort("seed", "step")
    assert a.equals(b)


def test_rerunning_skips_every_finished_run(scenarios, compared):
    out, _ = compared
    again = runner.invoke(app, ["compare", *map(str, scenarios), "--seeds", "3", "--workers", "1",
                                "--out", str(out), *OUTCOMES])
    assert again.exit_code == 0, again.output
    assert "6 runs, 6 already done, 0 to do" in again.output
    dry = runner.invoke(app, ["compare", *map(str, scenarios), "--seeds", "4", "--out", str(out),
                              "--dry-run"])
    assert dry.exit_code == 0
    assert "8 runs (2 scenarios x 4 seeds): 6 already done, 2 to do" in dry.output


@pytest.mark.parametrize(("extra", "expected"), [
    (["--outcome", "web.synthetic_share_new"], "expected METRIC@YYYY-MM"),
    (["--outcome", "web.docs@2030-01"], "2030-01 is outside the scenario small"),
    (["--outcome", "vendor.Ghost.nll@2021-01"], "no vendor named 'Ghost'"),
    (["--workers", "2", "--dask-local", "2"], "choose one way to run: --workers or --dask-local"),
])
def test_bad_options_fail_with_one_line_before_running(scenarios, tmp_path, extra, expected):
    result = runner.invoke(app, ["compare", *map(str, scenarios), "--out", str(tmp_path / "o"), *extra])
    assert result.exit_code == 2
    assert expected in result.output.replace("\n", " ")
    assert not (tmp_path / "o" / "runs").exists()


def test_scenarios_with_the_same_name_cannot_be_told_apart(scenarios, tmp_path):
    result = runner.invoke(app, ["compare", str(scenarios[0]), str(scenarios[0]), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "scenario names must differ" in result.output


def test_a_failed_run_is_reported_the_others_are_kept_and_the_exit_status_says_so(scenarios, tmp_path):
    from ecosystem.experiments.compare import plan_compare
    from ecosystem.output_folder import OutputFolder
    from ecosystem.scenario_files import load_scenario

    out = tmp_path / "compare"
    with OutputFolder(out, "compare"):  # a comparison's own folder, as if an earlier compare had made it
        pass
    specs = plan_compare([load_scenario(p) for p in scenarios], seeds=[0, 1], folder=out / "runs")
    blocked = specs[1]
    blocked.metrics_path.mkdir(parents=True)  # a directory where the run's file must go: the write fails
    result = runner.invoke(app, ["compare", *map(str, scenarios), "--seeds", "2", "--workers", "2",
                                 "--out", str(out), *OUTCOMES])
    assert result.exit_code == 1, result.output
    output = result.output.replace("\n", " ")
    assert f"run failed: {blocked.label} seed {blocked.seed}: IsADirectoryError" in output
    assert "1 run(s) failed" in output
    assert all(spec.is_done() for spec in specs if spec is not blocked)
    assert pl.read_parquet(out / "outcomes.parquet").height == 3


def test_a_set_with_a_scenarios_name_changes_that_scenario_only(scenarios, tmp_path):
    out = tmp_path / "o"
    result = runner.invoke(app, ["compare", *map(str, scenarios), "--seeds", "1", "--workers", "1", "--out",
                                 str(out), "--set", "humans.writers=25",
                                 "--set", "experiment_variant:humans.writers=30",
                                 "--outcome", "web.docs@2021-06"])
    assert result.exit_code == 0, result.output
    runs = pl.read_parquet(out / "runs.parquet")
    first = runs.filter(pl.col("date") == pl.date(2020, 1, 1)).sort("scenario")
    writers = dict(zip(first["scenario"], first["humans.writers"], strict=True))
    assert writers["small_costly_farms"] > writers["small"]  # 30 writers (by file name) against 25


def test_a_set_naming_no_compared_scenario_is_refused(scenarios, tmp_path):
    result = runner.invoke(app, ["compare", *map(str, scenarios), "--out", str(tmp_path / "o"),
                                 "--set", "nobody:humans.writers=3"])
    assert result.exit_code == 2 and "no compared scenario is named 'nobody'" in result.output
    assert not (tmp_path / "o").exists()
