"""The measures the ledger's entries use: small functions that turn one seed's runs (``Runs``: arm name -> wide
metrics) into one number, and the readers of a run's months they are built from."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence

import numpy as np
import polars as pl
from scipy.stats import spearmanr

from analysis.claims.model import VENDORS, Runs
from analysis.topics import LOST_BELOW
from ecosystem.config import RealityConfig
from ecosystem.content.reality import tail_topics

# ----------------------------------------------------------------------------------------------
# Reading one run


def at(frame: pl.DataFrame, column: str, date: str) -> float:
    """A metric's value in one month (NaN if the run does not have it)."""
    rows = frame.filter(pl.col("date") == dt.date.fromisoformat(date + "-01"))
    return float(rows[column][0]) if column in frame.columns and rows.height and rows[column][0] is not None \
        else math.nan


def window_mean(frame: pl.DataFrame, column: str, first: str, last: str) -> float:
    rows = frame.filter(pl.col("date").is_between(dt.date.fromisoformat(first + "-01"),
                                                   dt.date.fromisoformat(last + "-01")))
    return float(rows[column].mean()) if column in frame.columns and rows.height else math.nan


def at_retrains(frame: pl.DataFrame, vendor: str, metric: str) -> np.ndarray:
    """A vendor's metric in each month it retrained, oldest first."""
    rows = frame.filter(pl.col(f"vendor.{vendor}.retrained") == 1.0).sort("step")
    return rows[f"vendor.{vendor}.{metric}"].to_numpy()


def at_age(frame: pl.DataFrame, vendor: str, metric: str, age: int) -> float:
    rows = frame.filter(pl.col(f"vendor.{vendor}.age_months") == age)
    return float(rows[f"vendor.{vendor}.{metric}"][0]) if rows.height else math.nan


# ----------------------------------------------------------------------------------------------
# Measures of one seed's runs


def difference(a: Callable[[Runs], float], b: Callable[[Runs], float]) -> Callable[[Runs], float]:
    return lambda runs: a(runs) - b(runs)


def value_at(arm: str, column: str, date: str) -> Callable[[Runs], float]:
    return lambda runs: at(runs[arm], column, date)


def first_to_last(arm: str, vendor: str, metric: str, *, log10_ratio: bool = False) -> Callable[[Runs], float]:
    def measure(runs: Runs) -> float:
        series = at_retrains(runs[arm], vendor, metric)
        if log10_ratio:
            return float(np.log10(series[-1] / series[0]))
        return float(series[-1] - series[0])
    return measure


def entrant_first_synthetic(arm: str) -> Callable[[Runs], float]:
    """The synthetic share of the late entrant's first training set (age 0)."""
    return lambda runs: at_age(runs[arm], "LateEntrant", "train_synthetic_share", 0)


def late_minus_first(arm: str, metric: str, age: int) -> Callable[[Runs], float]:
    """LateEntrant's metric minus FirstMover's, each at the same age (months since its first model)."""
    def measure(runs: Runs) -> float:
        frame = runs[arm]
        return at_age(frame, "LateEntrant", metric, age) - at_age(frame, "FirstMover", metric, age)
    return measure


def share_gap(arm: str, age: int) -> Callable[[Runs], float]:
    """FirstMover's share of users minus LateEntrant's, when LateEntrant's model is ``age`` months old."""
    def measure(runs: Runs) -> float:
        rows = runs[arm].filter(pl.col("vendor.LateEntrant.age_months") == age)
        if not rows.height:
            return math.nan
        return float(rows["vendor.FirstMover.market_share"][0] - rows["vendor.LateEntrant.market_share"][0])
    return measure


def fpr_gap(arm: str) -> Callable[[Runs], float]:
    """Detector false-positive rate on common-topic human pages minus rare-topic ones, 2024-2026."""
    def measure(runs: Runs) -> float:
        frame = runs[arm]
        return (window_mean(frame, "detector.Sentinel.fpr_common", "2024-01", "2026-06")
                - window_mean(frame, "detector.Sentinel.fpr_tail", "2024-01", "2026-06"))
    return measure


def vendors_mean_last(arm: str, metric: str, *, minus: str | None = None) -> Callable[[Runs], float]:
    """The mean over the scenario's vendors of ``metric`` (less ``minus``) in the run's last month."""
    def measure(runs: Runs) -> float:
        frame = runs[arm]
        date = f"{frame['date'].max():%Y-%m}"
        values = [at(frame, f"vendor.{v}.{metric}", date) - (at(frame, f"vendor.{v}.{minus}", date) if minus else 0)
                  for v in VENDORS]
        return float(np.nanmean(values))
    return measure


def crawlers_window_mean(arm: str, metric: str, first: str, last: str) -> Callable[[Runs], float]:
    """The mean over the vendors' crawlers and the months ``first``..``last`` of a crawler metric."""
    def measure(runs: Runs) -> float:
        frame = runs[arm]
        return float(np.nanmean([window_mean(frame, f"crawler.{v}.{metric}", first, last) for v in VENDORS]))
    return measure


def excess_gap_last_year(arm: str, reference: str, vendors: Sequence[str] = tuple(VENDORS)) -> Callable[[Runs], float]:
    """Excess NLL averaged over the run's last twelve months (a whole year, not one January) and over
    ``vendors``, ``arm`` minus ``reference`` (same seed, same end)."""
    def last_year(name: str) -> Callable[[Runs], float]:
        def measure(runs: Runs) -> float:
            end = runs[name]["date"].max()
            first = f"{end.year - 1}-{end.month + 1:02d}" if end.month < 12 else f"{end.year}-01"
            return float(np.nanmean([window_mean(runs[name], f"vendor.{v}.excess_nll", first, f"{end:%Y-%m}")
                                     for v in vendors]))
        return measure
    return difference(last_year(arm), last_year(reference))


def excess_gap_last_month(arm: str, reference: str, vendors: Sequence[str]) -> Callable[[Runs], float]:
    """``vendors``' mean excess NLL in the run's last month, ``arm`` minus ``reference``."""
    def mean_excess(frame: pl.DataFrame) -> float:
        date = f"{frame['date'].max():%Y-%m}"
        return float(np.nanmean([at(frame, f"vendor.{v}.excess_nll", date) for v in vendors]))
    return lambda runs: mean_excess(runs[arm]) - mean_excess(runs[reference])


def rare_minus_common_loss(arm: str, vendor: str) -> Callable[[Runs], float]:
    """The share of the rare topics' kept mass (``tail_kept``) lost from the first model to the last, less the
    same share for the common topics (``common_kept``): positive when the rare topics fade faster. Relative to
    the first model, so what capacity loses at once (K_v < K) does not count as the loop's doing."""
    def lost(runs: Runs, metric: str) -> float:
        series = at_retrains(runs[arm], vendor, metric)
        return float(1.0 - series[-1] / series[0])
    return lambda runs: lost(runs, "tail_kept") - lost(runs, "common_kept")


def topic_ratios(frame: pl.DataFrame, vendor: str) -> np.ndarray:
    """A vendor's per-topic mass ratios at each retraining: (retrainings, topics), topics by index."""
    frame = frame.filter(pl.col(f"vendor.{vendor}.retrained") == 1.0).sort("step")
    prefix = f"vendor.{vendor}.topic_"
    columns = sorted((c for c in frame.columns if c.startswith(prefix) and c.endswith("_mass_ratio")),
                     key=lambda c: int(c.removeprefix(prefix).split("_")[0]))
    return frame.select(columns).to_numpy()


def rare_first_lead(arm: str, vendor: str, share: float = 0.5,
                    tail_fraction: float = RealityConfig().tail_fraction) -> Callable[[Runs], float]:
    """Generations (retrains) between the rare topics and the common ones each losing ``share`` of the topics
    the first model held (kept at least a tenth of their mass), common minus rare: positive when the tails go
    first. The rare topics are the rarest ``tail_fraction`` of a Gaussian reality without drift (indexed from
    the commonest); a side that never gets there counts one generation past the last."""
    def measure(runs: Runs) -> float:
        ratios = topic_ratios(runs[arm], vendor)
        rare = tail_topics(1.0 / np.arange(1, ratios.shape[1] + 1), n_original=ratios.shape[1],
                           fraction=tail_fraction)
        lost = ratios < LOST_BELOW
        held = ~lost[0]
        generations = []
        for side in (rare & held, ~rare & held):
            reached = lost[:, side].sum(axis=1) >= share * side.sum() if side.any() else np.ones(len(lost), bool)
            hit = np.flatnonzero(reached)
            generations.append(float(hit[0] + 1 if len(hit) else len(lost) + 1))
        return generations[1] - generations[0]
    return measure


def rarity_order(arm: str, vendor: str) -> Callable[[Runs], float]:
    """Spearman correlation between a topic's weight in reality and how many retrainings it survived (kept
    at least a tenth of its mass; never lost counts as all): positive when the rare topics go first. Topics
    are indexed from the commonest to the rarest."""
    def measure(runs: Runs) -> float:
        ratios = topic_ratios(runs[arm], vendor)
        lost = ratios < LOST_BELOW
        survived = np.where(lost.any(axis=0), lost.argmax(axis=0), len(ratios))
        return float(spearmanr(-np.arange(ratios.shape[1]), survived).statistic)
    return measure
