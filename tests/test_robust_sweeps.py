"""Sweep files refused when loaded, before any run: names that collide in the result tables, and designs
too large for the machine, counted without being drawn."""

from __future__ import annotations

import time

import pytest
import yaml
from typer.testing import CliRunner

from ecosystem.cli import app
from ecosystem.experiments.schema import SweepError
from ecosystem.experiments.sweep import load_sweep
from tests.conftest import TINY


def sweep_file(tmp_path, **changes):
    body = {
        "name": "robust",
        "base": str(TINY),
        "parameters": [{"path": "farms.fixed_cost", "name": "cost", "low": 10, "high": 20},
                       {"path": "humans.writers", "name": "writers", "low": 20, "high": 40, "integer": True}],
        "design": {"kind": "grid"},
        "outcomes": [{"name": "share", "metric": "web.synthetic_share_new", "at": "2021-12"}],
        **changes,
    }
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(body))
    return path


COLLISIONS = {
    "parameter named point": (
        {"parameters": [{"path": "farms.fixed_cost", "name": "point", "levels": [10, 20]}]},
        "parameters.0: the name 'point' is a column every sweep table has (point, seed); set name: to something "
        "else"),
    "parameter named seed": (
        {"parameters": [{"path": "seed", "levels": [1, 2]}]},
        "parameters.0: the name 'seed' is a column every sweep table has (point, seed); set name: to something "
        "else"),
    "outcome named seed": (
        {"outcomes": [{"name": "seed", "metric": "web.docs", "at": "2021-12"}]},
        "outcomes.0.name: 'seed' is a column every sweep table has (point, seed); choose another name"),
    "outcome named like a parameter": (
        {"outcomes": [{"name": "cost", "metric": "web.docs", "at": "2021-12"}]},
        "outcomes.0.name: 'cost' is also a parameter's name; outcome and parameter names must differ"),
    "name too long for a figure file": (
        {"outcomes": [{"name": "s" * 300, "metric": "web.docs", "at": "2021-12"}]},
        "outcomes.0.name: 300 characters; names of columns and figures are limited to 80 (set a shorter name:)"),
    "infinite range": (
        {"parameters": [{"path": "humans.writers", "low": 20, "high": float("inf"), "integer": True}]},
        "parameters.0.high: Input should be a finite number (got inf)"),
    "boolean seeds": ({"seeds": True}, "seeds: Input should be a valid integer (got true)"),
    "seeds past 2**63-1": ({"first_seed": 2**63 - 1, "seeds": 2},
                           "first_seed + seeds - 1 = 9223372036854775808; seeds go up to 2**63-1"),
}


def assert_refused_at_load(tmp_path, changes: dict, expected: str) -> None:
    """A sweep file with ``changes`` is refused by ``load_sweep`` with exactly ``FILE: expected``."""
    path = sweep_file(tmp_path, **changes)
    with pytest.raises(SweepError) as err:
        load_sweep(path)
    assert str(err.value) == f"{path}: {expected}"


@pytest.mark.parametrize("case", list(COLLISIONS), ids=list(COLLISIONS))
def test_names_that_collide_in_the_tables_are_refused_at_load_time(tmp_path, case):
    assert_refused_at_load(tmp_path, *COLLISIONS[case])


TOO_LARGE = {
    "100,000-point grid": ({"design": {"kind": "grid", "grid_points": 317}},
                           "grid design x 1 seeds: 100,489 runs"),
    "a billion seeds": ({"seeds": 1_000_000_000}, "grid design x 1000000000 seeds: 9,000,000,000 runs"),
    "huge lhs": ({"design": {"kind": "lhs", "samples": 10**12}}, "lhs design x 1 seeds: 1,000,000,000,000 runs"),
    "huge sobol": ({"design": {"kind": "sobol", "samples": 2**40}}, "sobol design x 1 seeds: 4,398,046,511,104 runs"),
}


@pytest.mark.parametrize("case", list(TOO_LARGE), ids=list(TOO_LARGE))
def test_designs_too_large_are_counted_and_refused_without_being_drawn(tmp_path, case):
    changes, expected = TOO_LARGE[case]
    path = sweep_file(tmp_path, **changes)
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["sweep", str(path), "--out", str(tmp_path / "out"), "--dry-run"])
    assert time.perf_counter() - started < 10  # counted, not drawn
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert " ".join(result.output.split()) == (f"error: {path}: {expected}; at most 10,000 runs fit one batch on "
                                               "this machine (use fewer seeds or points)")
    assert not (tmp_path / "out").exists()


def test_a_sweep_named_dot_dot_stays_inside_the_results_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = sweep_file(tmp_path, name="..", parameters=[{"path": "farms.fixed_cost", "levels": [10, 20]}],
                      outcomes=[{"name": "share", "metric": "web.synthetic_share_new", "at": "2020-03"}])
    assert load_sweep(path).file.name == ".."
    result = CliRunner().invoke(app, ["sweep", str(path), "--workers", "1", "--set", "end=2020-03"])
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "results" / "sweeps").iterdir()
    assert folder.name.startswith("unnamed-") and (folder / "design.parquet").is_file()
    assert not (tmp_path / "results" / "design.parquet").exists()
