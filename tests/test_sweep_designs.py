"""Designs: sample shapes and bounds for each kind, and sensitivity indices on known functions."""

import numpy as np
import polars as pl
import pytest

from ecosystem.experiments.designs import design_table, draw_sample, runs_in
from ecosystem.experiments.schema import SweepError, SweepFile
from ecosystem.experiments.sensitivity import sensitivity_table

RANGES = [
    {"path": "a", "low": 0.0, "high": 1.0},
    {"path": "b", "low": 10.0, "high": 20.0},
    {"path": "c", "low": -1.0, "high": 1.0},
]


def sweep(kind: str, *, parameters=RANGES, seeds: int = 1, **design) -> SweepFile:
    return SweepFile.model_validate({
        "name": "t", "base": "x.yaml", "parameters": parameters, "seeds": seeds,
        "design": {"kind": kind, **design},
        "outcomes": [{"name": "y", "metric": "web.docs", "at": "2020-01"}],
    })


def assert_within_bounds(sample: np.ndarray, parameters=RANGES) -> None:
    for j, p in enumerate(parameters):
        assert sample[:, j].min() >= p["low"] and sample[:, j].max() <= p["high"]


@pytest.mark.parametrize(("kind", "design", "points"), [
    ("grid", {"grid_points": 4}, 4**3),
    ("lhs", {"samples": 10}, 10),
    ("sobol", {"samples": 16}, 16 * (3 + 2)),
    ("sobol", {"samples": 8, "second_order": True}, 8 * (2 * 3 + 2)),
    ("morris", {"samples": 6, "morris_levels": 4}, 6 * (3 + 1)),
])
def test_each_design_has_its_shape_and_stays_in_bounds(kind, design, points):
    spec = sweep(kind, seeds=2, **design)
    sample = draw_sample(spec)
    assert sample.shape == (points, 3)
    assert_within_bounds(sample)
    assert runs_in(spec) == points * 2
    table = design_table(spec)
    assert table.columns == ["point", "a", "b", "c"] and table["point"].to_list() == list(range(points))


def test_designs_are_reproducible_from_their_seed_and_change_with_it():
    for kind in ("lhs", "sobol", "morris"):
        first = draw_sample(sweep(kind, samples=8, seed=3))
        again = draw_sample(sweep(kind, samples=8, seed=3))
        other = draw_sample(sweep(kind, samples=8, seed=4))
        assert np.array_equal(first, again), kind
        assert not np.array_equal(first, other), kind


def test_latin_hypercube_puts_one_point_in_each_stratum_of_every_parameter():
    n = 12
    sample = draw_sample(sweep("lhs", samples=n, seed=1))
    for j, p in enumerate(RANGES):
        strata = np.floor((sample[:, j] - p["low"]) / (p["high"] - p["low"]) * n).astype(int)
        assert sorted(strata) == list(range(n))


def test_morris_moves_one_factor_at_a_time_on_its_level_grid():
    spec = sweep("morris", samples=5, morris_levels=4, seed=2)
    sample = draw_sample(spec)
    unit = (sample - [0.0, 10.0, -1.0]) / [1.0, 10.0, 2.0]
    assert set(np.round(unit.ravel() * 3, 9)) <= {0.0, 1.0, 2.0, 3.0}
    for trajectory in unit.reshape(5, 4, 3):
        changed = (np.abs(np.diff(trajectory, axis=0)) > 1e-12).sum(axis=1)
        assert changed.tolist() == [1, 1, 1]


def test_grid_levels_and_integer_parameters_give_the_values_that_run():
    parameters = [{"path": "policy", "levels": ["replace", "accumulate"]},
                  {"path": "k", "low": 2, "high": 9, "integer": True}]
    table = design_table(sweep("grid", parameters=parameters, grid_points=3))
    assert table["policy"].to_list() == ["replace"] * 3 + ["accumulate"] * 3
    assert table["k"].to_list() == [2, 6, 9] * 2  # 5.5 rounds to even
    assert table.schema["k"] == pl.Int64


def point_means(spec: SweepFile, y: np.ndarray) -> pl.DataFrame:
    return pl.DataFrame({"point": np.arange(len(y)), "y": y})


def test_sobol_indices_rank_the_parameters_of_a_known_function():
    spec = sweep("sobol", samples=512, seed=7)
    x = draw_sample(spec)
    y = 4.0 * x[:, 0] + 0.2 * x[:, 1] + 0.0 * x[:, 2]  # variances: 16/12, 4/12 (b spans 10), 0
    table = sensitivity_table(spec, point_means(spec, y))
    s1 = {r["parameter"]: r for r in table.filter(pl.col("index") == "S1").iter_rows(named=True)}
    assert s1["a"]["value"] == pytest.approx(0.8, abs=0.08)
    assert s1["b"]["value"] == pytest.approx(0.2, abs=0.08)
    assert abs(s1["c"]["value"]) < 0.05
    assert s1["a"]["conf"] > 0 and s1["b"]["conf"] > 0 and s1["c"]["conf"] >= 0
    assert s1["a"]["value"] - s1["a"]["conf"] > s1["b"]["value"] + s1["b"]["conf"]
    st = table.filter(pl.col("index") == "ST", pl.col("parameter") == "a")["value"].item()
    assert st == pytest.approx(0.8, abs=0.1)


def test_morris_mu_star_is_the_slope_of_a_linear_function():
    spec = sweep("morris", samples=20, seed=7)
    x = draw_sample(spec)
    y = 3.0 * x[:, 0] - 0.5 * x[:, 1]
    table = sensitivity_table(spec, point_means(spec, y))
    rows = table.filter(pl.col("index") == "mu_star").iter_rows(named=True)
    mu_star = {r["parameter"]: r["value"] for r in rows}
    # SALib scales elementary effects to the unit range: slope times the width of the range
    assert mu_star["a"] == pytest.approx(3.0, rel=1e-6)
    assert mu_star["b"] == pytest.approx(5.0, rel=1e-6)
    assert mu_star["c"] == pytest.approx(0.0, abs=1e-9)


def test_sensitivity_needs_every_point_and_is_empty_for_grids():
    spec = sweep("sobol", samples=8)
    y = np.ones(8 * 5)
    with pytest.raises(SweepError, match="1 design points have no result"):
        sensitivity_table(spec, point_means(spec, y)[:-1])
    with pytest.raises(SweepError, match="have no value"):
        sensitivity_table(spec, point_means(spec, np.where(np.arange(40) == 3, np.nan, 1.0)))
    assert sensitivity_table(sweep("grid"), point_means(spec, y)).is_empty()
