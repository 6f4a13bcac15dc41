"""How long the dashboard takes to step a month and draw it, over a whole scenario.

    python -m dashboard.timing scenarios/baseline.yaml

Runs the page's own code path (``LiveModel`` with the page's figures, one month at a time) and prints,
for the step, the drawing and both together, the mean, 95th percentile and maximum in wall-clock time
and in the worker's CPU time (which other processes on a busy machine do not inflate), the share of
months done in under a second, and the slowest months.
"""

from __future__ import annotations

import argparse

import numpy as np

from dashboard.levers import Recipe
from dashboard.live import LiveModel, Session
from dashboard.plots import draw_all


def time_months(path: str) -> tuple[list[str], np.ndarray]:
    """Per month: its date and (step wall, draw wall, step CPU, draw CPU) seconds."""
    live = LiveModel(Session(Recipe.from_file(path), draw=draw_all))
    live.wait()
    dates, rows = [], []
    while live.running:
        live.step()
        live.wait()
        if live.error:
            raise SystemExit(f"{path}: {live.error}")
        dates.append(f"{live.snapshot.current_date:%Y-%m}")
        rows.append([live.seconds["step"], live.seconds["draw"], live.cpu_seconds["step"], live.cpu_seconds["draw"]])
    return dates, np.array(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="scenarios/baseline.yaml")
    args = parser.parse_args()
    dates, t = time_months(args.scenario)
    print(f"{args.scenario}: {len(dates)} months")
    columns = {"step": t[:, 0], "draw": t[:, 1], "step+draw": t[:, 0] + t[:, 1],
               "step CPU": t[:, 2], "draw CPU": t[:, 3], "step+draw CPU": t[:, 2] + t[:, 3]}
    print(f"{'seconds':>14} {'mean':>6} {'p95':>6} {'max':>6} {'< 1 s':>6}")
    for name, values in columns.items():
        print(f"{name:>14} {values.mean():6.2f} {np.quantile(values, 0.95):6.2f} {values.max():6.2f} "
              f"{(values < 1).mean():6.0%}")
    total = t[:, 0] + t[:, 1]
    slowest = np.argsort(total)[::-1][:5]
    print("slowest months (step+draw wall / CPU s): " + ", ".join(
        f"{dates[i]} {total[i]:.2f} / {t[i, 2] + t[i, 3]:.2f}" for i in slowest))


if __name__ == "__main__":
    main()
