"""The baseline at growing volume: time, peak memory and the ledger's baseline findings at each rung.

    python benchmarks/scale_ladder.py --scales 1,4,16,64 --seeds 10,5,3,1
    python benchmarks/scale_ladder.py --figures        # only redraw the figures from the saved rungs
    python benchmarks/scale_ladder.py --add-disk-rung /tmp/billion.log   # a bench_memory_billion.py run

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

A second series, to a billion pages, comes from ``bench_memory_billion.py`` (pages on disk, crawl budgets and
training sets as in the baseline, writers capped): its rows are kept apart, in
``benchmarks/data/scale_disk.parquet``, and drawn beside the ladder, since they scale the web differently.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BASELINE = ROOT / "scenarios" / "baseline.yaml"
RESULTS = ROOT / "benchmarks" / "data" / "scale_ladder.parquet"
DISK_RESULTS = ROOT / "benchmarks" / "data" / "scale_disk.parquet"  # bench_memory_billion.py's rungs
FIGURES = ROOT / "benchmarks" / "figures"
MIB = 2**20
FINDINGS_END = "2025-06"  # the ledger's baseline arm ends here
# What each month of a rung did and cost: its seconds, its new pages (in all and by origin), the pages its
# crawlers fetched, and the pages on the web at its end.
MONTH_COLUMNS = ("month_seconds", "month_pages", "month_human", "month_assisted", "month_farm", "month_vendor",
                 "month_crawled", "month_web_pages")
DISK_COLUMNS = ("scale", "seed", "end", "seconds", "pages", "months", "peak_mib", "cpu_s", "anon_peak_mib",
                "anon_built_mib", "hwm_bytes_per_page", "disk_bytes_per_page", "volume", "stopped", *MONTH_COLUMNS)


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
            step_month(model, month)
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


def step_month(model, month: dict[str, list]) -> None:
    """Step ``model`` one month and append its seconds and its work (``month_work``) to ``month``'s columns."""
    before, tick = len(model.store), time.perf_counter()
    model.step()
    month["month_seconds"].append(time.perf_counter() - tick)
    for name, value in month_work(model, before).items():
        month[f"month_{name}"].append(value)


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


def disk_rung(log: Path) -> dict[str, object]:
    """A ``bench_memory_billion.py`` run from its output: the JSON row it printed last or, for a run stopped before
    its end, what its month lines and its findings line say (pages, CPU and wall seconds, memory, disk)."""
    lines = log.read_text().strip().splitlines()
    if lines and lines[-1].startswith("{"):
        return json.loads(lines[-1])
    months = [m.groupdict() for m in map(MONTH_LINE.match, lines) if m]
    if not months:
        sys.exit(f"{log}: no month lines of bench_memory_billion.py")
    number = lambda text: float(text.replace(",", ""))  # noqa: E731
    found = [json.loads(line.removeprefix("findings ")) for line in lines if line.startswith("findings {")]
    last, web = months[-1], [int(number(m["pages"])) for m in months]
    return {"scale": None, "seed": None, "end": last["date"], "seconds": number(last["wall"]), "pages": web[-1],
            "months": len(months), "cpu_s": number(last["cpu"]), "anon_peak_mib": number(last["peak"]),
            "hwm_bytes_per_page": None, "disk_bytes_per_page": number(last["disk"]) * 2**30 / web[-1],
            "stopped": f"stopped after {last['date']}, before its end", "month_web_pages": web,
            "month_pages": list(np.diff([0, *web])), "month_seconds": [number(m["month"]) for m in months],
            **(found[0] if found else {})}


MONTH_LINE = re.compile(r"(?P<date>\d{4}-\d{2}) pages (?P<pages>[\d,]+) month (?P<month>[\d.,]+) s "
                        r"wall (?P<wall>[\d,]+) s cpu (?P<cpu>[\d,]+) s anon [\d,]+ MiB file [\d,]+ MiB "
                        r"anon peak (?P<peak>[\d,]+) MiB disk (?P<disk>[\d.,]+) GiB")


def save_disk_rung(row: dict[str, object], **given: object) -> None:
    """Keep a ``bench_memory_billion.py`` rung in DISK_RESULTS (one per scale, seed and end)."""
    from ecosystem.io import write_with

    row = {**row, **{name: value for name, value in given.items() if value is not None}}
    found = [name for name, value in row.items() if name not in DISK_COLUMNS and isinstance(value, float)
             and name.startswith(("who_", "farm_", "calibration_"))]  # the findings it measured, whatever their ids now
    frame = pl.DataFrame([{name: row.get(name) for name in (*DISK_COLUMNS, *found)}])
    if DISK_RESULTS.exists():
        old = pl.read_parquet(DISK_RESULTS)
        keep = old.join(frame.select("scale", "seed", "end"), on=["scale", "seed", "end"], how="anti")
        frame = pl.concat([keep, frame], how="diagonal_relaxed")
    write_with(DISK_RESULTS, lambda tmp: frame.sort("scale", "seed").write_parquet(tmp))


def disk_table(frame: pl.DataFrame) -> str:
    """The rungs with their pages on disk: CPU time (the machine is shared, so wall time is not the cost), the
    anonymous memory at its peak (the run's own), the peak resident memory with the page cache's file pages
    (VmHWM), and the disk the pages took."""
    lines = ["| scale | writers | pages | months simulated | CPU time | wall time | anonymous peak (B/page) | "
             "VmHWM, B/page | disk, B/page | |", "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for row in frame.sort("scale").iter_rows(named=True):
        hwm = "" if row["hwm_bytes_per_page"] is None else f"{row['hwm_bytes_per_page']:.1f}"
        writers = (row["volume"] or "").split(" writing")[0]
        lines.append(f"| {row['scale']:g}x | {writers} | {row['pages']:,} | {row['months']} | "
                     f"{row['cpu_s']:,.0f} s | {row['seconds']:,.0f} s | {row['anon_peak_mib']:,.0f} MiB "
                     f"({row['anon_peak_mib'] * MIB / row['pages']:.1f}) | {hwm} | {row['disk_bytes_per_page']:.1f} | "
                     f"{row['stopped'] or 'finished'} |")
    return "\n".join(lines)


class Finding(NamedTuple):
    id: str
    unit: str
    digits: int


def shown_findings(*frames: pl.DataFrame | None) -> list[Finding]:
    """The ledger's baseline findings, then any other finding a rung measured under an id the ledger has since
    renamed (e.g. a farm level in its id), so a rung's values are never dropped."""
    findings = [Finding(claim.id, claim.unit, claim.digits) for claim in baseline_claims()]
    known = {f.id for f in findings}
    for name in PLAIN:
        if name not in known and any(f is not None and name in f.columns for f in frames):
            unit = ("(topics)" if "topics_lost" in name else "(share)" if name.startswith(("farm_", "calibration_"))
                    else "(nats)")
            findings.append(Finding(name, unit, 2))
    return findings


def disk_findings_table(frame: pl.DataFrame) -> str:
    """The ledger's baseline findings on the rungs with their pages on disk (one seed each)."""
    scales = sorted(frame["scale"].unique())
    lines = ["| finding (ledger id) | " + " | ".join(f"{k:g}x" for k in scales) + " |", "|---|" + "---:|" * len(scales)]
    for claim in [claim for claim in shown_findings(frame) if claim.id in frame.columns]:
        values = [frame.filter(pl.col("scale") == k)[claim.id][0] for k in scales]
        cells = ["" if v is None else f"{v:.{claim.digits}f}" for v in values]
        lines.append(f"| `{claim.id}` ({claim.unit.strip('()')}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


DISK_BEGIN = "<!-- disk:begin (generated by benchmarks/scale_ladder.py; do not edit) -->"
DISK_END = "<!-- disk:end -->"


def write_disk_block(frame: pl.DataFrame, doc: Path = ROOT / "docs" / "scaling.md") -> None:
    """The rungs with their pages on disk, between the markers of docs/scaling.md (the only text changed)."""
    from ecosystem.io import write_with

    text = doc.read_text(encoding="utf-8")
    if DISK_BEGIN not in text or DISK_END not in text:
        sys.exit(f"{doc}: no {DISK_BEGIN} ... {DISK_END} markers")
    block = (f"{DISK_BEGIN}\nBaseline seed 2000, pages on disk (`bench_memory_billion.py`), on a shared machine:\n"
             "CPU time is the cost, wall time the share of the machine the run had.\n\n"
             f"{disk_table(frame)}\n{DISK_END}")
    new = text[:text.index(DISK_BEGIN)] + block + text[text.index(DISK_END) + len(DISK_END):]
    write_with(doc, lambda tmp: Path(tmp).write_text(new, encoding="utf-8"))


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
    for claim in [claim for claim in claims if claim.id in frame.columns]:  # the findings the rungs measured
        cells = []
        for k in sorted(frame["scale"].unique()):
            est = mean_ci(frame.filter(pl.col("scale") == k)[claim.id].drop_nulls().to_numpy())
            interval = "" if np.isnan(est.low) else f" [{est.low:.{claim.digits}f}, {est.high:.{claim.digits}f}]"
            cells.append(f"{est.mean:.{claim.digits}f}{interval} (n={est.n})")
        lines.append(f"| `{claim.id}` ({claim.unit.strip('()')}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def figures(frame: pl.DataFrame, disk: pl.DataFrame | None = None) -> None:
    """Time and peak memory against pages (log-log), and each baseline finding against the scale; the rungs with
    their pages on disk (``disk``) beside the ladder, in CPU time and anonymous memory."""
    from analysis.style import new_figure
    from analysis.style import save as save_figure

    costs = frame.filter(pl.col("end") != FINDINGS_END).sort("pages")
    fig, axes = new_figure(1, 2, width=8.0, height=3.4)
    for ax, column, disk_column, label in ((axes[0, 0], "seconds", "cpu_s", "time [s]"),
                                           (axes[0, 1], "peak_mib", "anon_peak_mib", "peak memory [MiB]")):
        pages, values = costs["pages"].to_numpy(), costs[column].to_numpy()
        ax.loglog(pages, values, marker="o", color="#1f4e79", label="ladder: wall time, peak RSS (idle machine)")
        ax.loglog(pages, values[0] * pages / pages[0], linestyle="--", color="0.6", label="proportional to pages")
        for p, v, k in zip(pages, values, costs["scale"], strict=True):
            ax.annotate(f"{k:g}x", (p, v), textcoords="offset points", xytext=(4, -10), fontsize=7)
        if disk is not None and disk.height:
            rungs = disk.sort("pages")
            ax.loglog(rungs["pages"].to_numpy(), rungs[disk_column].to_numpy(), marker="s", color="#b35806",
                      label="pages on disk: CPU time, anonymous peak")
            for p, v, k, stop in zip(rungs["pages"], rungs[disk_column], rungs["scale"], rungs["stopped"],
                                     strict=True):
                ax.annotate(f"{k:g}x" + (" (stopped)" if stop else ""), (p, v), textcoords="offset points",
                            xytext=(4, 4), fontsize=7, color="#b35806")
        ax.set_xlabel("pages on the web at the end")
        ax.set_ylabel(label)
        ax.legend(fontsize=6, loc="upper left")
    fig.suptitle("The baseline web from 1x its volume to a billion pages: cost grows with the pages")
    two_line_caption(fig, f"scenarios/baseline.yaml 2018-01 to {costs['end'][0]}, volume x k, "
                          f"seed {int(costs['seed'][0])}, each rung in its own process; {platform.machine()}, "
                          f"{os.cpu_count()} cores; {dt.date.today()}\non disk: bench_memory_billion.py, crawls and "
                          "training sets as in the baseline, a shared machine")
    save_figure(fig, FIGURES, "scaling")
    findings_figure(frame, disk)


def findings_figure(frame: pl.DataFrame, disk: pl.DataFrame | None) -> None:
    """Each of the ledger's baseline findings against the volume: the ladder's seeds (mean and 95% interval, for
    the findings its rungs measured) and the rungs with their pages on disk (one seed each)."""
    from analysis.style import new_figure
    from analysis.style import save as save_figure
    from ecosystem.experiments.stats import mean_ci

    claims = [f for f in shown_findings(frame, disk) if f.id in frame.columns or (disk is not None
                                                                               and f.id in disk.columns)]
    ledger = pl.read_parquet(ROOT / "docs" / "claims.parquet") if (ROOT / "docs" / "claims.parquet").exists() else None
    cols = 3
    fig, axes = new_figure(-(-len(claims) // cols), cols, width=10.0, height=2.9)
    scales = sorted(set(frame["scale"].unique()) | set(disk["scale"].unique() if disk is not None else []))
    for ax, claim in zip(axes.ravel(), claims, strict=False):
        if claim.id in frame.columns:
            ladder = [k for k in sorted(frame["scale"].unique())
                      if frame.filter(pl.col("scale") == k)[claim.id].drop_nulls().len()]
            ests = [mean_ci(frame.filter(pl.col("scale") == k)[claim.id].drop_nulls().to_numpy()) for k in ladder]
            mean = np.array([e.mean for e in ests])
            low = np.array([e.low if not np.isnan(e.low) else e.mean for e in ests])
            high = np.array([e.high if not np.isnan(e.high) else e.mean for e in ests])
            ax.errorbar(ladder, mean, yerr=[mean - low, high - mean], marker="o", capsize=3, color="#1f4e79",
                        label="ladder (before the recalibration)")
        if disk is not None and claim.id in disk.columns:
            rungs = disk.filter(pl.col(claim.id).is_not_null()).sort("scale")
            ax.plot(rungs["scale"].to_numpy(), rungs[claim.id].to_numpy(), marker="s", color="#b35806",
                    label="pages on disk, one seed")
        if ledger is not None and claim.id in ledger["id"]:
            row = ledger.filter(pl.col("id") == claim.id).row(0, named=True)
            ax.axhspan(row["ci_low"], row["ci_high"], color="0.85", label=f"ledger at 1x, {row['n']} seeds")
        ax.set_xscale("log", base=4)
        ax.set_xticks(scales, [f"{k:g}x" for k in scales], fontsize=7)
        ax.set_title(PLAIN.get(claim.id, claim.id), fontsize=8)
        ax.set_ylabel(claim.unit.strip("()") or "value", fontsize=8)
        ax.set_xlabel("volume of the web", fontsize=8)
    axes[0, 0].legend(fontsize=6, loc="best")
    for ax in axes.ravel()[len(claims):]:
        ax.set_visible(False)
    fig.suptitle("Do the ledger's findings about the calibrated web (June 2025) hold as the web grows?")
    two_line_caption(fig, "scenarios/baseline.yaml to 2025-06 (ledger arm \"baseline\"), volume x k; grey: "
                          "the ledger at 1x. Ladder: training sets and crawls x k, seeds from 2000,\non the baseline "
                          "before its recalibration (the findings of that time). Pages on disk: "
                          "bench_memory_billion.py on today's baseline, crawls and training sets as in the baseline, "
                          f"seed 2000; {dt.date.today()}")
    save_figure(fig, FIGURES, "findings_by_scale")


def two_line_caption(fig, text: str) -> None:
    """``analysis.style.caption`` with room for two lines."""
    from analysis.style import caption

    caption(fig, text)
    height = fig.get_size_inches()[1]
    fig.get_layout_engine().set(rect=(0, 0.36 / height, 1, 1 - 0.36 / height))


# Plain titles for the ledger's baseline entries (their statements are in docs/claims.md).
PLAIN = {
    "calibration_ai_written_2023_11": "New pages mostly AI-written,\nNov 2023",
    "calibration_ai_written_2024_11": "New pages mostly AI-written,\nNov 2024",
    "calibration_ai_written_2025_05": "New pages mostly AI-written,\nMay 2025",
    "calibration_ai_any_2025_04": "New pages with any AI text,\nApr 2025",
    "who_worst_topic_web_2025": "Worst-off topic's excess NLL\nabove the average, Jun 2025",
    "who_tail_web_2025": "Rare topics' excess NLL\nabove the average, Jun 2025",
    "who_topics_lost_web_2025": "Topics a vendor has lost,\nJun 2025",
    "who_drift_web_2025": "New topics' excess NLL\nabove the average, Jun 2025",
    "farm_share_57": "Farms' share of new pages,\nJun 2025",
    "farm_crawl_synthetic_57": "Machine-made share of\ncrawled pages, Jun 2025",
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
    parser.add_argument("--add-disk-rung", type=Path, metavar="LOG", help="keep a bench_memory_billion.py run")
    parser.add_argument("--disk-scale", type=float, help="its --scale, for a run stopped before its JSON row")
    parser.add_argument("--disk-volume", help="how it scaled the web, for a run stopped before its JSON row")
    args = parser.parse_args()
    if args.add_disk_rung:
        row = disk_rung(args.add_disk_rung)
        save_disk_rung(row, scale=args.disk_scale, volume=args.disk_volume, seed=row.get("seed") or 2000)
        print(disk_table(pl.read_parquet(DISK_RESULTS)))
        return
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
    disk = pl.read_parquet(DISK_RESULTS) if DISK_RESULTS.exists() else None
    if disk is not None:
        print()
        print(disk_table(disk))
        print()
        print(disk_findings_table(disk))
        write_disk_block(disk)
    figures(frame, disk)


if __name__ == "__main__":
    main()
