"""The brief of a sweep over one parameter answers a question: each level against the reference level, seed by
seed, and the level at which the first outcome has changed by a percent. Every number in it is rounded by the
one rule (analysis/rounding.py), and the answer quotes the table's numbers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy import stats
from test_brief import Tables
from typer.testing import CliRunner

from analysis.brief import render_brief
from analysis.rounding import setting, with_interval
from analysis.wording import threshold_text
from ecosystem.cli import app
from ecosystem.experiments.one_way import threshold

DATA = Path(__file__).parent / "data"
LEVELS = [20, 200, 2000]
OUTCOMES = ["farms_end", "early_nll"]
runner = CliRunner()


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> Path:
    """Farms' fixed cost at three levels on the small scenario, three common seeds, to 2021-06 (9 runs)."""
    folder = tmp_path_factory.mktemp("one_way")
    sweep = folder / "cost.yaml"
    sweep.write_text(f"name: cost_levels\nbase: {DATA / 'experiment_small.yaml'}\noverrides: {{end: 2021-06}}\n"
                     f"parameters:\n  - {{path: farms.fixed_cost, name: fixed_cost, levels: {LEVELS}}}\n"
                     "design: {kind: grid}\nseeds: 3\noutcomes:\n"
                     "  - {name: farms_end, metric: farms.count, start: 2021-04, end: 2021-06, agg: mean}\n"
                     "  - {name: early_nll, metric: vendor.Early.excess_nll, start: 2021-01, end: 2021-06,"
                     " agg: mean}\n")
    out = folder / "out"
    result = runner.invoke(app, ["sweep", str(sweep), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def html(swept, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("brief")
    result = runner.invoke(app, ["brief", str(swept), "--out", str(out), "--no-pdf", "--no-claims"])
    assert result.exit_code == 0, result.output
    return (out / "brief.html").read_text(encoding="utf-8")


def expected(swept: Path) -> dict[tuple[str, str], tuple[str, str, str]]:
    """Recomputed from outcomes.parquet alone: (outcome, level shown) -> value, difference, relative change."""
    table = pl.read_parquet(swept / "outcomes.parquet")
    rows = {}
    for outcome in OUTCOMES:
        wide = table.pivot(on="fixed_cost", index="seed", values=outcome).sort("seed")
        reference = wide["20"].to_numpy()
        for level in LEVELS:
            values = wide[str(level)].to_numpy()
            half = stats.t.ppf(0.975, 2) * values.std(ddof=1) / np.sqrt(3)
            d = values - reference
            d_half = stats.t.ppf(0.975, 2) * d.std(ddof=1) / np.sqrt(3)
            rel = [100 * x / abs(reference.mean()) for x in (d.mean(), d.mean() - d_half, d.mean() + d_half)]
            rows[outcome, f"fixed_cost = {setting(level)}"] = (
                with_interval(values.mean(), values.mean() - half, values.mean() + half),
                with_interval(d.mean(), d.mean() - d_half, d.mean() + d_half),
                with_interval(*rel, sign=True, suffix="%"))
    return rows


def test_the_levels_table_is_rounded_by_the_one_rule(swept, html):
    parser = Tables()
    parser.feed(html)
    header, *rows = parser.tables["key-numbers"]
    assert header[0] == "fixed_cost" and "difference from fixed_cost = 20" in header[2]
    found, index = {}, -1
    for cells in rows:
        if len(cells) == 1:  # an outcome's heading row
            index += 1
            continue
        level, value, diff, rel, n = cells
        found[OUTCOMES[index], level] = (value, diff, rel)
        assert n == "3"
    for key, (value, diff, rel) in expected(swept).items():
        assert found[key] == ((value, "reference", "") if key[1] == "fixed_cost = 20" else (value, diff, rel))


def test_the_threshold_and_the_answer_quote_the_rounded_numbers(swept, html):
    one_way = pl.read_parquet(swept / "one_way.parquet")
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#39;", "'")
    for outcome in OUTCOMES:
        assert threshold_text(threshold(one_way, outcome, percent=10), "fixed_cost") in text
    answer = " ".join(re.search(r'<p class="answer" id="answer">(.*?)</p>', html, re.S).group(1).split())
    assert threshold_text(threshold(one_way, OUTCOMES[0], percent=10), "fixed_cost") in answer
    assert "over 3 seeds per level" in answer
    _, diff, rel = expected(swept)[OUTCOMES[0], "fixed_cost = 2,000"]
    assert f"at fixed_cost = 2,000 it differs from fixed_cost = 20 by {diff}" in answer and rel in answer
    assert re.search(r"\d\.\d{4,}|e[+-]\d", answer) is None  # no number past what its interval supports


def test_the_brief_draws_the_levels_and_asks_for_any_percent(swept, tmp_path):
    """A one-parameter grid's brief shows its level figures (it had none), and ``change`` sets the percent."""
    page = render_brief(swept, figures_folder=tmp_path / "figures", with_claims=False, change=5)
    assert len(re.findall(r'src="data:image/png;base64,', page)) == len(OUTCOMES)
    one_way = pl.read_parquet(swept / "one_way.parquet")
    assert threshold_text(threshold(one_way, OUTCOMES[0], percent=5), "fixed_cost") in " ".join(page.split())
    assert "At what fixed_cost does" in page and "change by 5% from fixed_cost = 20?" in page


def test_ecosim_brief_change_sets_the_percent_and_refuses_one_out_of_range(swept, tmp_path):
    out = tmp_path / "brief"
    result = runner.invoke(app, ["brief", str(swept), "--out", str(out), "--no-pdf", "--no-claims", "--change", "5"])
    assert result.exit_code == 0, result.output
    text = " ".join(re.sub(r"<[^>]+>", " ", (out / "brief.html").read_text(encoding="utf-8")).split())
    one_way = pl.read_parquet(swept / "one_way.parquet")
    assert "change by 5% from fixed_cost = 20?" in text and "change by 10%" not in text
    assert threshold_text(threshold(one_way, OUTCOMES[0], percent=5), "fixed_cost").replace("'", "&#39;") in text
    for bad in ("0", "1001", "ten"):
        refused = runner.invoke(app, ["brief", str(swept), "--out", str(tmp_path / bad), "--no-pdf", "--change", bad])
        assert refused.exit_code == 2 and "--change" in refused.output, refused.output
        assert not (tmp_path / bad).exists()
