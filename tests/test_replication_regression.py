"""Gerstgrasser et al.: replacing data makes test error grow linearly, accumulating keeps it bounded."""

from __future__ import annotations

import numpy as np
import pytest
from replication_oracle import assert_matches, rejects, series

from ecosystem.replication import run_experiment
from ecosystem.replication.regression import theory_curve


@pytest.mark.parametrize(("samples", "dim", "noise", "generations", "seeds"),
                         [(20, 3, 1.0, 10, 250), (40, 8, 0.5, 6, 150)])
def test_replace_and_accumulate_match_closed_forms(samples, dim, noise, generations, seeds):
    table = run_experiment("regression", samples=samples, dim=dim, noise=noise, generations=generations,
                           seeds=seeds, policies=("replace", "accumulate"), seed=3)
    assert_matches(table, "test_error", arm="replace")
    assert_matches(table, "test_error", arm="accumulate")
    first = noise**2 * dim / (samples - dim - 1)
    n = np.arange(1, generations + 1)
    assert rejects(table, "test_error", first * n, arm="accumulate")  # accumulate is not replace
    assert rejects(table, "test_error", first * np.cumsum(1.0 / n**2), arm="replace")  # nor the reverse


def test_accumulate_is_bounded_and_replace_is_not():
    table = run_experiment("regression", samples=20, dim=3, generations=15, seeds=40, seed=4)
    replace, accumulate = series(table, "test_error", "replace"), series(table, "test_error", "accumulate")
    subsample = series(table, "test_error", "accumulate-subsample")
    first = 3 / 16
    limit = series(table, "test_error", "accumulate", column="theory_limit")[0]
    assert limit == pytest.approx(first * np.pi**2 / 6)
    assert accumulate[-1] < 1.5 * limit and replace[-1] > 5 * first
    assert accumulate[-1] < subsample[-1] < replace[-1]  # Kazdan et al.: subsampling sits in between
    theory, bound = theory_curve(20, 3, 1.0, 1000, "accumulate")
    assert np.all(theory <= bound) and theory[-1] == pytest.approx(bound, rel=1e-3)
