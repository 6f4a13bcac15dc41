"""The two-component mixture refitted by EM: its total variance follows the exact law, its components collapse.

Every tolerance comes from the seeds: the oracle's z uses the standard error over the 40 chains.
"""

from __future__ import annotations

import numpy as np
import pytest
from replication_oracle import Z, assert_matches, change_z, rejects

from ecosystem.replication import run_experiment
from ecosystem.replication.gmm import REG_COVAR, variance_theory

M, GENERATIONS, SEEDS = 20, 20, 40


@pytest.fixture(scope="module")
def table():
    return run_experiment("gmm", samples=M, generations=GENERATIONS, seeds=SEEDS, seed=2)


def test_total_variance_shrinks_by_m_minus_one_over_m(table):
    assert_matches(table, "variance_ratio", arm="replace")
    # Power: "EM keeps the variance" is 1 - (19/20)^20 = 0.64 away at generation 20, where the sd over
    # chains is about 0.43 (mean of 6 runs of 24 chains, seeds 2-7; heavy-tailed, from 0.29 to 0.58), so
    # its expected |z| is 0.64 / (0.43 / sqrt(40)) = 9.4. A near miss such as ((M-2)/(M-1))^n is out of
    # reach here: it is 0.019 away, 0.044 sd of one chain, so z = 6 would take 18,000 EM chains; the single
    # Gaussian's test rejects it.
    assert rejects(table, "variance_ratio", np.ones(GENERATIONS), arm="replace")


def test_variance_theory_adds_the_regularisation_once_per_refit():
    curve = variance_theory(10, 3)
    truth_var = 6.0  # trace of reality: x spread 1 + 2^2, y spread 1
    expected = [1.0, 0.9 + 2 * REG_COVAR / truth_var]
    assert curve[:2] == pytest.approx(expected, rel=1e-12)
    assert curve[3] == pytest.approx(0.9**3 + 2 * REG_COVAR / truth_var * (1 + 0.9 + 0.81), rel=1e-12)


def test_components_collapse_and_real_data_becomes_implausible(table):
    within = change_z(table, "within_variance_ratio", arm="replace")
    assert within[-1] < -Z  # the components have shrunk, beyond Z standard errors over seeds
    nll = change_z(table, "heldout_nll", arm="replace")
    assert nll.max() > Z and np.all(nll > -Z)  # held-out real NLL rises, and never falls significantly
    assert table.filter(table["arm"] == "replace", table["quantity"] != "variance_ratio")["theory"].null_count() \
        == 4 * (GENERATIONS + 1)  # no closed form is claimed for the other quantities
