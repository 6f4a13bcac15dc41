"""Benchmark: sweep throughput of short runs on every executor, including a Dask cluster started the way a user
starts one on several machines (`dask scheduler`, then `dask worker ADDRESS` as separate commands).

Each mode runs the same sweep (``--runs`` Latin-hypercube points of `tests/data/experiment_small.yaml`, about a
second each) in a fresh child process, with one BLAS thread a worker. Efficiency is T1 / (W x TW): T1 the same
sweep run one after another in one process, TW its wall time on W workers. Each is timed twice: the whole sweep as
``ecosim sweep`` does it (the engine's imports, planning, start-up and runs; local workers' fork server, or the
Dask LocalCluster and its workers, start first and import the engine while the driver imports and plans, as the
command starts them), and from the end of planning, as the first version of this benchmark did (pool or cluster
start-up and runs). On a shared machine every wall time stretches with the load; the CPU time of the child and all
its processes and the load averages are recorded beside it, so a reader can tell.

    python benchmarks/bench_cluster.py                 # prints the results as a Markdown section
    python benchmarks/bench_cluster.py --write         # and writes it into benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing.forkserver
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
HEADING = "## Sweep throughput on local processes and Dask clusters (issue 26)"
END = "2023-06"  # three and a half simulated years: about a second a run on an idle core
WORKERS = 2
MODES = ("in-process", "local processes", "Dask LocalCluster", "dask scheduler + dask worker")


def run_sweep(mode: str, runs: int, folder: Path) -> dict[str, float]:
    """The sweep's wall time from before the engine's imports, and from the end of planning."""
    started = time.perf_counter()
    from ecosystem.experiments.executors import choose_executor

    early = {"local processes": {"workers": WORKERS}, "Dask LocalCluster": {"dask_local": WORKERS}}.get(mode)
    local = choose_executor(**early).start() if early else None  # as `ecosim sweep` starts them: before its imports
    import yaml
    from bench_sweep import sweep_file

    from ecosystem.experiments.batch import run_batch
    from ecosystem.experiments.sweep import load_sweep, plan_sweep

    path = folder / "bench.yaml"
    path.write_text(yaml.safe_dump({**sweep_file(runs), "overrides": {"end": END}}), encoding="utf-8")
    _, specs = plan_sweep(load_sweep(path), folder=folder / "runs")
    planned = time.perf_counter()
    with _cluster(mode, folder) as options, (local or choose_executor(**options)) as executor:
        report = run_batch(specs, executor=executor)
    if report.failures:
        raise RuntimeError(report.failures[0].describe())
    done = time.perf_counter()
    return {"wall": done - started, "from_planned": done - planned}


@contextlib.contextmanager
def _cluster(mode: str, folder: Path):
    """The executor options of ``mode``; for the command-line cluster, its scheduler and workers as processes."""
    if mode != "dask scheduler + dask worker":
        yield {"in-process": {"workers": 1}, "local processes": {"workers": WORKERS},
               "Dask LocalCluster": {"dask_local": WORKERS}}[mode]
        return
    file = folder / "scheduler.json"
    dask = str(Path(sys.executable).parent / "dask")  # the commands a user types on each machine
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [subprocess.Popen([dask, "scheduler", "--no-dashboard", "--scheduler-file", str(file),
                                   "--host", "127.0.0.1"], **quiet)]
    try:
        _wait_for(file)
        processes.append(subprocess.Popen([dask, "worker", "--scheduler-file", str(file), "--nworkers",
                                           str(WORKERS), "--nthreads", "1", "--no-dashboard"], cwd=REPO, **quiet))
        address = json.loads(file.read_text(encoding="utf-8"))["address"]
        _wait_for_workers(address, WORKERS)
        yield {"scheduler": address}
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=60)


def _wait_for(file: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not file.is_file() or not file.read_text(encoding="utf-8").strip():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the scheduler wrote no {file.name} within {timeout:.0f} s")
        time.sleep(0.1)


def _wait_for_workers(address: str, n: int) -> None:
    from distributed import Client

    with Client(address, timeout=120) as client:
        client.wait_for_workers(n, timeout=120)


def child(mode: str, runs: int) -> None:
    from threadpoolctl import threadpool_limits

    with tempfile.TemporaryDirectory() as tmp, threadpool_limits(limits=1):
        walls = run_sweep(mode, runs, Path(tmp))
    if mode == "local processes":  # wait for the fork server, so its CPU and its workers' count below
        multiprocessing.forkserver._forkserver._stop()
    usage = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(u.ru_utime + u.ru_stime for u in usage)
    print(json.dumps({"mode": mode, **walls, "cpu": cpu}))


def measure(mode: str, runs: int) -> dict:
    single = {var: "1" for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    output = subprocess.run([sys.executable, __file__, "--child", mode, "--runs", str(runs)], check=True,
                            capture_output=True, text=True, cwd=REPO, env={**os.environ, **single}).stdout
    return json.loads(output.strip().splitlines()[-1])


def section(results: dict[str, dict], *, runs: int, machine: str, date: str, load: tuple[float, float]) -> str:
    one = results["in-process"]["wall"]
    lines = [HEADING, "",
             f"Machine: {machine}. Date: {date}. Command: `python benchmarks/bench_cluster.py --runs {runs}`. "
             f"Load average before/after: {load[0]:.1f} / {load[1]:.1f} (2 cores; above 2 the cores were shared "
             "and every wall time stretched).",
             f"Workload: {runs} runs of `tests/data/experiment_small.yaml` to {END}, one seed a point, one BLAS "
             f"thread a worker; {WORKERS} workers in every parallel mode. The sweep: the engine's imports, planning, "
             "start-up and runs, as `ecosim sweep` does them; from planned: start-up and runs only. CPU: the child "
             "and all its processes.", "",
             "| executor | sweep wall (s) | runs a minute | efficiency T1 / (W TW) | from planned, wall (s) "
             "| from planned, efficiency | CPU (s) |", "|---|---:|---:|---:|---:|---:|---:|"]
    one_planned = results["in-process"]["from_planned"]
    for mode in MODES:
        wall, planned = results[mode]["wall"], results[mode]["from_planned"]
        workers = 1 if mode == "in-process" else WORKERS
        lines.append(f"| {mode} | {wall:.1f} | {runs / wall * 60:.0f} | {one / (workers * wall):.0%} | {planned:.1f} "
                     f"| {one_planned / (workers * planned):.0%} | {results[mode]['cpu']:.1f} |")
    lines += ["", "Targets (issue 26): at least 85% on 2 local processes, 75% on a Dask LocalCluster.", ""]
    return "\n".join(lines)


def main() -> None:
    from bench_sweep import write_section

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=32)
    parser.add_argument("--child", choices=MODES)
    parser.add_argument("--write", action="store_true", help="write the section into benchmarks/RESULTS.md")
    parser.add_argument("--machine", default="x86_64, 2 cores, 24 GiB")
    parser.add_argument("--date", default=time.strftime("%Y-%m-%d"))
    args = parser.parse_args()
    if args.child:
        child(args.child, args.runs)
        return
    before = os.getloadavg()[0]
    results = {mode: measure(mode, args.runs) for mode in MODES}
    text = section(results, runs=args.runs, machine=args.machine, date=args.date, load=(before, os.getloadavg()[0]))
    print(text)
    if args.write:
        write_section(text, REPO / "benchmarks" / "RESULTS.md", heading=HEADING)


if __name__ == "__main__":
    main()
