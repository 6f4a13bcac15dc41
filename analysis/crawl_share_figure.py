"""The first-mover pollution penalty against how synthetic the late entrant's training crawl is: one point per
crawl fresh share (analysis/claims/crawl_share.py), each with its 95% intervals on both axes, read from the
claims ledger.

``python -m analysis.crawl_share_figure`` (after ``ecosim claims``) draws
docs/figures/first_mover_vs_synthetic.png (and .svg) from docs/claims.parquet.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from analysis.claims.crawl_share import ARMS, LEVELS, arm_name, penalty_id, synthetic_id
from analysis.claims.model import SCENARIOS
from analysis.style import caption, new_figure, save
from ecosystem.scenario_files import load_scenario

REPO = Path(__file__).resolve().parents[1]
LEDGER = REPO / "docs" / "claims.parquet"
FIGURES = REPO / "docs" / "figures"
STEM = "first_mover_vs_synthetic"


def missing_ids(claims: pl.DataFrame, levels: Sequence[float] = LEVELS) -> list[str]:
    """The crawl-share entries the ledger table lacks (or holds without a value)."""
    present = set(claims.filter(pl.col("effect").is_not_null())["id"].to_list()) if "effect" in claims.columns \
        else set()
    return [i for level in levels for i in (penalty_id(level), synthetic_id(level)) if i not in present]


def points(claims: pl.DataFrame, levels: Sequence[float] = LEVELS) -> pl.DataFrame:
    """One row per fresh share: the late entrant's synthetic share (x) and the penalty (y), each with its
    interval, with the penalty's n and seeds."""
    by_id = {row["id"]: row for row in claims.iter_rows(named=True)}
    rows = []
    for level in levels:
        x, y = by_id[synthetic_id(level)], by_id[penalty_id(level)]
        rows.append({"fresh_share": level, "x": x["effect"], "x_low": x["ci_low"], "x_high": x["ci_high"],
                     "y": y["effect"], "y_low": y["ci_low"], "y_high": y["ci_high"], "n": y["n"],
                     "seeds": y["seeds"]})
    return pl.DataFrame(rows)


def scenario_note(frame: pl.DataFrame) -> str:
    """The caption: the scenario, its dates and the seeds the points are over."""
    arm = ARMS[arm_name(LEVELS[0])]
    scenario = load_scenario(SCENARIOS / arm.scenario, overrides=arm.overrides)
    entry = {v.name: v.entry for v in scenario.vendors}
    seeds = ", ".join(sorted(set(frame["seeds"].to_list())))
    ns = sorted(set(frame["n"].to_list()))
    n = str(ns[0]) if len(ns) == 1 else f"{ns[0]}-{ns[-1]}"
    return (f"{arm.scenario}, polluted web (no drift, no market), {scenario.start:%Y-%m} to {scenario.end:%Y-%m}; "
            f"entries {entry['FirstMover']:%Y-%m} and {entry['LateEntrant']:%Y-%m}; seeds {seeds} (n = {n})")


def crawl_share_figure(claims: pl.DataFrame, *, note: str = ""):
    """The penalty (y) against the late entrant's synthetic training share (x), one labelled point per fresh
    share with its 95% intervals as error bars, joined in order of the fresh share."""
    frame = points(claims).sort("fresh_share")
    fig, axes = new_figure(width=7.0, height=4.2)
    ax = axes[0, 0]
    x, y = frame["x"].to_numpy(), frame["y"].to_numpy()
    xerr = [x - frame["x_low"].to_numpy(), frame["x_high"].to_numpy() - x]
    yerr = [y - frame["y_low"].to_numpy(), frame["y_high"].to_numpy() - y]
    ax.plot(x, y, color="0.6", linewidth=1, zorder=1)
    ax.errorbar(x, y, xerr=xerr, yerr=yerr, fmt="o", color="#0072B2", ecolor="#0072B2", markersize=5,
                capsize=3, linewidth=1.2, zorder=2, label="mean with 95% interval (both axes)")
    for level, xi, yi in zip(frame["fresh_share"], x, y, strict=True):
        ax.annotate(f"{level:.0%} new pages", (xi, yi), xytext=(6, 6), textcoords="offset points", fontsize=7)
    ax.axhline(0.0, color="0.3", linewidth=0.8, linestyle=(0, (4, 2)))
    ax.set_xlabel("share of the late entrant's first training set that is machine-made")
    ax.set_ylabel("how much worse the late entrant's first\nmodel is than the first mover's [nats]")
    ax.set_xlim(0.0, max(1.0, float(frame["x_high"].max()) + 0.05))  # a share: 0 is a clean training set
    ax.set_title("First-mover advantage against how machine-made the training crawl is")
    ax.plot([], [], linestyle="none", label="point labels: share of each crawl new since the last crawl")
    ax.legend(fontsize=7, loc="upper left")
    if note:
        caption(fig, note)
    return fig


def main(*, ledger: Path = LEDGER, folder: Path = FIGURES) -> int:
    """Draw the figure from the ledger; 1 (and one line saying why) if the ledger lacks its entries."""
    if not ledger.is_file():
        print(f"{ledger} does not exist: run `ecosim claims` first", file=sys.stderr)
        return 1
    claims = pl.read_parquet(ledger)
    missing = missing_ids(claims)
    if missing:
        print(f"{ledger} lacks {len(missing)} crawl-share entries (e.g. {missing[0]}): run `ecosim claims` first",
              file=sys.stderr)
        return 1
    frame = points(claims)
    paths = save(crawl_share_figure(claims, note=scenario_note(frame)), folder, STEM)
    print(f"wrote {paths[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
