"""Sensitivity indices from a finished sweep, with confidence intervals (SALib).

Sobol': first-order ``S1`` and total ``ST`` indices with bootstrap half-widths. Morris: ``mu_star``
(mean absolute elementary effect) with its bootstrap half-width, ``mu`` and ``sigma``. Each outcome is
first averaged over the seeds of a point.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze

from ecosystem.experiments.designs import draw_sample, salib_problem
from ecosystem.experiments.schema import SweepError, SweepFile

COLUMNS = {"outcome": pl.Utf8, "parameter": pl.Utf8, "index": pl.Utf8, "value": pl.Float64,
           "conf": pl.Float64}


def sensitivity_table(sweep: SweepFile, point_means: pl.DataFrame, *, level: float = 0.95) -> pl.DataFrame:
    """Long table ``outcome, parameter, index, value, conf`` (conf: half-width of the ``level`` interval).
    ``point_means`` has one row per point with a column per outcome. Empty for grid and lhs designs."""
    if sweep.design.kind not in ("sobol", "morris"):
        return pl.DataFrame(schema=COLUMNS)
    problem = salib_problem(sweep.parameters)
    sample = draw_sample(sweep)
    rows = []
    for outcome in sweep.outcomes:
        y = _outcome_vector(point_means, outcome.name, len(sample))
        if sweep.design.kind == "sobol":
            result = sobol_analyze.analyze(problem, y, calc_second_order=sweep.design.second_order,
                                           conf_level=level, seed=sweep.design.seed)
            pairs = [("S1", "S1_conf"), ("ST", "ST_conf")]
        else:
            result = morris_analyze.analyze(problem, sample, y, conf_level=level,
                                            num_levels=sweep.design.morris_levels, seed=sweep.design.seed)
            pairs = [("mu_star", "mu_star_conf"), ("mu", None), ("sigma", None)]
        for j, parameter in enumerate(sweep.parameters):
            for index, conf in pairs:
                rows.append((outcome.name, parameter.label, index, float(result[index][j]),
                             float(result[conf][j]) if conf else None))
    return pl.DataFrame(rows, schema=COLUMNS, orient="row")


def _outcome_vector(point_means: pl.DataFrame, name: str, points: int) -> np.ndarray:
    ordered = point_means.sort("point")
    if ordered.height != points or ordered["point"].to_list() != list(range(points)):
        raise SweepError(f"sensitivity of {name}: {points - ordered.height} design points have no result; "
                         "re-run the sweep to finish them")
    y = ordered[name].to_numpy().astype(float)
    if np.isnan(y).any():
        raise SweepError(f"sensitivity of {name}: {int(np.isnan(y).sum())} design points have no value "
                         "(the metric is missing at that month)")
    return y
