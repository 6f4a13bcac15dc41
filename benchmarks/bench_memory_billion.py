"""A web of a billion pages on one machine: the baseline at k times its volume with its pages on disk
(``store.on_disk``), its time, its memory month by month and the ledger's baseline findings.

    setsid nice -n 19 python benchmarks/bench_memory_billion.py --scale 1000 --writers-scale 240 \\
        --folder /tmp --metrics /tmp/billion_metrics.parquet > /tmp/billion.log 2>&1 &

What is scaled: the farms' output (with their visits and fixed cost) and the vendors' own publishing by k, as the
scale ladder scales them; the writers by ``--writers-scale`` and each writer's documents a month by k over it
(the scenario schema caps writers at a million, so past that the volume comes from writing more); the vendors'
crawl budgets and training sets stay as in the baseline (a training set of k times 4,000 pages would make the
refits, not the web, the run). Each month prints a line (pages, CPU and wall seconds, anonymous and file-backed
resident memory, the disk its pages take), so a run stopped early says how far it got, and the findings are
printed as soon as their month (June 2025) is simulated; a thread reads the anonymous memory every 0.2 s, so
the peaks inside a month show. The run stops after a month that leaves less than ``--min-free-gib`` free on the
pages' disk (other programs need it too). The last line is one JSON row; with ``--metrics`` the run's metrics
are written to that file, which must not exist yet.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_memory import MIB, cpu_seconds, layout_record, status_bytes, store_bytes  # noqa: E402
from scale_ladder import BASELINE, FINDINGS_END, MONTH_COLUMNS, baseline_claims, scaled, step_month  # noqa: E402


def overrides(k: float, writers_k: float, scenario, *, folder: str | None, end: str,
              ladder: bool = False) -> dict[str, object]:
    """The baseline at volume ``k``: farms and vendors' publishing times k, writers times ``writers_k`` writing
    k / writers_k times as much each, crawl budgets and training sets as in the baseline (times k too with
    ``ladder``, as the scale ladder scales them), pages on disk."""
    from analysis.claims import ARMS

    kept = {name: value for name, value in scaled(k, scenario).items()
            if ladder or not name.endswith((".budget_per_month", ".train_size"))}
    kept["humans.writers"] = round(scenario.humans.writers * writers_k)
    kept["humans.docs_per_month"] = scenario.humans.docs_per_month * k / writers_k
    disk = {"store.on_disk": True} | ({"store.folder": folder} if folder else {})
    return {**ARMS["baseline"].overrides, **kept, **disk, "end": end}


class AnonymousPeak(threading.Thread):
    """The highest anonymous resident memory (RssAnon) seen, read every ``every`` seconds: VmHWM counts the
    file-backed pages of the store too, which the kernel drops when memory is wanted."""

    def __init__(self, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.every, self.peak, self._done = every, 0, threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.every):
            self.peak = max(self.peak, status_bytes("RssAnon"))

    def stop(self) -> int:
        self._done.set()
        self.join()
        return max(self.peak, status_bytes("RssAnon"))


def disk_bytes() -> int:
    """Disk blocks held by this process's store files (unlinked, still open: each mapping keeps a descriptor)."""
    total = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            if "ecosim-store-" in os.readlink(fd):
                total += os.stat(fd).st_blocks * 512
        except OSError:  # closed meanwhile
            pass
    return total


def findings(metrics: pl.DataFrame) -> dict[str, float]:
    from ecosystem.experiments.batch import wide_metrics

    findings_end = dt.date.fromisoformat(f"{FINDINGS_END}-01")
    runs = {"baseline": wide_metrics(metrics.filter(pl.col("date") <= findings_end))}
    return {claim.id: float(claim.measure(runs)) for claim in baseline_claims()}


def run(args: argparse.Namespace) -> dict[str, object]:
    from threadpoolctl import threadpool_limits

    from ecosystem.model import EcosystemModel
    from ecosystem.scenario_files import load_scenario

    base = load_scenario(BASELINE)
    scenario = load_scenario(BASELINE, overrides=overrides(args.scale, args.writers_scale, base,
                                                            folder=args.folder, end=args.end, ladder=args.ladder))
    month: dict[str, list] = {name: [] for name in MONTH_COLUMNS}
    watch = AnonymousPeak()
    watch.start()
    started, stopped = time.perf_counter(), None
    findings_step = scenario.month_index(dt.date.fromisoformat(f"{FINDINGS_END}-01"))
    parent = args.folder or tempfile.gettempdir()
    with threadpool_limits(limits=1):  # as ecosystem.experiments.run.simulate
        model = EcosystemModel(scenario, seed=args.seed)
        built = status_bytes("RssAnon")
        for step in range(scenario.months):
            step_month(model, month)
            print(f"{scenario.date_of(step):%Y-%m} pages {len(model.store):,} month {month['month_seconds'][-1]:.1f} s "
                  f"wall {time.perf_counter() - started:,.0f} s cpu {cpu_seconds():,.0f} s "
                  f"anon {status_bytes('RssAnon') / MIB:,.0f} MiB file {status_bytes('RssFile') / MIB:,.0f} MiB "
                  f"anon peak {max(watch.peak, 1) / MIB:,.0f} MiB disk {disk_bytes() / 2**30:,.1f} GiB",
                  file=sys.stderr, flush=True)
            if step == findings_step:
                print("findings " + json.dumps(findings(model.recorder.to_frame())), file=sys.stderr, flush=True)
            free = shutil.disk_usage(parent).free
            if free < args.min_free_gib * 2**30 and step + 1 < scenario.months:
                stopped = f"stopped after {scenario.date_of(step):%Y-%m}: {free / 2**30:.1f} GiB free on {parent}"
                print(stopped, file=sys.stderr, flush=True)
                break
    seconds = time.perf_counter() - started
    anon_peak, pages = watch.stop(), len(model.store)
    metrics = model.recorder.to_frame()
    if args.metrics:
        metrics.write_parquet(args.metrics)
    return {"scale": args.scale, "seed": args.seed, "end": args.end, "seconds": seconds, "pages": pages,
            "months": scenario.months, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            **month, **findings(metrics), "stopped": stopped,
            "volume": f"writers x{args.writers_scale:g} writing x{args.scale / args.writers_scale:g}; farms and "
                      "vendors' publishing x k; crawl budgets and training sets "
                      + ("x k (as the ladder)" if args.ladder else "as in the baseline") + "; pages on disk",
            "cpu_s": round(cpu_seconds(), 1), "anon_peak_mib": round(anon_peak / MIB),
            "anon_built_mib": round(built / MIB), "anon_peak_bytes_per_page": round(anon_peak / pages, 1),
            "hwm_bytes_per_page": round(status_bytes("VmHWM") / pages, 1),
            "disk_bytes_per_page": round(disk_bytes() / pages, 1),
            "columns_bytes_per_page": round(sum(store_bytes(model.store).values()) + 4, 1),  # + the index's rows
            **layout_record(model)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1000.0, help="volume of the baseline web (1: as calibrated)")
    parser.add_argument("--writers-scale", type=float, default=240.0, help="writers, times the baseline's")
    parser.add_argument("--seed", type=int, default=2000)
    parser.add_argument("--end", default="2035-12", help="last month (YYYY-MM)")
    parser.add_argument("--folder", help="where the run makes its folder for the pages (default: the system's)")
    parser.add_argument("--metrics", type=Path, help="write the run's metrics here (a new file)")
    parser.add_argument("--ladder", action="store_true", help="crawl budgets and training sets x k too")
    parser.add_argument("--min-free-gib", type=float, default=8.0, help="stop when the pages' disk has less free")
    args = parser.parse_args()
    if args.metrics and (args.metrics.exists() or not args.metrics.parent.is_dir()):
        sys.exit(f"--metrics: {args.metrics} exists already or its folder does not; give a new file")
    if args.folder and not Path(args.folder).is_dir():
        sys.exit(f"--folder: no such folder: {args.folder}")
    print(json.dumps(run(args)))


if __name__ == "__main__":
    main()
