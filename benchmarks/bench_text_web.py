"""Time and peak memory of the text web (scenarios/text_web.yaml): three language-model vendors, 2018-2030.

    python benchmarks/bench_text_web.py                       # the whole scenario, seed 0
    python benchmarks/bench_text_web.py --end 2024-12 --seed 1

Prints each year's CPU seconds beside its new pages (a month should cost what its new pages cost, not the web's
size), the page texts' bytes, and one Markdown row for benchmarks/RESULTS.md: date, machine and its load, wall
and CPU time, peak resident memory. The target (issue 25): at most 30 minutes and 8 GB on the 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import time
from pathlib import Path

SCENARIO = Path(__file__).parents[1] / "scenarios" / "text_web.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--end", default=None, help="YYYY-MM (default: the scenario's)")
    args = parser.parse_args()

    from threadpoolctl import threadpool_limits

    from ecosystem.model import EcosystemModel
    from ecosystem.scenario_files import load_scenario

    scenario = load_scenario(SCENARIO, overrides={"end": args.end} if args.end else {})
    cpu, wall = time.process_time(), time.perf_counter()
    with threadpool_limits(limits=1):
        model = EcosystemModel(scenario, seed=args.seed)
        build = time.process_time() - cpu
        years: dict[int, list[float]] = {}
        for _ in range(scenario.months):
            before, pages = time.process_time(), model.store.size
            model.step()
            year = scenario.date_of(model.month).year
            spent = years.setdefault(year, [0.0, 0.0, 0.0])
            spent[0] += time.process_time() - before
            spent[1] += model.store.size - pages
            spent[2] = model.store.size
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"world and text built in {build:.1f} s CPU")
    print("| year | CPU s | new pages | pages on the web | ms per new page |")
    print("|---|---|---|---|---|")
    for year, (seconds, new, total) in years.items():
        print(f"| {year} | {seconds:.1f} | {new:,.0f} | {total:,.0f} | {1000 * seconds / max(new, 1):.2f} |")
    texts = model.text_pages.texts
    print(f"page texts: {len(texts):,} pages, {texts.n_tokens:,} tokens, {texts.nbytes / 2**20:.1f} MiB")
    print("| date | machine (load) | scenario | wall (CPU) | peak RSS |")
    print("|---|---|---|---|---|")
    print(f"| {dt.date.today()} | {platform.machine()}, {os.cpu_count()} cores ({os.getloadavg()[0]:.1f}) "
          f"| text_web.yaml {scenario.start:%Y-%m} to {scenario.end:%Y-%m}, seed {args.seed} "
          f"| {wall:.0f} s ({cpu:.0f} s) | {peak_mib:,.0f} MiB |")


if __name__ == "__main__":
    main()
