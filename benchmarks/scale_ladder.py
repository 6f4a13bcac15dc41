"""The baseline at growing volume: time, peak memory and the ledger's baseline findings at each rung.

    python benchmarks/scale_ladder.py --scales 1,4,16,64 --seeds 10,5,3,1
    python benchmarks/scale_ladder.py --figures        # only redraw the figures from the saved rungs

At scale k, everything that sets the web's volume is multiplied by k together: writers, farm output (with
the farms' search visits and fixed cost, so a farm's economics and the number of farms stay as they were),
the vendors' crawl budgets, training sets and own publishing. Reality, the scoring sets and the schedule do
not change, so the findings are comparable from rung to rung.

The first seed of each rung runs the whole baseline (to ``--end``) in a fresh process, so its time and peak
memory are its own. Every seed is measured on the claims ledger's entries about the calibrated web (the
``baseline`` arm: June 2025), with the ledger's own measures and seeds, so the 1x rung repeats the ledger
on its first seeds and a finding that moves with k is a small-web artefact. Finished rungs are kept in
``benchmarks/data/scale_ladder.parquet``, so a stopped ladder resumes; figures go to
``benchmarks/figures/``. Prints Markdown tables for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BASELINE = ROOT / "scenarios" / "baseline.yaml"
RESULTS = ROOT / "benchmarks" / "data" / "scale_ladder.parquet"
FIGURES = ROOT / "benchmarks" / "figures"
FINDINGS_END = "2025-06"  # the ledger's baseline arm ends here
# What each month of a rung did and cost: its seconds, its new pages (in all and by origin), the pages its
# crawlers fetched, and the pages on the web at its end.
MONTH_COLUMNS = ("month_seconds", "month_pages", "month_human", "month_assisted", "month_farm", "month_vendor",
                 "month_crawled", "month_web_pages")


def scaled(k: float, scenario) -> dict[str, object]:
    """Overrides that multiply the baseline's volume by ``k``."""
    overrides: dict[str, object] = {
        "humans.writers": round(scenario.humans.writers * k),
        "farms.docs_per_month": round(scenario.farms.docs_per_month * k),
        "farms.visits_per_month": scenario.farms.visits_per_month * k,
        "farms.fixed_cost": scenario.farms.fixed_cost * k,
    }
    for vendor in scenario.vendors:
        prefix = f"vendors.{vendor.name}"
        overrides[f"{prefix}.crawler.budget_per_month"] = round(vendor.crawler.budget_per_month * k)
        if vendor.train_size is not None:  # None: everything crawled
            overrides[f"{prefix}.train_size"] = round(vendor.train_size * k)
        overrides[f"{prefix}.publish_per_month"] = round(vendor.publish_per_month * k)
    return overrides


def baseline_claims():
    """The ledger's entries measured on its ``baseline`` arm alone."""
    from analysis.claims import CLAIMS

    return [c for c in CLAIMS if c.arms == ("baseline",)]


def rung(k: float, seed: int, end: str) -> dict[str, object]:
    """One run of the scaled baseline, in this process: its cost month by month, with what each month did
    (new pages by origin, pages crawled, the web's size), and the ledger's baseline findings."""
    from threadpoolctl import threadpool_limits

    from analysis.claims import ARMS
    from ecosystem.experiments.batch import wide_metrics
    from ecosystem.model import EcosystemModel
    from ecosystem.scenario_files import load_scenario

    base = load_scenario(BASELINE)
    arm = ARMS["baseline"].overrides
    scenario = load_scenario(BASELINE, overrides={**arm, **scaled(k, base), "end": end})
    month: dict[str, list] = {name: [] for name in MONTH_COLUMNS}
    started = time.perf_counter()
    with threadpool_limits(limits=1):  # as ecosystem.experiments.run.simulate
        model = EcosystemModel(scenario, seed=seed)
        seconds = time.perf_counter() - started
        for _ in range(scenario.months):
            before, tick = len(model.store), time.perf_counter()
            model.step()
            month["month_seconds"].append(time.perf_counter() - tick)
            for name, value in month_work(model, before).items():
                month[f"month_{name}"].append(value)
    seconds += sum(month["month_seconds"])
    metrics = model.recorder.to_frame()
    findings_end = dt.date.fromisoformat(f"{FINDINGS_END}-01")
    runs = {"baseline": wide_metrics(metrics.filter(pl.col("date") <= findings_end))}
    row: dict[str, object] = {
        "scale": k, "seed": seed, "end": end, "seconds": seconds, "pages": len(model.store),
        "months": scenario.months, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **month,
    }
    row.update({claim.id: float(claim.measure(runs)) for claim in baseline_claims()})
    return row


def month_work(model, first_row: int) -> dict[str, int]:
    """What the month just stepped did: its new pages (rows from ``first_row`` on), in all and by origin, the
    pages its crawlers fetched, and the pages on the web at its end."""
    from ecosystem.content.documents import Origin

    origin = np.bincount(model.store.column("origin")[first_row:], minlength=len(Origin))
    return {"pages": len(model.store) - first_row, **{kind.name.lower(): int(origin[kind]) for kind in Origin},
            "crawled": sum(v.crawler.pages_this_month for v in model.vendors)
            + getattr(model.public_crawler, "pages_this_month", 0),
            "web_pages": len(model.store)}


def run_rung(k: float, seed: int, end: str) -> dict[str, object]:
    """``rung`` in a fresh process, so its peak memory is its own."""
    out = subprocess.run([sys.executable, __file__, "--rung", str(k), "--seed", str(seed), "--end", end],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"scale {k:g}x, seed {seed}: the run failed:\n{out.stderr.strip()[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def saved() -> pl.DataFrame | None:
    return pl.read_parquet(RESULTS) if RESULTS.exists() else None


def save(rows: list[dict[str, object]]) -> None:
    from ecosystem.io import write_with

    frame = pl.DataFrame(rows)
    old = saved()
    if old is not None:
        keep = old.join(frame.select("scale", "seed", "end"), on=["scale", "seed", "end"], how="anti")
        frame = pl.concat([keep, frame], how="diagonal_relaxed")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_with(RESULTS, lambda tmp: frame.sort("scale", "seed").write_parquet(tmp))


def refit_months() -> set[int]:
    """Months in which a vendor refits: its entry month and every ``retrain_every`` months after (the baseline's
    schedule, the same at every scale and seed)."""
    from ecosystem.scenario_files import load_scenario

    scenario = load_scenario(BASELINE)
    return {scenario.month_index(v.entry) + k * v.retrain_every for v in scenario.vendors
            for k in range(scenario.months // v.retrain_every + 1)}


def cost_table(frame: pl.DataFrame) -> str:
    """Cost per rung; a month's cost per 1,000 new pages is the median over months without a refit (a refit
    costs what its training set costs, whenever it happens), early (2023-2025) and late (2033-2035), beside
    what the pages were: the share written with an assistant (an assisted page is rendered through a vendor's
    model, a plain human page is not) and the pages crawled per new page (a crawl's work follows its budget)."""
    lines = ["| scale | pages at the end | wall time | peak RSS | time per 1,000 pages | "
             "month cost per 1,000 new pages, 2023-25 / 2033-35 | late / early | assisted share of new pages | "
             "pages crawled per new page |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    refits = refit_months()
    for row in frame.filter(pl.col("end") != FINDINGS_END).sort("scale").iter_rows(named=True):
        month = {name: np.asarray(row[name], dtype=float) for name in MONTH_COLUMNS}
        quiet = np.array([m not in refits for m in range(len(month["month_pages"]))])
        early, late = (np.flatnonzero(quiet[a:b]) + a for a, b in ((60, 96), (180, 216)))
        per_page = month["month_seconds"] / np.maximum(month["month_pages"], 1) * 1e6
        cost = [np.median(per_page[w]) for w in (early, late)]
        assisted = [month["month_assisted"][w].sum() / month["month_pages"][w].sum() for w in (early, late)]
        crawled = [month["month_crawled"][w].sum() / month["month_pages"][w].sum() for w in (early, late)]
        lines.append(f"| {row['scale']:g}x | {row['pages']:,} | {row['seconds']:,.1f} s | {row['peak_mib']:,.0f} MiB "
                     f"| {row['seconds'] / row['pages'] * 1e6:.1f} ms | {cost[0]:.2f} / {cost[1]:.2f} ms | "
                     f"{cost[1] / cost[0]:.2f} | {assisted[0]:.0%} / {assisted[1]:.0%} | "
                     f"{crawled[0]:.2f} / {crawled[1]:.2f} |")
    return "\n".join(lines)


def findings_table(frame: pl.DataFrame) -> str:
    from ecosystem.experiments.stats import mean_ci

    claims = baseline_claims()
    lines = ["| finding (ledger id) | " + " | ".join(f"{k:g}x" for k in sorted(frame["scale"].unique())) + " |",
             "|---|" + "---:|" * frame["scale"].n_unique()]
    for claim in claims:
        cells = []
        for k in sorted(frame["scale"].unique()):
            est = mean_ci(frame.filter(pl.col("scale") == k)[claim.id].to_numpy())
            interval = "" if np.isnan(est.low) else f" [{est.low:.{claim.digits}f}, {est.high:.{claim.digits}f}]"
            cells.append(f"{est.mean:.{claim.digits}f}{interval} (n={est.n})")
        lines.append(f"| `{claim.id}` ({claim.unit.strip('()')}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def figures(frame: pl.DataFrame) -> None:
    """Time and peak memory against pages (log-log), and each baseline finding against the scale."""
    from analysis.style import caption, new_figure
    from analysis.style import save as save_figure
    from ecosystem.experiments.stats import mean_ci

    costs = frame.filter(pl.col("end") != FINDINGS_END).sort("pages")
    fig, axes = new_figure(1, 2, width=8.0, height=3.4)
    pages = costs["pages"].to_numpy()
    for ax, column, label in ((axes[0, 0], "seconds", "wall time [s]"), (axes[0, 1], "peak_mib", "peak memory [MiB]")):
        values = costs[column].to_numpy()
        ax.loglog(pages, values, marker="o", color="#1f4e79")
        ax.loglog(pages, values[0] * pages / pages[0], linestyle="--", color="0.6", label="proportional to pages")
        for p, v, k in zip(pages, values, costs["scale"], strict=True):
            ax.annotate(f"{k:g}x", (p, v), textcoords="offset points", xytext=(4, -10), fontsize=7)
        ax.set_xlabel("pages on the web at the end")
        ax.set_ylabel(label)
        ax.legend(fontsize=7, loc="upper left")
    fig.suptitle("The baseline web at 1x to 64x its volume: cost grows with the pages")
    caption(fig, f"scenarios/baseline.yaml 2018-01 to {costs['end'][0]}, volume scaled by k; seed "
                 f"{int(costs['seed'][0])}; each rung in its own process; {platform.machine()}, "
                 f"{os.cpu_count()} cores; {dt.date.today()}")
    save_figure(fig, FIGURES, "scaling")

    claims = baseline_claims()
    scales = sorted(frame["scale"].unique())
    ledger = pl.read_parquet(ROOT / "docs" / "claims.parquet") if (ROOT / "docs" / "claims.parquet").exists() else None
    cols = 4
    fig, axes = new_figure(2, cols, width=10.0, height=2.9)
    for ax, claim in zip(axes.ravel(), claims, strict=False):
        ests = [mean_ci(frame.filter(pl.col("scale") == k)[claim.id].to_numpy()) for k in scales]
        mean = np.array([e.mean for e in ests])
        low = np.array([e.low if not np.isnan(e.low) else e.mean for e in ests])
        high = np.array([e.high if not np.isnan(e.high) else e.mean for e in ests])
        if ledger is not None and claim.id in ledger["id"]:
            row = ledger.filter(pl.col("id") == claim.id).row(0, named=True)
            ax.axhspan(row["ci_low"], row["ci_high"], color="0.85", label=f"ledger at 1x, {row['n']} seeds")
        ax.errorbar(scales, mean, yerr=[mean - low, high - mean], marker="o", capsize=3, color="#1f4e79",
                    label="this ladder")
        ax.set_xscale("log", base=4)
        ax.set_xticks(scales, [f"{k:g}x" for k in scales])
        ax.set_title(PLAIN.get(claim.id, claim.id), fontsize=8)
        ax.set_ylabel(claim.unit.strip("()") or "value", fontsize=8)
        ax.set_xlabel("volume of the web", fontsize=8)
    axes[0, 0].legend(fontsize=7, loc="best")
    for ax in axes.ravel()[len(claims):]:
        ax.set_visible(False)
    seeds = ", ".join(f"{k:g}x: {frame.filter(pl.col('scale') == k).height}" for k in scales)
    fig.suptitle("Do the ledger's findings about the calibrated web (June 2025) hold as the web grows?")
    caption(fig, f"scenarios/baseline.yaml to 2025-06 (ledger arm \"baseline\"), volume x k; mean, 95% interval "
                 f"over seeds from 2000 (seeds: {seeds}); grey: the ledger at 1x; {dt.date.today()}")
    save_figure(fig, FIGURES, "findings_by_scale")


# Plain titles for the ledger's baseline entries (their statements are in docs/claims.md).
PLAIN = {
    "calibration_ai_written_2023_11": "New pages mostly AI-written,\nNov 2023",
    "calibration_ai_written_2024_11": "New pages mostly AI-written,\nNov 2024",
    "calibration_ai_written_2025_05": "New pages mostly AI-written,\nMay 2025",
    "calibration_ai_any_2025_04": "New pages with any AI text,\nApr 2025",
    "who_worst_topic_web_2025": "Worst-off topic's excess NLL\nabove the average, Jun 2025",
    "who_tail_web_2025": "Rare topics' excess NLL\nabove the average, Jun 2025",
    "who_topics_lost_web_2025": "Topics a vendor has lost,\nJun 2025",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,4,16,64")
    parser.add_argument("--seeds", default="10,5,3,1", help="seeds per rung, one number per scale")
    parser.add_argument("--first-seed", type=int, default=2000, help="the claims ledger's first seed")
    parser.add_argument("--end", default="2035-12")
    parser.add_argument("--figures", action="store_true", help="only redraw the figures and tables")
    parser.add_argument("--rung", type=float, help=argparse.SUPPRESS)  # internal: run one rung and print JSON
    parser.add_argument("--seed", type=int, default=2000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rung is not None:
        print(json.dumps(rung(args.rung, args.seed, args.end)))
        return
    if not args.figures:
        scales = [float(x) for x in args.scales.split(",")]
        counts = [int(x) for x in args.seeds.split(",")]
        if len(counts) != len(scales):
            sys.exit(f"--seeds: give one count per scale ({len(scales)}), got {args.seeds!r}")
        for k, count in zip(scales, counts, strict=True):
            for i, seed in enumerate(range(args.first_seed, args.first_seed + count)):
                end = args.end if i == 0 else FINDINGS_END  # the cost is measured once, on the whole run
                old = saved()
                if old is not None and old.filter(pl.col("scale") == k, pl.col("seed") == seed,
                                                  pl.col("end") == end).height:
                    continue
                row = run_rung(k, seed, end)
                save([row])
                print(f"{k:g}x seed {seed} to {end}: {row['seconds']:.1f} s, {row['pages']:,} pages, "
                      f"{row['peak_mib']:,.0f} MiB", flush=True)
    frame = saved()
    if frame is None:
        sys.exit(f"{RESULTS}: no rungs yet; run without --figures first")
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores. Date: {dt.date.today()}.\n")
    print(cost_table(frame))
    print()
    print(findings_table(frame))
    figures(frame)


if __name__ == "__main__":
    main()
