"""Where a large run's memory goes: bytes per page by store column, the crawl index, the site graph, and the
process's peak resident memory against the pages on the web.

    nice -n 10 python benchmarks/bench_memory.py --scale 64            # the whole baseline at 64x its volume
    nice -n 10 python benchmarks/bench_memory.py --scale 4 --end 2024-12

The baseline is scaled as the scale ladder scales it (``scale_ladder.scaled``: writers, farm output, crawl
budgets, training sets, vendors' publishing, all times k) and run in this process, one numpy thread. After
each month the resident memory (VmRSS) is read, so the month of the peak shows; at the end the peak (VmHWM)
is divided by the pages on the web. CPU time (user + system), not wall time, since the machine may be shared.
Prints one JSON line last, for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_ladder import BASELINE, scaled  # noqa: E402

MIB = 2**20


def status_bytes(field: str) -> int:
    """A memory field of /proc/self/status (VmRSS: resident now, VmHWM: the peak so far), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/self/status has no {field}")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def store_bytes(store) -> dict[str, float]:
    """Bytes per page each column of the store holds for its rows (what its dtype needs, not spare room)."""
    pages = max(len(store), 1)
    names = ["vectors", *store._COLUMNS]
    out = {}
    for name in names:
        array = store.vectors if name == "vectors" else store.column(name)
        stored = name == "vectors" or name in getattr(store, "_columns", {})
        out[name] = array.nbytes / pages if stored else 0.0  # a column derived on demand holds nothing
    return out


def index_bytes(model) -> dict[str, float]:
    """Bytes per page of the crawl index by site (``SitePages``), the vendors' crawlers' kept batches of fetched
    rows, and the site graph's link arrays."""
    pages = max(len(model.store), 1)
    index = model.site_pages
    links = sum(block.nbytes for block in model.web._links)
    batches = sum(batch.nbytes for vendor in model.vendors for batch in vendor.crawler.batches)
    rows = index._rows.itemsize * index._sealed_stop  # the rows indexed, not the room reserved for more
    return {"site_pages_rows": rows / pages,
            "site_pages_tables": (index._cum.nbytes + index._first.nbytes) / pages,
            "crawl_batches": batches / pages, "link_arrays": links / pages,
            "links": sum(block.shape[1] for block in model.web._links),
            "sites": model.web.n_sites, "networkx_graph": "graph" in vars(model.web)}


def run(k: float, seed: int, end: str | None, *, scenario_file: Path = BASELINE) -> dict[str, object]:
    from threadpoolctl import threadpool_limits

    from ecosystem.model import EcosystemModel
    from ecosystem.scenario_files import load_scenario

    overrides = scaled(k, load_scenario(scenario_file)) | ({"end": end} if end else {})
    scenario = load_scenario(scenario_file, overrides=overrides)
    rss: list[int] = []
    with threadpool_limits(limits=1):  # as ecosystem.experiments.run.simulate
        model = EcosystemModel(scenario, seed=seed)
        built = status_bytes("VmRSS")
        for _ in range(scenario.months):
            model.step()
            rss.append(status_bytes("VmRSS"))
    pages, peak = len(model.store), status_bytes("VmHWM")
    return {"scenario": str(scenario_file), "scale": k, "seed": seed, "end": str(scenario.end), "pages": pages,
            "cpu_s": round(cpu_seconds(), 1),
            "peak_mib": round(peak / MIB), "rss_built_mib": round(built / MIB),
            "peak_bytes_per_page": round(peak / pages, 1),
            "peak_above_built_bytes_per_page": round((peak - built) / pages, 1),
            "month_of_highest_rss": int(np.argmax(rss)), "end_rss_mib": round(rss[-1] / MIB),
            **layout_record(model)}


def layout_record(model) -> dict[str, object]:
    """A run record's last fields: the store's and the crawl index's bytes per page, the machine and the date."""
    return {"store_bytes_per_page": {n: round(b, 2) for n, b in store_bytes(model.store).items()},
            "index": {n: round(b, 2) if isinstance(b, float) else b for n, b in index_bytes(model).items()},
            "machine": f"{platform.machine()}, {os.cpu_count()} cores", "date": str(dt.date.today())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=64.0, help="volume of the baseline web (1: as calibrated)")
    parser.add_argument("--seed", type=int, default=2000)
    parser.add_argument("--end", help="last month (YYYY-MM); default: the scenario's")
    parser.add_argument("--scenario", type=Path, default=BASELINE, help="the scenario scaled (default: the baseline)")
    args = parser.parse_args()
    row = run(args.scale, args.seed, args.end, scenario_file=args.scenario)
    store = row["store_bytes_per_page"]
    print(f"{row['pages']:,} pages; peak RSS {row['peak_mib']:,} MiB = {row['peak_bytes_per_page']} B/page "
          f"({row['peak_above_built_bytes_per_page']} B/page above the built model's {row['rss_built_mib']} MiB); "
          f"CPU {row['cpu_s']} s", file=sys.stderr)
    print("store columns, B/page: " + ", ".join(f"{n} {b:g}" for n, b in store.items())
          + f" (sum {sum(store.values()):.1f})", file=sys.stderr)
    print(f"index: {row['index']}", file=sys.stderr)
    print(json.dumps(row))


if __name__ == "__main__":
    main()
