"""The ledger's replication numbers: each claim runs, and its interval is honest about its seeds."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ecosystem.replication import ReplicationError, resolve_options
from ecosystem.replication.claims import CLAIMS, measure, seed_values


@pytest.mark.parametrize("name", sorted(CLAIMS))
def test_every_claim_names_a_valid_experiment(name):
    claim = CLAIMS[name]
    resolve_options(claim.experiment, claim.options)  # raises on an option the experiment does not take
    assert claim.quantity and claim.unit


def test_measure_reports_mean_interval_and_theory():
    result = measure("regression", seeds=range(3, 9))
    assert set(result) >= {"quantity", "simulated", "ci_low", "ci_high", "theory", "unit", "n_seeds"}
    assert result["theory"] == pytest.approx(1.0 * 3 * 10 / (20 - 3 - 1))  # s^2 d n / (T-d-1)
    assert result["ci_low"] < result["simulated"] < result["ci_high"]
    half = (result["ci_high"] - result["ci_low"]) / 2
    se = half / stats.t.ppf(0.975, df=5)
    assert abs(result["simulated"] - result["theory"]) < 4 * se  # the same oracle as the tests, at 6 seeds
    assert measure("regression", seeds=range(3, 9)) == result  # the seeds fix the result


def test_seed_values_are_what_measure_summarises():
    values, theory = seed_values("regression", seeds=range(3, 6))
    assert values.shape == (3,) and len(set(values)) == 3  # each seed is its own replicate
    result = measure("regression", seeds=range(3, 6))
    assert result["simulated"] == pytest.approx(values.mean()) and result["theory"] == theory


def test_the_interval_narrows_with_more_seeds():
    few, many = measure("regression", seeds=range(20, 23)), measure("regression", seeds=range(20, 32))
    assert np.isfinite(few["ci_low"]) and many["ci_high"] - many["ci_low"] < few["ci_high"] - few["ci_low"]


@pytest.mark.parametrize(("name", "seeds", "needle"), [("nonsense", range(2), "unknown claim 'nonsense'"),
                                                       ("gaussian", range(5, 6), "at least 2 seeds, got 1")])
def test_bad_requests_name_the_problem(name, seeds, needle):
    with pytest.raises(ReplicationError, match=needle):
        measure(name, seeds=seeds)
