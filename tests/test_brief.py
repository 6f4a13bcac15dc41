"""From a comparison to a brief: the terminal summary at 80 columns, the HTML brief whose numbers are the
outcome table's, the claims ledger's conditions, and a PDF whose pages are not blank."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy import stats
from typer.testing import CliRunner

from analysis.rounding import with_interval
from analysis.summary import interval, number, percent
from ecosystem.cli import app

DATA = Path(__file__).parent / "data"
runner = CliRunner()
OUTCOMES = ["mean(vendor.*.excess_nll)@2021-07..2021-12", "web.synthetic_share_new@2021-12"]
TITLES = {"Watermark mandate and registry": "tiny_watermark"}  # the variant's title: the brief names it so


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> tuple[Path, str]:
    """tiny against tiny with a watermark mandate, 3 seeds, stopped at 2021-12 (about 10 s)."""
    out = tmp_path_factory.mktemp("compare")
    args = ["compare", str(DATA / "tiny.yaml"), str(DATA / "tiny_watermark.yaml"), "--seeds", "3", "--workers", "1",
            "--end", "2021-12", "--out", str(out)]
    for outcome in OUTCOMES:
        args += ["--outcome", outcome]
    result = runner.invoke(app, args, terminal_width=80)
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.fixture(scope="module")
def claims(tmp_path_factory) -> Path:
    """A claims ledger with a claim on watermarks, one on the outcome's metric elsewhere, one on neither."""
    path = tmp_path_factory.mktemp("ledger") / "claims.parquet"
    pl.DataFrame({
        "id": ["C1", "C2", "C3"],
        "statement": ["A watermark mandate lowers vendors' excess NLL.", "First movers keep an edge in users.",
                      "Under replace, excess NLL grows by 2 orders of magnitude."],
        "experiment": ["watermark_half vs baseline", "first_mover", "closed_loop"], "seeds": ["0-9"] * 3,
        "n": [10] * 3, "effect": [-0.1, 0.4, 2.0], "ci_low": [-0.2, 0.3, 1.5], "ci_high": [-0.01, 0.5, 2.5],
        "unit": ["nats", "share", "orders"],
        "holds": ["crawlers filter marked pages they can detect", "users switch slowly", "one vendor, replace"],
        "fails": ["when farms paraphrase most pages", "with no switching cost", "under accumulate"],
    }).write_parquet(path)
    return path


@pytest.fixture(scope="module")
def brief(compared, claims, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("brief")
    result = runner.invoke(app, ["brief", str(compared[0]), "--out", str(out), "--claims", str(claims)])
    assert result.exit_code == 0, result.output
    return out


class Tables(HTMLParser):
    """The text of every table cell, by table id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.current = dict(attrs).get("id", "")
            self.tables[self.current] = []
        elif tag == "tr" and self.current is not None:
            self.tables[self.current].append([])
        elif tag in ("td", "th") and self.current is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[self.current][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def expected_rows(compare_folder: Path) -> dict[tuple[str, str], tuple[str, str, str]]:
    """Recomputed from outcomes.parquet alone: (outcome, scenario) -> value, difference, relative change."""
    table = pl.read_parquet(compare_folder / "outcomes.parquet")
    rows = {}
    for outcome in OUTCOMES:
        wide = table.pivot(on="scenario", index="seed", values=outcome).sort("seed")
        reference = wide["tiny"].to_numpy()
        for scenario in ("tiny", "tiny_watermark"):
            values = wide[scenario].to_numpy()
            half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
            value = with_interval(values.mean(), values.mean() - half, values.mean() + half)
            d = values - reference
            d_half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
            diff = with_interval(d.mean(), d.mean() - d_half, d.mean() + d_half)
            rel = [100 * x / abs(reference.mean()) for x in (d.mean(), d.mean() - d_half, d.mean() + d_half)]
            rows[outcome, scenario] = (value, diff, with_interval(*rel, sign=True, suffix="%"))
    return rows


def test_the_terminal_summary_fits_80_columns_uncut_with_every_number(compared):
    out, text = compared
    assert "…" not in text and "..." not in text.replace("..2021-12", "")
    assert all(len(line) <= 80 for line in text.splitlines()), max(text.splitlines(), key=len)
    flat = " ".join(text.split())
    summary = pl.read_parquet(out / "summary.parquet")
    for row in summary.filter(pl.col("scenario") == "tiny_watermark").iter_rows(named=True):
        assert f"{number(row['diff'])} {interval(row['diff_low'], row['diff_high'])}" in flat
        assert f"({percent(row['rel'])} [{percent(row['rel_low'])}, {percent(row['rel_high'])}])" in flat
        assert f"tiny_watermark: {number(row['mean'])} {interval(row['ci_low'], row['ci_high'])}, n=3" in flat
    assert "mean over vendors: model's distance from human text (excess NLL)" in flat


def test_the_briefs_numbers_are_the_outcome_tables(compared, brief):
    html = (brief / "brief.html").read_text(encoding="utf-8")
    parser = Tables()
    parser.feed(html)
    expected = expected_rows(compared[0])
    found, outcome_index = {}, -1
    for cells in parser.tables["key-numbers"][1:]:
        if len(cells) == 1:  # an outcome's heading row
            outcome_index += 1
            continue
        title, value, diff, rel, n = cells
        found[OUTCOMES[outcome_index], TITLES.get(title, title)] = (value, diff, rel)
        assert n == "3"
    for key, (value, diff, rel) in expected.items():
        got = found[key]
        assert got[0] == value
        assert (got[1], got[2]) == (("reference", "") if key[1] == "tiny" else (diff, rel))
    answer = re.search(r'<p class="answer" id="answer">(.*?)</p>', html, re.S).group(1)
    diff, low, high = re.fullmatch(r"(\S+) \[(\S+), (\S+)\]", expected[OUTCOMES[0], "tiny_watermark"][1]).groups()
    answer = " ".join(answer.split())
    assert "over 3 seeds" in answer and "Watermark mandate and registry" in answer
    assert diff.lstrip("-") in answer and {low.lstrip("-"), high.lstrip("-")} <= set(re.findall(r"[\d.]+", answer))


def test_the_brief_is_self_contained_and_says_what_was_assumed(brief):
    html = (brief / "brief.html").read_text(encoding="utf-8")
    sources = re.findall(r'src="([^"]*)"', html)
    assert 2 <= len(sources) <= 4 and all(s.startswith("data:image/png;base64,") for s in sources)
    assert not re.search(r'(href|src)="https?:', html)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "adds a watermark mandate from 2021-07 (compliance 0.5" in text
    assert "Kirchenbauer et al. 2023" in text
    for section in ("Purpose and patterns", "Entities, state variables and scales", "Process overview and "
                    "scheduling", "Design concepts", "Initialisation", "Input data", "Submodels"):
        assert section in text
    assert "seeds 0-2 (n = 3)" in text


def test_limitations_list_the_ledgers_relevant_conditions(brief, compared, claims, tmp_path):
    """The brief lists the claims on its levers; those on the outcome's metric elsewhere only as a count, and
    in full (with every other claim) in the annex ``--annex`` asks for."""
    html = " ".join((brief / "brief.html").read_text(encoding="utf-8").split())
    assert "crawlers filter marked pages they can detect" in html and "when farms paraphrase most pages" in html
    assert "one vendor, replace" not in html and "users switch slowly" not in html
    assert "1 more claim(s) concern" in html and "ecosim brief --annex" in html
    result = runner.invoke(app, ["brief", str(compared[0]), "--out", str(tmp_path / "a"), "--no-pdf", "--claims",
                                 str(claims), "--annex"])
    assert result.exit_code == 0, result.output
    annexed = (tmp_path / "a" / "brief.html").read_text(encoding="utf-8")
    assert all(text in annexed for text in ("one vendor, replace", "users switch slowly", "Annex: the claims ledger"))
    result = runner.invoke(app, ["brief", str(compared[0]), "--out", str(tmp_path / "b"), "--no-pdf", "--no-claims"])
    assert result.exit_code == 0, result.output
    assert "written without the claims ledger" in (tmp_path / "b" / "brief.html").read_text(encoding="utf-8")


def test_a_folder_that_is_not_a_comparison_is_one_line(tmp_path):
    result = runner.invoke(app, ["brief", str(tmp_path), "--out", str(tmp_path / "b")])
    assert result.exit_code == 2
    assert "not a finished comparison (missing compare.json" in result.output.replace("\n", " ")


def test_the_pdf_pages_are_not_blank(brief, tmp_path):
    for tool in ("/usr/bin/chromium", "pdftoppm"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: run `make system` (installs chromium and poppler-utils)")
    pdf = brief / "brief.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-gray", "-r", "30", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.pgm"))
    assert len(pages) >= 2
    for page in pages:
        ink = _ink(page)
        assert ink > 0.01, f"{page.name} is blank ({ink:.2%} of its pixels are not white)"


def _ink(path: Path) -> float:
    """Share of a binary PGM's pixels darker than near-white."""
    data = path.read_bytes()
    magic, width, height, _, pixels = data.split(maxsplit=4)
    assert magic == b"P5"
    image = np.frombuffer(pixels[: int(width) * int(height)], dtype=np.uint8)
    return float((image < 200).mean())


def test_a_sweep_folder_gets_a_brief_with_its_point_means(tmp_path):
    out = tmp_path / "sweep"
    result = runner.invoke(app, ["sweep", str(DATA / "sweep_grid.yaml"), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["brief", str(out), "--out", str(tmp_path / "b"), "--no-pdf"])
    assert result.exit_code == 0, result.output
    parser = Tables()
    parser.feed((tmp_path / "b" / "brief.html").read_text(encoding="utf-8"))
    header, *rows = parser.tables["key-numbers"]
    assert header[:3] == ["point", "fixed_cost", "temperature"]
    means = pl.read_parquet(out / "point_means.parquet").sort("point")
    assert len(rows) == means.height == 4
    for cells, mean in zip(rows, means.iter_rows(named=True), strict=True):  # one seed: three significant figures
        assert cells[3] == with_interval(mean["synthetic_new_end"], None, None)
        assert cells[4] == with_interval(mean["early_nll_mean"], None, None)
        assert cells[1] in ("20", "200") and cells[2] in ("0.7", "1")  # levels as set, not "1.0" or "2e+02"


def test_an_output_folder_that_cannot_be_written_is_refused_first(compared, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    result = runner.invoke(app, ["brief", str(compared[0]), "--out", str(blocker / "brief")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert str(blocker) in result.output.replace("\n", "")
