"""Where a month's time goes, early (2023-24) against late (2033-34), at one rung of the scale ladder.

    python benchmarks/month_profile.py --scale 64

Runs the baseline at the ladder's volume k under cProfile, switched on only in months 60-83 and 180-203
without a refit, and prints, per window, the time of each part of a month with the work it did: new pages of
each origin, pages crawled. A part that grows with the web shows as a cost per unit of its own work that
rises from one window to the other (the web is about five times larger in the second). Prints a Markdown
table for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import datetime as dt
import os
import platform
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_ladder import BASELINE, month_work, refit_months, scaled  # noqa: E402

WINDOWS = {"2023-24": range(60, 84), "2033-34": range(180, 204)}
# (part, the function it is, the work it is priced by); the work is a key of ``work`` in ``profile``.
PARTS = (
    ("assistants' renditions", ("generative.py", "render"), "assisted"),
    ("human drafts in all (with renditions)", ("drafts.py", "publish"), "human+assisted"),
    ("writers' decisions", ("writer.py", "write_month"), "human+assisted"),
    ("farms' pages", ("farm.py", "publish"), "farm"),
    ("crawls", ("crawler.py", "crawl"), "crawled"),
    ("crawl index by site", ("site_pages.py", "seal"), "pages"),
    ("PageRank", ("graph.py", "refresh_rank"), "pages"),
    ("metrics", ("metrics.py", "collect_metrics"), "pages"),
    ("document store growth", ("documents.py", "_reserve"), "pages"),
    ("the whole month", ("model.py", "step"), "pages"),
)


def profile(k: float, seed: int) -> dict[str, tuple[pstats.Stats, dict[str, int]]]:
    """cProfile statistics and the work done, per window (months with a refit left out)."""
    from threadpoolctl import threadpool_limits

    from ecosystem.model import EcosystemModel
    from ecosystem.scenario_files import load_scenario

    scenario = load_scenario(BASELINE, overrides=scaled(k, load_scenario(BASELINE)))
    refits = refit_months()
    profilers = {name: cProfile.Profile() for name in WINDOWS}
    work = {name: collections.Counter() for name in WINDOWS}
    last = max(max(months) for months in WINDOWS.values())
    with threadpool_limits(limits=1):
        model = EcosystemModel(scenario, seed=seed)
        for month in range(last + 1):
            window = next((n for n, months in WINDOWS.items() if month in months and month not in refits), None)
            before = len(model.store)
            if window:
                profilers[window].enable()
            model.step()
            if window:
                profilers[window].disable()
                work[window]["months"] += 1
                for name, value in month_work(model, before).items():
                    work[window][name] += value
    return {name: (pstats.Stats(profilers[name]), work[name]) for name in WINDOWS}


def cumulative(stats: pstats.Stats, where: tuple[str, str]) -> float:
    """Seconds spent in a function and everything it called (0 when it never ran)."""
    file, function = where
    return sum(row[3] for (path, _, name), row in stats.stats.items() if path.endswith(file) and name == function)


def table(results: dict[str, tuple[pstats.Stats, dict[str, int]]]) -> str:
    names = list(results)
    lines = ["| part | priced by | " + " | ".join(f"{n}: seconds, µs per unit" for n in names) + " | change per unit |",
             "|---|---|" + "---:|" * (len(names) + 1)]
    for part, where, unit in PARTS:
        cells, per_unit = [], []
        for name in names:
            stats, work = results[name]
            seconds = cumulative(stats, where)
            units = sum(work[u] for u in unit.split("+"))
            per_unit.append(seconds / max(units, 1) * 1e6)
            cells.append(f"{seconds:.2f} s, {per_unit[-1]:.2f}")
        change = f"{per_unit[-1] / per_unit[0]:.2f}x" if per_unit[0] > 0 else "-"
        lines.append(f"| {part} | {unit.replace('+', ' + ')} | " + " | ".join(cells) + f" | {change} |")
    lines += ["", "| work | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for key in ("months", "pages", "human", "assisted", "farm", "vendor", "crawled"):
        lines.append(f"| {key} | " + " | ".join(f"{results[n][1][key]:,}" for n in names) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=64.0)
    parser.add_argument("--seed", type=int, default=2000)
    args = parser.parse_args()
    started = time.perf_counter()
    results = profile(args.scale, args.seed)
    print(f"Scale {args.scale:g}x, seed {args.seed}; {platform.machine()}, {os.cpu_count()} cores; {dt.date.today()}; "
          f"{time.perf_counter() - started:.0f} s under the profiler.\n")
    print(table(results))


if __name__ == "__main__":
    main()
