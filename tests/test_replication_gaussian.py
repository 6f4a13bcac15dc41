"""Shumailov et al.'s single Gaussian: MLE and unbiased variance, c4 for the std, the mean's random walk."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from replication_oracle import assert_matches, rejects, series
from scipy.special import gamma

from ecosystem.replication import ReplicationError, run_experiment
from ecosystem.replication.gaussian import c4, theory_curves

QUANTITIES = ["variance", "std", "log_variance", "mean_error_sq"]


@pytest.fixture(scope="module")
def m20():
    return run_experiment("gaussian", samples=20, generations=10, seeds=600, seed=7)


@pytest.mark.parametrize(("samples", "generations", "seeds"), [(20, 10, 600), (50, 20, 300), (100, 8, 400)])
def test_closed_forms_match_both_estimators(samples, generations, seeds, m20):
    table = m20 if samples == 20 else run_experiment("gaussian", samples=samples, generations=generations,
                                                     seeds=seeds, seed=7)
    for estimator in ("mle", "unbiased"):
        for quantity in QUANTITIES:
            assert_matches(table, quantity, arm=f"{estimator}/replace")


def test_the_oracle_rejects_plausible_wrong_formulas(m20):
    ones = np.ones(10)
    assert rejects(m20, "variance", ones, arm="mle/replace")  # the MLE does not keep s^2
    assert rejects(m20, "std", ones, arm="unbiased/replace")  # unbiased variance, yet E[s_n] = c4^n s
    assert rejects(m20, "log_variance", 0 * ones, arm="unbiased/replace")  # and log-variance drifts down


def test_c4_is_the_textbook_constant():
    assert c4(2) == pytest.approx(np.sqrt(2 / np.pi))
    m = 10
    assert c4(m) == pytest.approx(np.sqrt(2 / (m - 1)) * gamma(m / 2) / gamma((m - 1) / 2))
    curves = theory_curves(10, 3, "unbiased")
    assert curves["std"] == pytest.approx(c4(10) ** np.arange(4))
    assert curves["variance"] == pytest.approx(np.ones(4))
    assert theory_curves(10, 3, "mle")["variance"] == pytest.approx(0.9 ** np.arange(4))


def test_same_seed_same_table_and_seed_matters():
    options = {"samples": 10, "generations": 4, "seeds": 20, "estimators": ("mle",)}
    first = run_experiment("gaussian", seed=3, **options)
    assert first.equals(run_experiment("gaussian", seed=3, **options))
    assert not first.equals(run_experiment("gaussian", seed=4, **options))
    assert first.columns == ["arm", "generation", "quantity", "mean", "std", "n_seeds", "theory",
                             "theory_limit"]


def test_accumulating_keeps_the_variance_that_replacing_loses():
    table = run_experiment("gaussian", samples=10, generations=30, seeds=60, estimators=("mle",),
                           policies=("replace", "accumulate"), seed=1)
    replaced = series(table, "variance", "mle/replace")
    accumulated = series(table, "variance", "mle/accumulate")
    assert replaced[-1] < 0.3 < 0.7 < accumulated[-1]
    assert table.filter(pl.col("arm") == "mle/accumulate")["theory"].null_count() == 4 * 31


@pytest.mark.parametrize(("option", "value"), [("samples", 1), ("seeds", 0), ("estimators", "bessel"),
                                                ("policies", "archive"), ("generations", 2.5)])
def test_bad_options_name_the_option_and_value(option, value):
    with pytest.raises(ReplicationError, match=rf"{option}.*{value}"):
        run_experiment("gaussian", **{option: value})
