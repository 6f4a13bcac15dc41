"""Shared fixtures: a tiny scenario that simulates three years in about a second, and its results.

BLAS is limited to one thread: the machine's cores are shared, and the small matrices of these tests
run faster single-threaded than with threads fighting over two cores.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from ecosystem.config import Scenario  # noqa: E402
from ecosystem.experiments.run import RunResult, simulate  # noqa: E402
from ecosystem.scenario_files import load_scenario  # noqa: E402

TESTS = Path(__file__).parent
TINY = TESTS / "data" / "tiny.yaml"
REPO = TESTS.parent


@pytest.fixture(scope="session", autouse=True)
def _single_threaded_blas():
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="session")
def tiny_path() -> Path:
    return TINY


@pytest.fixture(scope="session")
def tiny() -> Scenario:
    return load_scenario(TINY)


@pytest.fixture(scope="session")
def tiny_run(tiny: Scenario) -> RunResult:
    """The tiny scenario simulated once with its own seed; tests must not mutate the frame."""
    return simulate(tiny)


@pytest.fixture
def write_yaml(tmp_path: Path):
    """Write a YAML text to a file in tmp_path and return its path."""

    def write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
