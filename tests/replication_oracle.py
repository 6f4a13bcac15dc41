"""The statistical oracle the replication tests share: a z-test of the mean over seeds against theory.

With n independent seeds, the simulated mean of a quantity has standard error std / sqrt(n); a closed
form is matched when every generation's mean is within Z standard errors of it. Z = 4 keeps the
chance of a false alarm per comparison below 1e-4. Power: each test file runs the same test with the
exact formula and with its near misses (the formula with M-1 for M, T-d for T-d-1, ...) and requires the
first accepted and every near miss rejected; sizes are chosen so that a near miss's expected |z| is at
least 6 (each file shows the arithmetic), so a rejection does not hang on luck.
"""

from __future__ import annotations

import numpy as np
import polars as pl

Z = 4.0
NEGATIVE_Z = np.sqrt(2.0) * Z  # for gap_z between cells that may be negatively correlated


def z_scores(table: pl.DataFrame, quantity: str, *, arm: str | None = None, theory=None) -> np.ndarray:
    """(mean - theory) / (std / sqrt(n_seeds)) for generations >= 1 where theory is known."""
    rows = table.filter(pl.col("quantity") == quantity, pl.col("generation") >= 1)
    if arm is not None:
        rows = rows.filter(pl.col("arm") == arm)
    rows = rows.sort("generation")
    expected = rows["theory"].to_numpy().astype(float) if theory is None else np.asarray(theory, dtype=float)
    known = ~np.isnan(expected)
    assert known.any(), f"no theory for {quantity} ({arm})"
    se = rows["std"].to_numpy()[known] / np.sqrt(rows["n_seeds"].to_numpy()[known])
    return (rows["mean"].to_numpy()[known] - expected[known]) / se


def assert_matches(table: pl.DataFrame, quantity: str, *, arm: str | None = None) -> None:
    z = z_scores(table, quantity, arm=arm)
    worst = int(np.argmax(np.abs(z)))
    assert np.all(np.abs(z) <= Z), f"{quantity} ({arm}): |z| = {abs(z[worst]):.2f} at comparison {worst}"


def rejects(table: pl.DataFrame, quantity: str, wrong, *, arm: str | None = None) -> bool:
    """Whether the same test would reject a wrong formula somewhere (the oracle has power)."""
    return bool(np.any(np.abs(z_scores(table, quantity, arm=arm, theory=wrong)) > Z))


def change_z(table: pl.DataFrame, quantity: str, *, arm: str | None = None) -> np.ndarray:
    """z of (mean at generation n - mean at generation 0) for each n >= 1 (see ``gap_z``)."""
    mean, se_sq = _mean_and_se_sq(table, quantity, arm)
    return (mean[1:] - mean[0]) / np.sqrt(se_sq[1:] + se_sq[0])


def gap_z(table: pl.DataFrame, high: tuple[str, str | None, int], low: tuple[str, str | None, int]) -> float:
    """z of mean(high) - mean(low); each cell is (quantity, arm, generation), generation -1 the last.

    The two squared standard errors over seeds are added as if the cells were independent. Cells of the same
    chains at two generations, or of two arms started from the same data, are positively correlated, and
    then this over-states the standard error (the test is conservative). Cells that may be negatively
    correlated (two shares of one fixed-size sample) can have up to twice that variance: compare with
    ``NEGATIVE_Z`` = sqrt(2) Z there.
    """
    (mean_hi, se_hi), (mean_lo, se_lo) = (_mean_and_se_sq(table, q, arm) for q, arm, _ in (high, low))
    g_hi, g_lo = high[2], low[2]
    return float((mean_hi[g_hi] - mean_lo[g_lo]) / np.sqrt(se_hi[g_hi] + se_lo[g_lo]))


def _mean_and_se_sq(table: pl.DataFrame, quantity: str, arm: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Per generation: the mean over seeds and its squared standard error."""
    rows = table.filter(pl.col("quantity") == quantity)
    if arm is not None:
        rows = rows.filter(pl.col("arm") == arm)
    rows = rows.sort("generation")
    return rows["mean"].to_numpy(), rows["std"].fill_null(0.0).to_numpy() ** 2 / rows["n_seeds"].to_numpy()


def series(table: pl.DataFrame, quantity: str, arm: str | None = None, column: str = "mean") -> np.ndarray:
    rows = table.filter(pl.col("quantity") == quantity)
    if arm is not None:
        rows = rows.filter(pl.col("arm") == arm)
    return rows.sort("generation")[column].to_numpy()
