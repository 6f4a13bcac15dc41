"""Benchmark: a 32-run sweep through ecosim's executors against ``mesa.batch_run`` on the same model.

Measures, each mode in a fresh child process (so peak memory is its own):
  - ecosim, 1 worker (in-process): wall time and peak RSS of the process;
  - mesa.batch_run, number_processes=1, collecting the headline metrics every step: wall and peak RSS;
  - ecosim, 2 local worker processes: wall time -> parallel efficiency T1 / (2 * T2).
Both drivers run the same 32 Latin-hypercube points (farm fixed cost x vendor temperature) with one
BLAS thread. ``mesa.batch_run`` needs a model class taking keyword parameters: ``BatchRunAdapter``
below is that adapter, for this benchmark only.

    python benchmarks/bench_sweep.py                 # prints the results as a Markdown section
    python benchmarks/bench_sweep.py --write         # and writes it into benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCENARIO = REPO / "tests" / "data" / "experiment_small.yaml"
HEADING = "## Sweep engine vs mesa.batch_run (issue 5)"
END = "2024-12"  # five simulated years, about 2 s a run: long enough that pool start-up is a small cost


def sweep_file(runs: int) -> dict:
    return {
        "name": "bench", "base": str(SCENARIO), "overrides": {"end": END},
        "parameters": [{"path": "farms.fixed_cost", "name": "fixed_cost", "low": 10, "high": 300},
                       {"path": "vendors.*.temperature", "name": "temperature", "low": 0.6, "high": 1.0}],
        "design": {"kind": "lhs", "samples": runs, "seed": 1},
        "outcomes": [{"name": "share", "metric": "web.synthetic_share_new", "at": "2022-12"}],
    }


def planned(runs: int, folder: Path):
    import yaml

    from ecosystem.experiments.sweep import load_sweep, plan_sweep

    path = folder / "bench.yaml"
    path.write_text(yaml.safe_dump(sweep_file(runs)))
    sweep = load_sweep(path)
    design, specs = plan_sweep(sweep, folder=folder / "runs")
    return sweep, design, specs


def run_ecosim(runs: int, workers: int, folder: Path) -> float:
    from ecosystem.experiments.batch import run_batch
    from ecosystem.experiments.executors import InProcess, LocalProcesses
    from ecosystem.experiments.sweep import finish_sweep

    sweep, design, specs = planned(runs, folder)
    started = time.perf_counter()
    with InProcess() if workers == 1 else LocalProcesses(workers=workers) as executor:
        report = run_batch(specs, executor=executor)
    if report.failures:
        raise RuntimeError(report.failures[0].describe())
    finish_sweep(sweep, design, specs, out=folder)
    return time.perf_counter() - started


def pool_startup() -> float:
    """Seconds until two fresh local workers (fork server with the package imported) answer."""
    import math

    from ecosystem.experiments.executors import LocalProcesses

    started = time.perf_counter()
    with LocalProcesses(workers=2) as executor:
        list(executor.map_unordered(math.sqrt, [1.0, 4.0]))
    return time.perf_counter() - started


def run_batch_run(runs: int, folder: Path) -> float:
    import mesa
    import polars as pl

    from ecosystem.config import validate_scenario
    from ecosystem.model import EcosystemModel

    _, _, specs = planned(runs, folder)
    scenarios = [validate_scenario(spec.scenario) for spec in specs]

    class BatchRunAdapter(EcosystemModel):
        """Keyword-parameter front of the model, as ``mesa.batch_run`` requires."""

        def __init__(self, *, point: int, seed: int = 0) -> None:
            super().__init__(scenarios[point], seed=seed)
            reporters = {name: (lambda m, n=name: m.latest(n)) for name in
                         ("synthetic_share_new", "synthetic_share", "docs", "count", "excess_nll")}
            self.datacollector = mesa.DataCollector(model_reporters=reporters)

        def latest(self, metric: str) -> float:
            for step, _, _, name, value in reversed(self.recorder.rows):
                if name == metric and step == self.month:
                    return value
            return float("nan")

        def step(self) -> None:
            super().step()
            self.datacollector.collect(self)

    started = time.perf_counter()
    results = mesa.batch_run(BatchRunAdapter, parameters={"point": list(range(len(scenarios))), "seed": [0]},
                             number_processes=1, data_collection_period=1, max_steps=scenarios[0].months - 1,
                             display_progress=False)
    pl.DataFrame(results).write_parquet(folder / "batch_run.parquet")
    return time.perf_counter() - started


def child(mode: str, runs: int) -> None:
    from threadpoolctl import threadpool_limits

    with tempfile.TemporaryDirectory() as tmp, threadpool_limits(limits=1):
        folder = Path(tmp)
        if mode == "startup":
            wall = pool_startup()
        elif mode == "batch_run":
            wall = run_batch_run(runs, folder)
        else:
            wall = run_ecosim(runs, int(mode.removeprefix("ecosim-")), folder)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"mode": mode, "wall": wall, "peak_mib": peak_mib}))


def measure(mode: str, runs: int) -> dict:
    # one BLAS/OpenMP thread in every driver: threadpool_limits only reaches libraries already loaded
    single = {var: "1" for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    env = {**os.environ, **single}
    output = subprocess.run([sys.executable, __file__, "--child", mode, "--runs", str(runs)], check=True,
                            capture_output=True, text=True, cwd=REPO, env=env).stdout
    return json.loads(output.strip().splitlines()[-1])


def section(results: dict[str, dict], *, runs: int, machine: str, date: str, load: tuple[float, ...]) -> str:
    one, two, batch = results["ecosim-1"], results["ecosim-2"], results["batch_run"]
    efficiency = one["wall"] / (2 * two["wall"])
    return "\n".join([
        HEADING, "",
        f"Machine: {machine}. Date: {date}. Command: `python benchmarks/bench_sweep.py --runs {runs}`.",
        f"Load average before/after (cores shared with other work): {load[0]:.1f} / {load[1]:.1f}.",
        f"Workload: {runs} runs of `tests/data/experiment_small.yaml` to {END} (60 months, 2 vendors), "
        "Latin hypercube over farm fixed cost x vendor temperature, one seed a point, one BLAS thread.",
        "", "| driver | wall (s) | peak RSS of the driver (MiB) |", "|---|---:|---:|",
        f"| ecosim sweep engine, 1 worker (in-process) | {one['wall']:.1f} | {one['peak_mib']:.0f} |",
        f"| mesa.batch_run, 1 process, metrics every step | {batch['wall']:.1f} | {batch['peak_mib']:.0f} |",
        f"| ecosim sweep engine, 2 local processes | {two['wall']:.1f} | {two['peak_mib']:.0f} (driver) |",
        "",
        f"- Wall time ratio ecosim / batch_run (1 process each): **{one['wall'] / batch['wall']:.2f}**.",
        f"- Peak memory ratio ecosim / batch_run: **{one['peak_mib'] / batch['peak_mib']:.2f}** "
        "(ecosim streams each run to disk and frees its model as it ends; batch_run keeps every collected "
        "row, and finished models wait for Python's cyclic garbage collector).",
        f"- Parallel efficiency with 2 workers, T1 / (2 T2): **{efficiency:.0%}** (target >= 85%); T2 includes "
        f"{results['startup']['wall']:.1f} s of worker start-up (a fork server importing the package).",
        "",
    ])


def write_section(text: str, path: Path, *, heading: str = HEADING) -> None:
    """Replace a benchmark's section in RESULTS.md (or add it), leaving other sections alone."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    start = old.find(heading)
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        following = old.find("\n## ", start + len(heading))
        new = old[:start] + text + ("\n" + old[following + 1:] if following >= 0 else "")
    path.write_text(new, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=32)
    parser.add_argument("--child", choices=["ecosim-1", "ecosim-2", "batch_run", "startup"])
    parser.add_argument("--write", action="store_true", help="write the section into benchmarks/RESULTS.md")
    parser.add_argument("--machine", default="2 cores, 24 GiB")
    parser.add_argument("--date", default=time.strftime("%Y-%m-%d"))
    args = parser.parse_args()
    if args.child:
        child(args.child, args.runs)
        return
    before = os.getloadavg()[0]
    results = {mode: measure(mode, args.runs) for mode in ("ecosim-1", "batch_run", "ecosim-2", "startup")}
    load = (before, os.getloadavg()[0])
    text = section(results, runs=args.runs, machine=args.machine, date=args.date, load=load)
    print(text)
    if args.write:
        write_section(text, REPO / "benchmarks" / "RESULTS.md")


if __name__ == "__main__":
    main()
