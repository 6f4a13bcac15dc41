"""Holding runs against the published figures (`ecosim fit`): the table's statistics on hand-built runs whose
answer is known, then the command end to end on a small comparison, and its refusals."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from ecosystem.calibration.fit import fit_table, per_run
from ecosystem.calibration.targets import Target
from ecosystem.cli import app


def _target(series: str, date: str, value: float, low: float, high: float, metric: str, use: str = "held_out"):
    return Target(series=series, date=date, value=value, low=low, high=high, metric=metric, use=use, source="s",
                  note="n")


@pytest.fixture
def runs() -> pl.DataFrame:
    """Four seeds over 2024: a share that is 0.10 + seed / 100 in June and 0 in other months, and a length."""
    rows = []
    for seed in range(4):
        for month in range(1, 13):
            share = 0.10 + seed / 100 if month == 6 else 0.0
            rows.append({"seed": seed, "date": dt.date(2024, month, 1), "web.wildai_ai_token_share": share,
                         "web.wildai_ai_doc_tokens": 1000.0 + 10 * seed})
    return pl.DataFrame(rows)


def test_a_targets_statistic_is_the_months_value_or_the_years_mean_per_run(runs):
    month = _target("wildai", "2024-06", 0.1, 0.09, 0.11, "web.wildai_ai_token_share")
    year = _target("wildai", "2024", 0.1, 0.09, 0.11, "web.wildai_ai_token_share")
    assert sorted(per_run(runs, month)) == pytest.approx([0.10, 0.11, 0.12, 0.13])
    assert sorted(per_run(runs, year)) == pytest.approx([0.10 / 12, 0.11 / 12, 0.12 / 12, 0.13 / 12])


def test_the_table_gives_the_mean_the_band_the_misfit_and_whether_it_matched(runs):
    targets = [
        _target("wildai", "2024-06", 0.115, 0.105, 0.125, "web.wildai_ai_token_share", "calibration"),  # inside
        _target("wildai", "2024-07", 0.02, 0.018, 0.022, "web.wildai_ai_token_share"),  # outside, within 3 points
        _target("wildai", "2024-08", 0.05, 0.045, 0.055, "web.wildai_ai_token_share"),  # 5 points off
        _target("wildai_ai_length", "2024-06", 900.0, 880.0, 920.0, "web.wildai_ai_doc_tokens"),  # a length: no
        _target("wildai", "2031-01", 0.5, 0.4, 0.6, "web.wildai_ai_token_share"),  # after the runs: left out
    ]
    table = fit_table(runs, targets)
    assert table["date"].to_list() == ["2024-06", "2024-07", "2024-08", "2024-06"]
    first = table.row(0, named=True)
    assert first["mean"] == pytest.approx(0.115) and first["runs"] == 4
    assert first["band_low"] == pytest.approx(np.quantile([0.10, 0.11, 0.12, 0.13], 0.025))
    assert first["mean_low"] < 0.115 < first["mean_high"]
    assert first["misfit_se"] == pytest.approx(0.0)
    assert table["matched"].to_list() == [True, True, False, False]
    assert table.row(2, named=True)["misfit_se"] == pytest.approx(-0.05 / (0.01 / (2 * 1.959964)))


def test_fit_holds_a_comparison_against_the_targets_and_draws_each_series(tmp_path, tiny_path):
    compared = tmp_path / "runs"
    result = CliRunner().invoke(app, ["compare", str(tiny_path), "--seeds", "2", "--workers", "1", "--out",
                                      str(compared)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "fit"
    result = CliRunner().invoke(app, ["fit", str(compared), "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pl.read_parquet(out / "fit.parquet")
    assert {"wildai", "graphite"} <= set(table["series"])
    assert (table["runs"] == 2).all()
    text = (out / "fit.md").read_text(encoding="utf-8")
    assert "| wildai |" in text and "2 seeds (0-1)" in text and "held-out" in text
    assert (out / "figures" / "fit_wildai.png").stat().st_size > 10_000


@pytest.mark.parametrize("args, message", [
    (["--scenario", "nobody"], "--scenario 'nobody'"),
    (["--targets", "missing.csv"], "missing.csv"),
])
def test_fit_refuses_in_one_line_what_it_cannot_check(tmp_path, tiny_path, args, message):
    compared = tmp_path / "runs"
    CliRunner().invoke(app, ["compare", str(tiny_path), "--seeds", "1", "--workers", "1", "--out", str(compared)])
    result = CliRunner().invoke(app, ["fit", str(compared), "--out", str(tmp_path / "fit"), *args])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "fit").exists()


def test_fit_refuses_a_folder_that_is_not_a_comparison(tmp_path):
    result = CliRunner().invoke(app, ["fit", str(tmp_path), "--out", str(tmp_path / "fit")])
    assert result.exit_code != 0 and "not a finished comparison" in result.output
