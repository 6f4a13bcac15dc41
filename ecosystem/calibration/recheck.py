"""The particle a calibrated scenario takes, chosen on seeds it was not selected on.

A particle's distance in the history is measured on the calibration's few seeds, and the smallest of a
generation's noisy distances is mostly luck (the winner's curse): on fresh seeds that particle fits worse than its
distance says. So the last generation's closest ``candidates`` particles are simulated again on ``seeds`` fresh
seeds (after the calibration's own and its pilot's), scored with the same distance, and the one closest there is
the calibrated scenario's (``Posterior.closest`` reads it from ``recheck.parquet``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ecosystem.calibration.settings import Calibration
from ecosystem.calibration.smc import SamplerChoice, Standardized, statistic


def recheck_seeds(calibration: Calibration) -> range:
    """Fresh seeds: after the calibration's own and its noise pilot's."""
    file = calibration.file
    first = file.first_seed + file.seeds + file.pilot_seeds
    return range(first, first + file.recheck.seeds)


@dataclass(frozen=True)
class _Task:
    """One candidate on one seed: its statistics (picklable, for worker processes)."""

    calibration: Calibration
    values: dict[str, float]  # by parameter label, natural scale

    def __call__(self, seed: int) -> dict[str, float]:
        from ecosystem.experiments.run import simulate

        metrics = simulate(self.calibration.scenario(self.values), seed=seed).metrics
        return {t.key: statistic(metrics, t) for t in self.calibration.targets}


def mean_statistics(calibration: Calibration, candidates: list[dict[str, float]], seeds: list[int],
                    choice: SamplerChoice) -> list[dict[str, float]]:
    """Each candidate's statistics (parameter values by label, natural scale), the mean over ``seeds``."""
    tasks = [(_Task(calibration, values), seed) for values in candidates for seed in seeds]
    results = _run(tasks, choice)
    keys = [t.key for t in calibration.targets]
    return [{key: float(np.mean([run[key] for run in results[i * len(seeds):(i + 1) * len(seeds)]])) for key in keys}
            for i in range(len(candidates))]


def calibration_distance(calibration: Calibration, noise: dict[str, float] | None, seeds: int) -> Standardized:
    """The calibration's own distance, for a mean over ``seeds`` runs."""
    return Standardized(calibration.targets, resolution=calibration.file.resolution, noise=noise, seeds=seeds)


def recheck(calibration: Calibration, posterior: pl.DataFrame, *, sha256: str, noise: dict[str, float] | None,
            choice: SamplerChoice) -> pl.DataFrame:
    """The last generation's closest candidates, each with its distance on the fresh seeds (``recheck_distance``,
    the same standardized distance with the simulator's noise for that many seeds), closest first."""
    last = posterior.filter(pl.col("generation") == posterior["generation"].max())
    candidates = last.sort("distance").head(calibration.file.recheck.candidates)
    labels = [p.label for p in calibration.file.parameters]
    seeds = list(recheck_seeds(calibration))
    means = mean_statistics(calibration, [{label: float(row[label]) for label in labels}
                                          for row in candidates.iter_rows(named=True)], seeds, choice)
    score = calibration_distance(calibration, noise, len(seeds))
    observed = {t.key: t.value for t in calibration.targets}
    return (candidates.select("generation", "particle", "distance")
            .with_columns(pl.Series("recheck_distance", [score(mean, observed) for mean in means], dtype=pl.Float64),
                          pl.lit(len(seeds), pl.Int32).alias("recheck_seeds"), pl.lit(sha256).alias("posterior_sha256"))
            .sort("recheck_distance"))


def _run(tasks: list[tuple[_Task, int]], choice: SamplerChoice) -> list[dict[str, float]]:
    """Each (candidate, seed) simulated where the calibration's particles were (this process, local processes or
    a Dask cluster: the executors compare and sweep use); results in task order, the first failure raised."""
    from ecosystem.experiments.executors import choose_executor

    results: dict[int, dict[str, float]] = {}
    with choose_executor(workers=choice.workers, scheduler=choice.scheduler,
                         dask_local=choice.dask_local) as executor:
        for done in executor.map_unordered(_call, list(enumerate(tasks))):
            if done.error is not None:
                raise done.error
            results[done.item[0]] = done.value
    return [results[i] for i in range(len(tasks))]


def _call(numbered: tuple[int, tuple[_Task, int]]) -> dict[str, float]:
    _, (task, seed) = numbered
    return task(seed)
