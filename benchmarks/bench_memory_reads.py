"""CPU time of the store's hot paths on a large web: appending months of pages, the crawl index, crawl picks
(``weighted_pages``) and the random gathers a training set makes (vectors and columns of random rows).

    nice -n 10 python benchmarks/bench_memory_reads.py --pages 20000000
    nice -n 10 python benchmarks/bench_memory_reads.py --pages 20000000 --folder /tmp   # the pages on disk

Run it in two checkouts (e.g. a ``git worktree`` of the commit before a change, and the change) to compare
layouts: each part is timed in CPU seconds (the machine may be shared), best of ``--repeat``, and the peak
resident memory is read at the end. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path.cwd()))  # the checkout it is run from, not necessarily this file's


def best_cpu(work, repeat: int) -> float:
    """The least CPU time (user + system of this process) of ``repeat`` calls of ``work``."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    from threadpoolctl import threadpool_limits

    from ecosystem.content.documents import DocumentStore, Origin
    from ecosystem.content.site_pages import SitePages
    from ecosystem.web.sampling import weighted_pages

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20_000_000)
    parser.add_argument("--months", type=int, default=100)
    parser.add_argument("--sites", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", help="put the store's columns in files under this folder (store.on_disk)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    per_month = args.pages // args.months
    month_vectors = rng.normal(size=(per_month, 8)).astype(np.float32)
    month_sites = rng.integers(0, args.sites, per_month).astype(np.int32)
    origin = rng.integers(0, 4, per_month).astype(np.int8)
    tokens = rng.poisson(1262, per_month).astype(np.int32)
    if args.folder:
        from ecosystem.content.scratch import ScratchFolder

        store = DocumentStore(8, scratch=ScratchFolder(args.folder))
    else:
        store = DocumentStore(8)
    row: dict[str, object] = {"checkout": str(Path.cwd()), "pages": per_month * args.months,
                              "on_disk": bool(args.folder)}
    with threadpool_limits(limits=1):
        start = time.process_time()
        for month in range(args.months):
            store.begin_month(month)
            store.append(month_vectors, origin=origin, month=month, site=month_sites, tokens=tokens,
                         vendor=np.where(origin == Origin.HUMAN, -1, 1), topic=month_sites % 30,
                         lineage=1.0, ai_share=origin / 4.0)
        row["append_s"] = round(time.process_time() - start, 2)
        pages = SitePages(store)
        start = time.process_time()
        pages.seal(args.months)
        row["index_s"] = round(time.process_time() - start, 2)
        weight = rng.random(args.sites)
        crawl_rng = np.random.default_rng(1)
        row["crawl_picks_1M_s"] = round(best_cpu(lambda: weighted_pages(
            pages, 0, args.months, 1_000_000, site_weight=weight, rng=crawl_rng), args.repeat), 3)
        rows = np.sort(rng.choice(len(store), 2_000_000, replace=False))
        row["gather_vectors_2M_s"] = round(best_cpu(lambda: store.vectors[rows], args.repeat), 3)
        row["gather_columns_2M_s"] = round(best_cpu(lambda: [store.column(n)[rows] for n in (
            "origin", "vendor", "site", "lineage", "tokens", "wm_key", "wm_survival", "signed")], args.repeat), 3)
    row["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    row["peak_bytes_per_page"] = round(row["peak_mib"] * 2**20 / row["pages"], 1)
    print(json.dumps(row))


if __name__ == "__main__":
    main()
