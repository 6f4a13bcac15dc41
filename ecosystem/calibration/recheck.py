"""The particle a calibrated scenario takes, chosen on seeds it was not selected on.

A particle's distance in the history is measured on the calibration's few seeds, and the smallest of a
generation's noisy distances is mostly luck (the winner's curse): on fresh seeds that particle fits worse than its
distance says. So the last generation's closest ``candidates`` particles are simulated again on ``seeds`` fresh
seeds (after the calibration's own and its pilot's), scored with the same distance, and the one closest there is
the calibrated scenario's (``Posterior.closest`` reads it from ``recheck.parquet``).
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
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


def recheck(calibration: Calibration, posterior: pl.DataFrame, *, sha256: str, noise: dict[str, float] | None,
            choice: SamplerChoice) -> pl.DataFrame:
    """The last generation's closest candidates, each with its distance on the fresh seeds (``recheck_distance``,
    the same standardized distance with the simulator's noise for that many seeds), closest first."""
    settings = calibration.file.recheck
    last = posterior.filter(pl.col("generation") == posterior["generation"].max())
    candidates = last.sort("distance").head(settings.candidates)
    labels = [p.label for p in calibration.file.parameters]
    seeds = list(recheck_seeds(calibration))
    tasks = [(_Task(calibration, {label: float(row[label]) for label in labels}), seed)
             for row in candidates.iter_rows(named=True) for seed in seeds]
    results = _run(tasks, choice)
    distance = Standardized(calibration.targets, resolution=calibration.file.resolution, noise=noise,
                            seeds=len(seeds))
    observed = {t.key: t.value for t in calibration.targets}
    rechecked = []
    for i in range(candidates.height):
        runs = results[i * len(seeds):(i + 1) * len(seeds)]
        rechecked.append(distance({key: float(np.mean([run[key] for run in runs])) for key in observed}, observed))
    return (candidates.select("generation", "particle", "distance")
            .with_columns(pl.Series("recheck_distance", rechecked, dtype=pl.Float64),
                          pl.lit(len(seeds), pl.Int32).alias("recheck_seeds"), pl.lit(sha256).alias("posterior_sha256"))
            .sort("recheck_distance"))


def _run(tasks: list[tuple[_Task, int]], choice: SamplerChoice) -> list[dict[str, float]]:
    """Each (candidate, seed) simulated where the calibration's particles were: this process, spawned local
    processes (a fork after polars started its threads can deadlock) or a Dask cluster; results in task order."""
    if choice.scheduler or choice.dask_local:
        from distributed import Client, LocalCluster

        cluster = (None if choice.scheduler else LocalCluster(n_workers=choice.dask_local, threads_per_worker=1,
                                                              processes=True, dashboard_address=None))
        with Client(choice.scheduler or cluster) as client:
            try:
                return client.gather([client.submit(task, seed, pure=False) for task, seed in tasks])
            finally:
                if cluster is not None:
                    cluster.close()
    workers = min(choice.workers or os.cpu_count() or 1, len(tasks))
    if workers <= 1:
        return [task(seed) for task, seed in tasks]
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(_call, tasks))


def _call(task_and_seed: tuple[_Task, int]) -> dict[str, float]:
    task, seed = task_and_seed
    return task(seed)
