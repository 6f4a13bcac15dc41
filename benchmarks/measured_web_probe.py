"""A quick look at how a scenario with a few values changed fits the measured web, by the issue's own tests.

Runs the scenario to 2026-08 on the given seeds (never the ledger's 2000-2019 when a choice is being made) and
prints, from ``ecosystem.calibration.fit.fit_table``: how many of WildAI's months 2023-01 to 2026-08 the mean over
seeds matches (inside the published interval or within 3 points), and every other target's simulated mean beside
the published value. A probe for choosing what to calibrate, not a calibration (that is ``ecosim calibrate``); the
probes made are in benchmarks/RESULTS.md.

    python benchmarks/measured_web_probe.py scenarios/baseline.yaml --seeds 3000 3023 \
        --set farms.start=2023-03 --set "humans.other={share: 0.35, tokens_mean: 900}"
"""

from __future__ import annotations

import argparse
import multiprocessing
from pathlib import Path

import polars as pl
import yaml

REPO = Path(__file__).resolve().parents[1]
WILDAI_MONTHS = ("2023-01", "2026-08")


def one_run(job: tuple[str, int, dict]) -> pl.DataFrame:
    import ecosystem as eco

    scenario, seed, overrides = job
    return eco.run(scenario, seed=seed, end=WILDAI_MONTHS[1], set=overrides).wide().with_columns(seed=pl.lit(seed))


def main() -> None:
    from ecosystem.calibration.fit import fit_table
    from ecosystem.calibration.targets import load_targets

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("--seeds", type=int, nargs=2, metavar=("FIRST", "LAST"), required=True)
    parser.add_argument("--set", action="append", default=[], metavar="PATH=YAML")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    overrides = {path: yaml.safe_load(value) for path, value in (item.split("=", 1) for item in args.set)}
    jobs = [(args.scenario, seed, overrides) for seed in range(args.seeds[0], args.seeds[1] + 1)]
    with multiprocessing.get_context("forkserver").Pool(args.workers) as pool:  # polars' threads do not fork
        runs = pl.concat(pool.map(one_run, jobs), how="diagonal")
    targets = [t for t in load_targets(REPO / "data" / "targets.csv") if t.series != "c2pa"]
    fit = fit_table(runs, targets)
    wildai = fit.filter((pl.col("series") == "wildai") & pl.col("date").is_between(*(pl.lit(m) for m in WILDAI_MONTHS)))
    missed = wildai.filter(~pl.col("matched"))
    print(f"seeds {args.seeds[0]}-{args.seeds[1]}; WildAI months matched {int(wildai['matched'].sum())} of "
          f"{wildai.height}; missed: " + ", ".join(f"{r['date']} {r['mean']:.3f} ({r['value']:.3f})"
                                                     for r in missed.iter_rows(named=True)))
    shown = fit.filter((pl.col("series") != "wildai")
                       | pl.col("date").is_in(["2023-06", "2024-06", "2025-06", "2026-06", "2026-08"]))
    farms = runs.group_by("seed").agg(pl.col("farms.count").max().alias("most"), pl.col("farms.count").last())
    print(f"farms in business at the end: mean {farms['farms.count'].mean():.1f}, sd {farms['farms.count'].std():.1f}; "
          f"seeds that never had a farm: {int((farms['most'] == 0).sum())} of {farms.height}")
    for r in shown.iter_rows(named=True):
        digits = 3 if r["high"] <= 1 else 0
        print(f"{r['series']:20s} {r['date']}  simulated {r['mean']:.{digits}f}  published {r['value']:.{digits}f} "
              f"[{r['low']:.{digits}f}, {r['high']:.{digits}f}]")


if __name__ == "__main__":
    main()
