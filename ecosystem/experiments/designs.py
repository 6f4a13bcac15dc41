"""Experimental designs: which parameter values each point of a sweep runs.

``draw_sample`` gives the raw matrix (one row per point, one column per parameter, in the units of
the ranges): a full factorial ``grid``, a Latin hypercube (``lhs``, scipy.stats.qmc, seeded), Sobol'
(SALib's Saltelli-style ``sobol`` sample, N * (D + 2) points, or N * (2D + 2) with second order) or
Morris trajectories (SALib, N * (D + 1) points). ``design_table`` rounds integer parameters and maps
grid levels, giving the values that actually run.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import polars as pl
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from scipy.stats import qmc

from ecosystem.experiments.schema import Parameter, SweepFile


def salib_problem(parameters: list[Parameter]) -> dict[str, Any]:
    return {"num_vars": len(parameters), "names": [p.label for p in parameters],
            "bounds": [[p.low, p.high] for p in parameters]}


def draw_sample(sweep: SweepFile) -> np.ndarray:
    """The raw design matrix; grid levels appear as level indices."""
    design, parameters = sweep.design, sweep.parameters
    if design.kind == "grid":
        axes = [range(len(p.levels)) if p.levels is not None
                else np.linspace(p.low, p.high, design.grid_points) for p in parameters]
        return np.array(list(itertools.product(*axes)), dtype=float)
    if design.kind == "lhs":
        sampler = qmc.LatinHypercube(d=len(parameters), rng=np.random.default_rng(design.seed))
        unit = sampler.random(design.samples)
        return qmc.scale(unit, [p.low for p in parameters], [p.high for p in parameters])
    problem = salib_problem(parameters)
    if design.kind == "sobol":
        return sobol_sample.sample(problem, design.samples, calc_second_order=design.second_order,
                                   seed=design.seed)
    return morris_sample.sample(problem, design.samples, num_levels=design.morris_levels, seed=design.seed)


def design_table(sweep: SweepFile) -> pl.DataFrame:
    """``point`` and one column per parameter, holding the values the runs use."""
    sample = draw_sample(sweep)
    columns: dict[str, Any] = {"point": np.arange(len(sample), dtype=np.int64)}
    for j, parameter in enumerate(sweep.parameters):
        columns[parameter.label] = [value_of(parameter, x) for x in sample[:, j]]
    return pl.DataFrame(columns, strict=False)


def value_of(parameter: Parameter, raw: float) -> Any:
    if parameter.levels is not None:
        return parameter.levels[int(raw)]
    if parameter.integer:
        return int(round(raw))
    return float(raw)


def runs_in(sweep: SweepFile) -> int:
    """How many runs the sweep makes (points times seeds), without drawing it."""
    design, d = sweep.design, len(sweep.parameters)
    if design.kind == "grid":  # Python integers: a huge grid is counted exactly, never overflows
        points = math.prod(len(p.levels) if p.levels is not None else design.grid_points
                           for p in sweep.parameters)
    elif design.kind == "lhs":
        points = design.samples
    elif design.kind == "sobol":
        points = design.samples * (2 * d + 2 if design.second_order else d + 2)
    else:
        points = design.samples * (d + 1)
    return points * sweep.seeds
