"""The claims ledger: every entry runs (reduced), the docs and README are generated from it, and README's
numbers are the ledger's."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from analysis.claims import (
    ARMS,
    CLAIMS,
    LEDGER_SEEDS,
    README_END,
    README_START,
    REPLICATIONS,
    Entry,
    measure,
    measure_replications,
    plan,
    readme_block,
    write_ledger,
)
from ecosystem.calibration.targets import Target
from ecosystem.experiments.batch import run_batch
from ecosystem.experiments.executors import LocalProcesses

pytestmark = pytest.mark.slow  # every claim's reduced runs: left out of `make test-quick`

REPO = Path(__file__).parents[1]
COLUMNS = {"id", "statement", "experiment", "seeds", "n", "effect", "ci_low", "ci_high", "unit", "holds", "fails"}


@pytest.fixture(scope="module")
def quick_entries(tmp_path_factory) -> list[Entry]:
    specs = plan(quick=True, folder=tmp_path_factory.mktemp("runs"))
    with LocalProcesses(workers=2) as executor:
        report = run_batch(specs, executor=executor)
    assert not report.failures, [f.describe() for f in report.failures]
    return [*measure(specs), *measure_replications(quick=True)]


def test_every_claim_is_measured_on_its_reduced_runs(quick_entries):
    assert [e.claim.id for e in quick_entries] == [c.id for c in CLAIMS] + [r.id for r in REPLICATIONS]
    for entry in quick_entries:
        assert len(entry.values) == 2 and all(math.isfinite(v) for v in entry.values), entry.claim.id
        assert entry.verdict in {"holds", "not shown", "contradicted", "measured", "fitted", "matches theory",
                                 "differs from theory", "matches published", "differs from published"}
        assert "{effect}" not in entry.sentence() and entry.effect_text() in entry.sentence()


def test_the_ledger_writes_its_table_docs_and_readme_block(quick_entries, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\nbefore\n{README_START}\nstale\n{README_END}\nafter\n", encoding="utf-8")
    frame = write_ledger(quick_entries, docs=tmp_path, readme=readme)
    table = pl.read_parquet(tmp_path / "claims.parquet")
    assert COLUMNS <= set(table.columns) and table.height == len(CLAIMS) + len(REPLICATIONS)
    text = readme.read_text(encoding="utf-8")
    assert "stale" not in text and text.startswith("# x\n\nbefore\n") and text.endswith("after\n")
    assert readme_block(frame) in text
    assert "## `collapse_excess_replace`" in (tmp_path / "claims.md").read_text(encoding="utf-8")


def test_ledger_seeds_are_disjoint_from_every_seed_the_tests_use():
    assert min(LEDGER_SEEDS) >= 1000 and len(LEDGER_SEEDS) >= 20
    for arm in ARMS.values():
        assert "seed" not in arm.overrides


def test_readme_numbers_are_the_ledgers():
    """README.md's claims block is exactly what the committed ledger (docs/claims.parquet) generates."""
    ledger = REPO / "docs" / "claims.parquet"
    assert ledger.is_file(), "docs/claims.parquet is missing: run `ecosim claims`"
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme_block(pl.read_parquet(ledger)) in text


def _entry(values: list[float], direction: int) -> Entry:
    claim = CLAIMS[0].__class__(id="x", statement="{effect}", arms=(), measure=lambda runs: 0.0, unit="nats",
                                holds="", fails="", direction=direction)
    return Entry(claim, np.array(values), range(100, 100 + len(values)))


@pytest.mark.parametrize(("values", "direction", "verdict"), [
    ([1.0, 1.2, 0.9, 1.1], +1, "holds"),
    ([-1.0, -1.2, -0.9, -1.1], +1, "contradicted"),
    ([-1.0, -1.2, -0.9, -1.1], -1, "holds"),
    ([1.0, 1.2, 0.9, 1.1], -1, "contradicted"),
    ([1.0, -1.2, 0.9, -1.1], +1, "not shown"),
    ([1.0, 1.2, 0.9, 1.1], 0, "measured"),
])
def test_an_interval_against_the_claimed_direction_is_contradicted_not_unshown(values, direction, verdict):
    assert _entry(values, direction).verdict == verdict


def test_an_entry_whose_published_figure_set_a_parameter_is_fitted_not_validated():
    claim = CLAIMS[0].__class__(id="x", statement="{effect}", arms=(), measure=lambda runs: 0.0, unit="",
                                holds="", fails="", published="52%", fitted=True)
    assert Entry(claim, np.array([0.5, 0.52, 0.51]), range(100, 103)).verdict == "fitted"


def test_entries_compared_with_the_figures_a_parameter_was_tuned_to_are_fitted():
    """The calibration's fitted targets (data/targets.csv, use = calibration), displacement (tuned to Stack
    Overflow) and the quality filter's survival ratio (a monotone function of the reference's free model-written
    share) are fitted; the held-out figures are not, and carry the figure their verdict is checked against."""
    fitted = {c.id for c in CLAIMS if c.fitted}
    assert {"calibration_wildai_2024_06", "calibration_graphite_2024_11", "calibration_wildai_ai_length_2026_06",
            "calibration_ahrefs_2025_04", "calibration_similarweb_2026_01", "quality_half_survival_ratio"} <= fitted
    assert "calibration_stackoverflow_2023_05" not in fitted  # a second design, compared, never fitted
    held_out = {c.id: c for c in CLAIMS if c.target is not None}
    assert {"calibration_wildai_2026_08", "calibration_graphite_2025_05", "calibration_similarweb_2026_02",
            "calibration_wildai_human_length_2026_06"} <= set(held_out)
    assert not fitted & set(held_out)
    assert held_out["calibration_similarweb_2026_02"].target.value == 0.617


def test_a_held_out_figure_is_matched_inside_its_interval_or_within_three_points_for_a_share():
    target = Target(series="wildai", date="2026-08", value=0.311, low=0.289, high=0.333,
                    metric="web.wildai_ai_token_share", use="held_out", source="s", note="n")
    claim = CLAIMS[0].__class__("x", "{effect}", ("a",), lambda runs: 0.0, "(share)", holds="", fails="", target=target)
    assert Entry(claim, np.array([0.30, 0.31, 0.32]), range(3)).verdict == "matches published"
    assert Entry(claim, np.array([0.34, 0.34, 0.34]), range(3)).verdict == "matches published"  # 2.9 points
    assert Entry(claim, np.array([0.35, 0.35, 0.35]), range(3)).verdict == "differs from published"


def test_the_ledger_table_keeps_each_seeds_value(tmp_path):
    entry = _entry([0.5, 0.45, 0.55], +1)
    frame = write_ledger([entry], docs=tmp_path, readme=None)
    row = pl.read_parquet(tmp_path / "claims.parquet").row(0, named=True)
    assert row["seed"] == [100, 101, 102] and row["value"] == [0.5, 0.45, 0.55]
    assert frame["verdict"].to_list() == ["holds"]


def test_a_log_ratio_entry_is_a_median_that_one_wild_seed_cannot_move():
    claim = CLAIMS[0].__class__(id="log", statement="{effect}", arms=(), measure=lambda runs: 0.0,
                                unit="orders of magnitude (log10 of last / first)", holds="", fails="", direction=+1)
    values = np.array([3.0, 3.1, 2.9, 3.2, 2.8, 3.05, 2.95, 3.0, 40.0])
    entry = Entry(claim, values, range(100, 109))
    est = entry.estimate
    assert est.mean == 3.0 and est.low <= 3.0 <= est.high < 4.0  # the mean would be 7.1
    assert entry.effect_text().startswith("median +3.00 [") and entry.verdict == "holds"
    assert entry.estimate == est  # the bootstrap is seeded: the same interval every time


def test_every_entry_the_readme_quotes_exists():
    from analysis.claims.ledger import README_CLAIMS
    from analysis.claims.text_models import CLAIMS as TEXT_MODELS

    assert set(README_CLAIMS) <= {c.id for c in (*CLAIMS, *TEXT_MODELS)} | {r.id for r in REPLICATIONS}
