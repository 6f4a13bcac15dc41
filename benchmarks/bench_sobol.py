"""The 448-run Sobol' sweep of scenarios/sweeps/sobol_five.yaml on local workers: wall time and parallel
efficiency.

    python benchmarks/bench_sobol.py [--workers 2] [--out results/bench_sobol]

Runs ``ecosim sweep`` from nothing (the output folder is emptied first) and reads each run's own wall time
from its manifest. Parallel efficiency is the busy share of the workers' time: the runs' summed wall time over
workers x the sweep's wall time (start-up, the sensitivity analysis and an idle worker at the end count
against it). Prints a Markdown row for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SWEEP = ROOT / "scenarios" / "sweeps" / "sobol_five.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench_sobol")
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    ecosim = Path(sys.executable).with_name("ecosim")
    started = time.perf_counter()
    subprocess.run([str(ecosim), "sweep", str(SWEEP), "--workers", str(args.workers), "--out", str(args.out)],
                   check=True)
    wall = time.perf_counter() - started
    manifests = [json.loads(p.read_text(encoding="utf-8")) for p in args.out.rglob("*.json")]
    runs = [m["wall_seconds"] for m in manifests if "wall_seconds" in m]
    busy = sum(runs)
    print(f"\n| {dt.date.today()} | {platform.machine()}, {os.cpu_count()} cores | {len(runs)} runs | {args.workers} "
          f"| {wall / 60:.1f} min | {busy / len(runs):.1f} s (min {min(runs):.1f}, max {max(runs):.1f}) "
          f"| {busy / (args.workers * wall):.0%} |")


if __name__ == "__main__":
    main()
