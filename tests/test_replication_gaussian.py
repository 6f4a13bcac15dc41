"""Shumailov et al.'s single Gaussian: MLE and unbiased variance, c4 for the std, the mean's random walk."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from replication_oracle import Z, assert_matches, change_z, gap_z, z_scores

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


# Power against near misses, on one data set sized for it: M = 4 samples, 3 generations, 3000 chains.
# Expected |z| = sqrt(3000) * |exact - near miss| / sd of one chain, at the best generation:
# - MLE variance, ((M-2)/(M-1))^n: at n = 2, 0.5625 - 0.4444 = 0.118 over sd 0.5625 sqrt((5/3)^2 - 1) = 0.75
#   (each generation's factor chi2_3/4 has E[X^2] / E[X]^2 = 1 + 2/(M-1) = 5/3), so z = 0.157 * 54.8 = 8.6.
# - unbiased std, c4(M-1)^n for c4(M)^n: at n = 3, 0.782 - 0.696 = 0.086 over sd sqrt(1 - 0.782^2) = 0.623,
#   so z = 0.138 * 54.8 = 7.6.
# - MLE mean error, n/M (the unbiased estimator's law) for 1 - ((M-1)/M)^n: at n = 3, 0.750 - 0.578 = 0.172
#   over an sd of 0.91 (measured at seed 7), so z = 0.19 * 54.8 = 10.4.
POWER_M, POWER_GENERATIONS, POWER_SEEDS = 4, 3, 3000
FORMULAS = [  # (arm, quantity, formula of (M, n), whether the oracle must accept it)
    ("mle/replace", "variance", lambda m, n: ((m - 1) / m) ** n, True),
    ("mle/replace", "variance", lambda m, n: ((m - 2) / (m - 1)) ** n, False),
    ("unbiased/replace", "std", lambda m, n: c4(m) ** n, True),
    ("unbiased/replace", "std", lambda m, n: c4(m - 1) ** n, False),
    ("mle/replace", "mean_error_sq", lambda m, n: 1 - ((m - 1) / m) ** n, True),
    ("mle/replace", "mean_error_sq", lambda m, n: n / m, False),
]
FORMULA_IDS = ["mle-variance-exact", "mle-variance-(M-2)/(M-1)", "unbiased-std-exact", "unbiased-std-c4(M-1)",
               "mle-mean-exact", "mle-mean-n/M"]


@pytest.fixture(scope="module")
def m4():
    return run_experiment("gaussian", samples=POWER_M, generations=POWER_GENERATIONS, seeds=POWER_SEEDS, seed=7)


@pytest.mark.parametrize(("arm", "quantity", "formula", "accept"), FORMULAS, ids=FORMULA_IDS)
def test_exact_formula_accepted_and_near_misses_rejected(m4, arm, quantity, formula, accept):
    n = np.arange(1, POWER_GENERATIONS + 1)
    z = np.abs(z_scores(m4, quantity, arm=arm, theory=formula(POWER_M, n)))
    assert np.all(z <= Z) if accept else np.any(z > Z), f"{arm} {quantity}: |z| = {np.round(z, 2)}"


def test_small_samples_match_every_closed_form(m4):
    for estimator in ("mle", "unbiased"):
        for quantity in QUANTITIES:
            assert_matches(m4, quantity, arm=f"{estimator}/replace")


def test_c4_is_the_textbook_constant():
    assert c4(2) == pytest.approx(np.sqrt(2 / np.pi))
    # Values printed in control-chart tables (e.g. ASTM E2587), not recomputed from the formula.
    assert [c4(m) for m in (5, 10, 25)] == pytest.approx([0.9400, 0.9727, 0.9896], abs=1e-4)
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
    assert change_z(table, "variance", arm="mle/replace")[-1] < -Z
    assert gap_z(table, ("variance", "mle/accumulate", -1), ("variance", "mle/replace", -1)) > Z
    assert table.filter(pl.col("arm") == "mle/accumulate")["theory"].null_count() == 4 * 31


@pytest.mark.parametrize(("option", "value"), [("samples", 1), ("seeds", 0), ("estimators", "bessel"),
                                                ("policies", "archive"), ("generations", 2.5)])
def test_bad_options_name_the_option_and_value(option, value):
    with pytest.raises(ReplicationError, match=rf"{option}.*{value}"):
        run_experiment("gaussian", **{option: value})
