"""Runs shared by the lever tests: variants of tests/data/tiny.yaml over 10 common seeds, in two
forkserver worker processes, each reduced to the mean of a few metrics from a given month on."""

from __future__ import annotations

import copy
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import polars as pl
import yaml
from scipy import stats

from ecosystem.config import validate_scenario
from ecosystem.experiments.run import simulate

TINY = Path(__file__).parent / "data" / "tiny.yaml"
SEEDS = range(10)
Metric = tuple[str, str, str]  # kind, entity, metric


def tiny(**changes) -> dict:
    """tiny.yaml with vendors at temperature 0.5 (their output far enough from human text for a
    classifier to find), and top-level fields replaced by ``changes``."""
    raw = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    raw["vendors"] = [dict(v, temperature=0.5) for v in raw["vendors"]]
    raw.update(copy.deepcopy(changes))
    return raw


def _run(job: tuple[dict, int, list[Metric], int]) -> list[float]:
    raw, seed, metrics, from_step = job
    frame = simulate(validate_scenario(raw), seed=seed).metrics.filter(pl.col("step") >= from_step)
    values = []
    for kind, entity, name in metrics:
        rows = frame.filter(pl.col("kind") == kind, pl.col("entity") == entity, pl.col("metric") == name)
        values.append(float(rows["value"].mean()) if len(rows) else float("nan"))
    return values


def outcomes(variants: dict[str, dict], metrics: list[Metric], *,
             from_step: int = 20) -> dict[str, dict[Metric, list[float]]]:
    """For each variant and metric, the per-seed mean of the metric over months ``from_step`` on."""
    jobs = [(raw, seed, metrics, from_step) for raw in variants.values() for seed in SEEDS]
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("forkserver")) as pool:
        results = list(pool.map(_run, jobs))
    table: dict[str, dict[Metric, list[float]]] = {}
    for i, name in enumerate(variants):
        runs = results[i * len(SEEDS) : (i + 1) * len(SEEDS)]
        table[name] = {metric: [run[j] for run in runs] for j, metric in enumerate(metrics)}
    return table


def less(a: list[float], b: list[float]) -> float:
    """One-sided paired Wilcoxon p-value that ``a`` is below ``b`` (same seeds)."""
    return float(stats.wilcoxon(a, b, alternative="less").pvalue)
