"""Fresh real data mixed with synthetic data (Bertrand et al.; Alemohammad et al.; Kazdan et al.)."""

from __future__ import annotations

import pytest
from replication_oracle import Z, assert_matches, change_z, gap_z

from ecosystem.replication import run_experiment
from ecosystem.replication.mixing import published_limits, theory_curves


@pytest.fixture(scope="module")
def biased():
    """A quarter real data, synthetic samples drawn at 0.6 times the fitted variance."""
    return run_experiment("mixing", samples=40, real_share=0.25, temperature=0.6, generations=20, seeds=400,
                          policies=("replace",), seed=9)


@pytest.mark.parametrize(("samples", "real_share", "temperature", "estimator"),
                         [(40, 0.5, 1.0, "mle"), (20, 0.0, 1.0, "unbiased"), (30, 0.7, 0.8, "unbiased")])
def test_exact_expectations_match(samples, real_share, temperature, estimator):
    table = run_experiment("mixing", samples=samples, real_share=real_share, temperature=temperature,
                           estimator=estimator, generations=15, seeds=400, policies=("replace",), seed=9)
    assert_matches(table, "mean_error_sq")
    assert_matches(table, "variance")


def test_sampling_bias_narrows_the_model_as_predicted(biased):
    assert_matches(biased, "mean_error_sq")
    assert_matches(biased, "variance")
    assert change_z(biased, "variance")[-1] < -Z  # lambda < 1 really narrows the model
    assert published_limits(40, 10, 0.6)["variance"] == pytest.approx(0.25 / (1 - 0.6 * 0.75))  # (1-w)/(1-lambda w)


@pytest.mark.parametrize(("n", "real_share", "temperature"),
                         [(1000, 0.5, 1.0), (1000, 0.2, 0.7), (4000, 0.6, 0.9)])
def test_published_steady_states_are_the_large_n_limit(n, real_share, temperature):
    n_real = int(real_share * n)
    published = published_limits(n, n_real, temperature)
    for estimator in ("mle", "unbiased"):
        exact = theory_curves(n, n_real, temperature, estimator, 3000)
        w = 1 - real_share
        assert exact["variance"][-1] == pytest.approx(published["variance"], rel=3 / n / (1 - w))
        assert exact["mean_error_sq"][-1] == pytest.approx(published["mean_error_sq"], rel=5 / n / (1 - w))
    if temperature == 1.0:
        assert published["mean_error_sq"] == pytest.approx(1 / (n * (1 - 0.5**2)))


def test_policies_side_by_side():
    table = run_experiment("mixing", samples=30, real_share=0.5, generations=15, seeds=120, seed=1)
    assert set(table["arm"]) == {"replace", "accumulate", "accumulate-subsample"}
    # accumulated real data averages the error of the mean away; replace keeps a steady error
    assert gap_z(table, ("mean_error_sq", "replace", -1), ("mean_error_sq", "accumulate", -1)) > Z
    assert table.filter(table["arm"] != "replace")["theory"].null_count() == 2 * 2 * 16
