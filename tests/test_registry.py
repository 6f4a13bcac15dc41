"""The outcome registry: vendor aggregates, windows, relative change, and refusal before any run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from ecosystem.cli import app
from ecosystem.experiments.compare import summarize
from ecosystem.experiments.outcomes import outcome_over_time, outcome_table
from ecosystem.experiments.registry import check_outcomes, info_of, parse_outcome
from ecosystem.experiments.schema import Outcome, SweepError
from ecosystem.experiments.sweep import load_sweep
from ecosystem.scenario_files import load_scenario

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
MONTHS = [dt.date(2030, m, 1) for m in range(1, 7)]


def write_run(folder: Path, scenario: str, seed: int, a: list[float], b: list[float | None],
              share_a: float) -> Path:
    """A run file as compare writes it: one row a month, one column per dotted metric."""
    frame = pl.DataFrame({
        "scenario": [scenario] * 6, "seed": [seed] * 6, "step": list(range(6)), "date": MONTHS,
        "vendor.A.excess_nll": a, "vendor.B.excess_nll": b,
        "vendor.A.market_share": [share_a] * 6, "vendor.B.market_share": [1 - share_a] * 6,
        "vendor.A.tail_mass_ratio": [0.9] * 6, "vendor.B.tail_mass_ratio": [0.5] * 6,
    }, schema_overrides={"vendor.B.excess_nll": pl.Float64})
    path = folder / f"{scenario}-{seed}.parquet"
    frame.write_parquet(path)
    return path


@pytest.fixture
def runs(tmp_path) -> list[Path]:
    """Two scenarios on two seeds; B enters in March (null before)."""
    b = [None, None, 3.0, 3.0, 3.0, 3.0]
    return [
        write_run(tmp_path, "ref", 0, [1.0, 1.0, 1.0, 1.0, 1.0, 1.0], b, 0.75),
        write_run(tmp_path, "ref", 1, [2.0, 2.0, 2.0, 2.0, 2.0, 2.0], b, 0.75),
        write_run(tmp_path, "policy", 0, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5], b, 0.75),
        write_run(tmp_path, "policy", 1, [1.0, 1.0, 1.0, 1.0, 1.0, 2.0], b, 0.75),
    ]


def value(table: pl.DataFrame, scenario: str, seed: int, name: str) -> float:
    return table.filter(pl.col("scenario") == scenario, pl.col("seed") == seed)[name].item()


def test_vendor_aggregates_mean_weighted_and_worst(runs):
    outcomes = [parse_outcome("mean(vendor.*.excess_nll)@2030-06"),
                parse_outcome("weighted(vendor.*.excess_nll)@2030-06"),
                parse_outcome("worst(vendor.*.excess_nll)@2030-06"),
                parse_outcome("worst(vendor.*.tail_mass_ratio)@2030-06")]
    table = outcome_table(runs, outcomes, keys=["scenario"])
    mean, weighted, worst, worst_tail = (o.name for o in outcomes)
    assert value(table, "ref", 0, mean) == pytest.approx((1.0 + 3.0) / 2)
    assert value(table, "ref", 0, weighted) == pytest.approx(0.75 * 1.0 + 0.25 * 3.0)
    assert value(table, "ref", 0, worst) == 3.0  # higher excess NLL is worse
    assert value(table, "ref", 0, worst_tail) == 0.5  # a lower tail-mass ratio is worse


def test_windows_average_the_months_and_skip_vendors_not_yet_released(runs):
    window = parse_outcome("mean(vendor.*.excess_nll)@2030-01..2030-04")
    year = parse_outcome("vendor.A.excess_nll@2030-01..2030-06")
    table = outcome_table(runs, [window, year], keys=["scenario"])
    # January and February: A alone (1.0); March and April: mean of A and B (2.0)
    assert value(table, "ref", 0, window.name) == pytest.approx((1 + 1 + 2 + 2) / 4)
    assert value(table, "policy", 1, year.name) == pytest.approx(7 / 6)
    series = outcome_over_time(runs, window, keys=["scenario"]).filter(pl.col("scenario") == "ref",
                                                                       pl.col("seed") == 0)
    assert series.sort("date")["value"].to_list() == [1.0, 1.0, 2.0, 2.0, 2.0, 2.0]


def test_relative_change_is_the_paired_difference_over_the_reference_mean(runs):
    outcome = parse_outcome("vendor.A.excess_nll@2030-01")
    table = outcome_table(runs, [outcome], keys=["scenario"])
    summary = summarize(table, [outcome], order=["ref", "policy"])
    row = summary.filter(pl.col("scenario") == "policy").row(0, named=True)
    assert row["diff"] == pytest.approx(-0.75)  # (0.5 - 1) and (1 - 2), paired by seed
    assert row["rel"] == pytest.approx(-0.75 / 1.5 * 100)
    assert row["rel_low"] == pytest.approx(row["diff_low"] / 1.5 * 100)
    assert (row["label"], row["unit"], row["worse"]) == ("A: model's distance from human text (excess NLL), 2030-01",
                                                         "nats", "higher")


def test_outcome_text_forms():
    year = parse_outcome("mean(vendor.*.excess_nll)@2030")
    assert (year.start, year.end, year.agg, year.across) == (dt.date(2030, 1, 1), dt.date(2030, 12, 1), "mean",
                                                             "mean")
    assert parse_outcome("vendor.*.excess_nll@2030-12").across == "mean"
    assert parse_outcome("web.docs@2024-06").at == dt.date(2024, 6, 1)
    assert info_of(year).label.startswith("mean over vendors: model's distance from human text")
    with pytest.raises(SweepError, match="expected METRIC@YYYY-MM"):
        parse_outcome("mean(vendor.*.excess_nll)")
    with pytest.raises(SweepError, match="end .2029-01. is before start"):
        parse_outcome("web.docs@2030-01..2029-01")
    with pytest.raises(ValueError, match="across: combines entities named by"):
        Outcome.model_validate({"name": "x", "metric": "web.docs", "at": "2030-01", "across": "mean"})
    with pytest.raises(ValueError, match=r"\* stands for every entity"):
        Outcome(name="x", metric="web.*.docs", at="2030-01")


@pytest.mark.parametrize(("text", "expected"), [
    ("vendor.Early.excess_nl@2021-06", "unknown metric vendor.Early.excess_nl; did you mean vendor.Early.excess_nll"),
    ("vendor.Ghost.excess_nll@2021-06", "no vendor named 'Ghost' in scenario tiny (vendors: Early, Late)"),
    ("web.docs@2023-01", "2023-01 is outside the scenario tiny (2020-01 to 2022-12)"),
    ("vendor.Late.excess_nll@2021-06", "vendor Late enters 2021-09, after the outcome's months (2021-06)"),
    ("weighted(vendor.*.excess_nll)@2022", "scenario tiny has no user market"),
    ("vendor.Early.market_share@2022-01", "market_share needs a user market"),
    ("public_crawl.pages@2022-01", "pages needs a shared public crawl (public_crawl:)"),
    ("humans.displaced_share@2022-01", "displaced_share needs displacement (humans.displacement: or humans.qa:)"),
    ("crawler.Early.quality_survival_ai@2022-01", "quality_survival_ai needs a crawler with a quality filter"),
    ("vendor.Early.topic_3_mass_ratio@2022-01", "unknown metric vendor.Early.topic_3_mass_ratio"),
    ("farms.pages_new@2022-01", "unknown metric farms.pages_new; did you mean farms.share_new?"),
    ("zzz.qqqqqq@2022-01", "unknown metric zzz.qqqqqq; see the metric names in docs/design.md"),
    ("detector.Sentinel.tpr@2022-01", "no detector named 'Sentinel'"),
])
def test_impossible_outcomes_are_refused_with_the_outcome_and_the_file(text, expected):
    outcome = parse_outcome(text) if "weighted" not in text else Outcome(
        name=text, metric="vendor.*.excess_nll", start="2022-01", end="2022-12", agg="mean", across="weighted")
    with pytest.raises(SweepError) as caught:
        check_outcomes([outcome], load_scenario(TINY), source="tests/data/tiny.yaml")
    message = str(caught.value)
    assert message.startswith(f"tests/data/tiny.yaml: outcome {text}: ") and expected in message
    assert "\n" not in message


def test_compare_refuses_a_typo_before_any_run(tmp_path):
    out = tmp_path / "cmp"
    result = CliRunner().invoke(app, ["compare", str(TINY), str(DATA / "tiny_watermark.yaml"), "--out", str(out),
                                      "--outcome", "vendor.Early.excess_nl@2022-06", "--workers", "1"])
    assert result.exit_code == 2
    assert f"{TINY}: outcome vendor.Early.excess_nl@2022-06: unknown metric" in result.output.replace("\n", " ")
    assert not (out / "runs").exists()


def test_compare_refuses_an_outcome_past_the_end_date_set_on_the_command_line(tmp_path):
    result = CliRunner().invoke(app, ["compare", str(TINY), "--out", str(tmp_path / "cmp"), "--end", "2021-12",
                                      "--outcome", "web.docs@2022-06", "--dry-run"])
    assert result.exit_code == 2
    assert "2022-06 is outside the scenario tiny (2020-01 to 2021-12)" in result.output.replace("\n", " ")


def test_a_sweep_file_outcome_is_refused_naming_the_file(tmp_path):
    sweep = {"name": "s", "base": str(TINY), "design": {"kind": "grid"}, "seeds": 1,
             "parameters": [{"path": "humans.writers", "levels": [20, 40]}],
             "outcomes": [{"name": "late_share", "metric": "vendor.*.train_synthetic_share", "across": "worst",
                           "start": "2022-01", "end": "2023-06", "agg": "mean"}]}
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(sweep))
    with pytest.raises(SweepError, match=rf"^{path}: outcome late_share: 2023-06 is outside the scenario tiny"):
        load_sweep(path)
    sweep["outcomes"][0]["end"] = "2022-06"
    path.write_text(yaml.safe_dump(sweep))
    assert load_sweep(path).file.outcomes[0].across == "worst"


def test_a_shares_interval_stays_inside_zero_and_one():
    """Three seeds near 1 give a t-interval past 1; a share cannot be there, so the summary stops it at 1."""
    outcome = parse_outcome("web.synthetic_share_new@2030-01")
    table = pl.DataFrame({"scenario": ["ref"] * 3 + ["policy"] * 3, "seed": [0, 1, 2] * 2,
                          outcome.name: [0.02, 0.0, 0.01, 0.99, 0.80, 1.0]})
    summary = summarize(table, [outcome], order=["ref", "policy"])
    ref, policy = (summary.filter(pl.col("scenario") == s).row(0, named=True) for s in ("ref", "policy"))
    assert policy["ci_high"] == 1.0 and policy["ci_low"] < policy["mean"] < 1.0
    assert ref["ci_low"] == 0.0 and ref["ci_high"] > ref["mean"] > 0.0
    assert policy["diff_high"] > policy["diff"]  # differences keep their t-interval
