"""ABC-SMC with pyabc: the posterior of the uncertain parameters given the published series.

A particle is a parameter set; its summary statistics are the observation metrics at the target dates, each
the mean over the calibration's seeds (the same seeds for every particle, so particles differ by their
parameters, not their luck). pyabc keeps its history in SQLite inside the output folder after every
generation, and each generation is run from that history, so a calibration killed at any point resumes from
its last finished generation with the same command.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from ecosystem.calibration.settings import Calibration
from ecosystem.calibration.targets import Target
from ecosystem.metric_table import SHARE, find, split_name

HISTORY = "history.db"
Z95 = 1.959964  # a published 95% interval spans 2 x 1.96 standard errors


class Simulator:
    """pyabc's model: parameters in, summary statistics out (picklable, for worker processes)."""

    def __init__(self, calibration: Calibration) -> None:
        self.calibration = calibration

    def __call__(self, parameters: dict) -> dict[str, float]:
        from ecosystem.experiments.run import simulate

        scenario = self.calibration.scenario(natural(self.calibration, dict(parameters)))
        runs = [simulate(scenario, seed=seed).metrics for seed in self.calibration.seeds]
        return {t.key: float(np.mean([statistic(metrics, t) for metrics in runs])) for t in self.calibration.targets}


def statistic(metrics: pl.DataFrame, target: Target) -> float:
    """A run's value of a target's metric at its month (YYYY-MM) or its year's mean (YYYY)."""
    name = split_name(target.metric)
    rows = metrics.filter((pl.col("kind") == name.kind) & (pl.col("metric") == name.metric))
    if name.entity is not None:
        rows = rows.filter(pl.col("entity") == name.entity)
    year, _, month = target.date.partition("-")
    rows = rows.filter(pl.col("date").dt.year() == int(year))
    if month:
        rows = rows.filter(pl.col("date") == dt.date(int(year), int(month), 1))
    return float(rows["value"].mean()) if rows.height else math.nan


class Standardized:
    """Euclidean distance with each statistic in units of its standard error: the published one (interval / 3.92,
    at least ``resolution`` for a share) and the simulator's own, a particle's mean over ``seeds`` runs whose
    spread a pilot measured (``noise``: standard deviation over seeds), so that a precise series weighs more than
    a rough one but no statistic is asked to be closer than the simulator can say."""

    def __init__(self, targets: list[Target], *, resolution: float = 0.0, noise: dict[str, float] | None = None,
                 seeds: int = 1) -> None:
        noise = noise or {}
        self.scale = {t.key: math.hypot(max((t.high - t.low) / (2 * Z95), resolution if _is_share(t) else 0.0),
                                        noise.get(t.key, 0.0) / math.sqrt(seeds)) for t in targets}

    def __call__(self, simulated: dict, observed: dict) -> float:
        return math.sqrt(sum(((simulated[k] - observed[k]) / s) ** 2 for k, s in self.scale.items()))


def _is_share(target: Target) -> bool:
    name = split_name(target.metric)
    row = find(name.kind, name.metric)
    return row is not None and row.unit == SHARE


def _log_scaled(calibration: Calibration) -> set[str]:
    """Parameters pyabc samples as log10 of their value: a log-uniform prior is uniform there, so the
    perturbation kernel moves a decade at either end alike and the importance weights (prior over proposal)
    do not pile onto the smallest values, as they did sampled on the value itself."""
    return {p.label for p in calibration.file.parameters if p.prior.distribution == "loguniform"}


def natural(calibration: Calibration, sampled: dict) -> dict[str, float]:
    """A particle's parameters as the scenario takes them (log10-sampled ones exponentiated)."""
    logs = _log_scaled(calibration)
    return {name: 10.0 ** float(value) if name in logs else float(value) for name, value in sampled.items()}


def _prior(calibration: Calibration):
    import pyabc

    def rv(prior):
        if prior.distribution == "uniform":
            return pyabc.RV("uniform", prior.low, prior.high - prior.low)
        low, high = math.log10(prior.low), math.log10(prior.high)
        return pyabc.RV("uniform", low, high - low)

    return pyabc.Distribution(**{p.label: rv(p.prior) for p in calibration.file.parameters})


def simulator_noise(calibration: Calibration) -> dict[str, float]:
    """Each statistic's standard deviation over the pilot's seeds, at the base scenario's own values (seeds after
    the calibration's own, so the pilot never reuses a particle's)."""
    file = calibration.file
    first = file.first_seed + file.seeds
    runs = [simulate_base(calibration, seed) for seed in range(first, first + file.pilot_seeds)]
    return {t.key: float(np.std([statistic(m, t) for m in runs], ddof=1)) for t in calibration.targets}


def simulate_base(calibration: Calibration, seed: int) -> pl.DataFrame:
    from ecosystem.experiments.run import simulate

    return simulate(calibration.base, seed=seed).metrics


def _abc(calibration: Calibration, sampler, noise: dict[str, float] | None):
    import pyabc

    file = calibration.file
    distance = (Standardized(calibration.targets, resolution=file.resolution, noise=noise, seeds=file.seeds)
                if file.distance == "standardized" else pyabc.AdaptivePNormDistance(p=2))
    return pyabc.ABCSMC(Simulator(calibration), _prior(calibration), distance,
                        population_size=calibration.file.population, sampler=sampler)


@dataclass(frozen=True)
class SamplerChoice:
    """Where particles are simulated: this process (workers 1), local processes, or a Dask cluster."""

    workers: int | None = None
    scheduler: str | None = None
    dask_local: int | None = None

    @property
    def description(self) -> str:
        if self.scheduler:
            return f"the Dask scheduler at {self.scheduler}"
        if self.dask_local:
            return f"a local Dask cluster of {self.dask_local} processes"
        workers = self.workers or os.cpu_count() or 1
        return "this process" if workers == 1 else f"{workers} local processes"

    def open(self):
        """The pyabc sampler and a function that releases it. Several local workers are a local Dask cluster of
        spawned processes, not pyabc's multicore samplers: those fork this process, and a fork taken after
        polars has started its thread pool (the pilot, the tables written after each generation) deadlocks."""
        from pyabc.sampler import SingleCoreSampler

        workers = self.workers or os.cpu_count() or 1
        local = self.dask_local or (workers if workers > 1 and not self.scheduler else None)
        if self.scheduler or local:
            from distributed import Client, LocalCluster
            from pyabc.sampler import DaskDistributedSampler

            cluster = (None if self.scheduler else
                       LocalCluster(n_workers=local, threads_per_worker=1, processes=True, dashboard_address=None))
            client = Client(self.scheduler or cluster)

            def close() -> None:
                client.close()
                if cluster is not None:
                    cluster.close()

            return DaskDistributedSampler(dask_client=client), close
        return SingleCoreSampler(), lambda: None


def generations_done(folder: Path) -> int:
    """Generations the history in ``folder`` holds (0 without one)."""
    import pyabc

    path = folder / HISTORY
    if not path.exists():
        return 0
    history = pyabc.History(f"sqlite:///{path}", _id=1)
    return int(history.max_t) + 1 if history.id is not None else 0


def run_generations(calibration: Calibration, folder: Path, choice: SamplerChoice,
                    on_generation: Callable[[int, pl.DataFrame], None],
                    noise: dict[str, float] | None = None) -> pl.DataFrame:
    """Run the generations the history lacks, one at a time, each from the history on disk; after each one
    ``on_generation(done, diagnostics)``. Stops at ``generations`` or once epsilon reaches ``min_epsilon``."""
    for name in ("ABC", "ABC.History", "ABC.Sampler", "ABC.Distance", "ABC.Epsilon", "ABC.Population"):
        logging.getLogger(name).setLevel(logging.WARNING)  # the command shows its own progress
    url = f"sqlite:///{folder / HISTORY}"
    file = calibration.file
    sampler, close = choice.open()
    try:
        done = generations_done(folder)
        diagnostics = read_diagnostics(folder) if done else pl.DataFrame()
        while done < file.generations and not (done and diagnostics["epsilon"][-1] <= file.min_epsilon):
            np.random.seed((file.sampler_seed + done) % 2**32)  # pyabc draws from numpy's global generator
            abc = _abc(calibration, sampler, noise)
            if (folder / HISTORY).exists():  # from the history on disk, also after a kill
                abc.load(url, 1)
            else:
                abc.new(url, {t.key: t.value for t in calibration.targets})
            abc.run(max_nr_populations=1)
            done = generations_done(folder)
            diagnostics = read_diagnostics(folder)
            on_generation(done, diagnostics)
    finally:
        close()
    return diagnostics


def read_posterior(folder: Path, calibration: Calibration) -> pl.DataFrame:
    """Every generation's particles: generation, particle, weight and one column per parameter."""
    import pyabc

    history = pyabc.History(f"sqlite:///{folder / HISTORY}", _id=1)
    frames = []
    for t in range(int(history.max_t) + 1):
        particles, weights = history.get_distribution(t=t)  # rows in particle id order
        distance = _distances(folder / HISTORY, t)
        frame = pl.from_pandas(particles.reset_index(drop=True))
        frame = frame.with_columns(pl.lit(10.0).pow(pl.col(name)).alias(name)
                                   for name in _log_scaled(calibration) if name in frame.columns)
        frames.append(frame.select(pl.lit(t, pl.Int32).alias("generation"),
                                   pl.int_range(frame.height, dtype=pl.Int32).alias("particle"),
                                   pl.Series("weight", np.asarray(weights, dtype=float)),
                                   pl.Series("distance", [distance[i] for i in particles.index], dtype=pl.Float64),
                                   pl.all()))
    return pl.concat(frames)


def _distances(history: Path, t: int) -> dict[int, float]:
    """Each particle's distance to the data in generation ``t``, by particle id (pyabc keeps it per sample; the
    baseline takes the closest particle, ``Posterior.closest``)."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(history)) as db:
        rows = db.execute("SELECT particles.id, samples.distance FROM samples "
                          "JOIN particles ON samples.particle_id = particles.id "
                          "JOIN models ON particles.model_id = models.id "
                          "JOIN populations ON models.population_id = populations.id "
                          "WHERE populations.t = ? AND populations.abc_smc_id = 1", (t,)).fetchall()
    return {int(particle): float(distance) for particle, distance in rows}


def read_diagnostics(folder: Path) -> pl.DataFrame:
    """One row a generation: epsilon, simulations, particles, acceptance rate, effective sample size and the
    generation's wall-clock seconds."""
    import pyabc
    from pyabc.weighted_statistics import effective_sample_size

    history = pyabc.History(f"sqlite:///{folder / HISTORY}", _id=1)
    populations = history.get_all_populations().sort_values("t")
    ends = list(populations["population_end_time"])
    rows = []
    for i, row in enumerate(populations.itertuples()):
        if row.t < 0:
            continue
        _, weights = history.get_distribution(t=int(row.t))
        rows.append({"generation": int(row.t), "epsilon": float(row.epsilon), "simulations": int(row.samples),
                     "particles": int(row.particles), "acceptance_rate": row.particles / row.samples,
                     "ess": float(effective_sample_size(np.asarray(weights, dtype=float))),
                     "wall_seconds": (ends[i] - ends[i - 1]).total_seconds()})
    return pl.DataFrame(rows, schema={"generation": pl.Int32, "epsilon": pl.Float64, "simulations": pl.Int64,
                                      "particles": pl.Int64, "acceptance_rate": pl.Float64, "ess": pl.Float64,
                                      "wall_seconds": pl.Float64})


def write_results(folder: Path, staging: Path, calibration: Calibration) -> pl.DataFrame:
    """posterior.parquet and diagnostics.parquet from the history in ``folder``, into ``staging``."""
    read_posterior(folder, calibration).write_parquet(staging / "posterior.parquet")
    diagnostics = read_diagnostics(folder)
    diagnostics.write_parquet(staging / "diagnostics.parquet")
    return diagnostics
