"""The two-component mixture refitted by EM collapses toward a narrow point estimate."""

from __future__ import annotations

import numpy as np
from replication_oracle import series

from ecosystem.replication import run_experiment


def test_mixture_collapses_over_generations():
    table = run_experiment("gmm", samples=60, generations=150, seeds=3, seed=2)
    variance, within = series(table, "variance_ratio"), series(table, "within_variance_ratio")
    assert 0.7 < variance[1] < 1.3 and 0.7 < within[1] < 1.3  # one refit on real data is still faithful
    assert within[-1] < 0.01 and variance[-1] < 0.5  # ...many refits on its own samples are not:
    assert np.all(np.diff(within[1::30]) < 0)  # the components shrink toward points, steadily
    assert np.mean(variance[-30:]) < 0.5 * np.mean(variance[1:30])
    nll = series(table, "heldout_nll")
    assert nll[-1] > nll[0] + 5  # real data becomes implausible to the collapsed model
    assert table["theory"].null_count() == table.height  # no closed form is claimed
