"""The ledger's adoption measures (analysis/claims/adoption.py) on hand-made runs: the sweep's threshold and who
marks more read what a reader of the ledger would read off the metrics."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from analysis.claims.adoption import last_year_mean, marking_gap_last_year, takeoff_cost


def _run(**columns: list[float | None]) -> pl.DataFrame:
    n = len(next(iter(columns.values())))
    dates = [dt.date(2030 + (m // 12), m % 12 + 1, 1) for m in range(n)]
    return pl.DataFrame({"step": list(range(n)), "date": dates, **columns})


def _shares(value: float) -> pl.DataFrame:
    return _run(**{"watermark.adoption_share": [0.0] * 12 + [value] * 12})


def test_the_takeoff_cost_is_where_adoption_falls_through_one_half() -> None:
    arms = [(0.0, "a"), (0.1, "b"), (0.2, "c")]
    runs = {"a": _shares(0.9), "b": _shares(0.7), "c": _shares(0.3)}
    assert takeoff_cost(arms)(runs) == pytest.approx(0.15)  # halfway from 0.7 at 0.1 to 0.3 at 0.2
    assert takeoff_cost(arms)({**runs, "c": _shares(0.6)}) == 0.2  # never falls: the sweep's top bounds it
    assert takeoff_cost(arms)({**runs, "a": _shares(0.4)}) == 0.0  # never reaches one half


def test_last_year_mean_reads_the_runs_last_twelve_months() -> None:
    assert last_year_mean("a", "watermark.adoption_share")({"a": _shares(0.25)}) == pytest.approx(0.25)
    assert last_year_mean("a", "watermark.adoption_share")({"a": _run(x=[1.0])}) == 0.0  # not written: none marks


def test_the_marking_gap_compares_the_same_months() -> None:
    """Months before a vendor enters (not written) count as not marking, over the same last twelve months."""
    frame = _run(**{"vendor.First.marks": [1.0] * 24, "vendor.Late.marks": [None] * 18 + [1.0] * 6})
    assert marking_gap_last_year("a", "First", "Late")({"a": frame}) == pytest.approx(0.5)
