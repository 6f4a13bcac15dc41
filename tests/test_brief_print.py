"""The brief as a reader gets it: a PDF of two to four A4 pages whose text stays inside the page's margins,
an answer whose every number is the key-numbers table's, policy titles instead of file names, numbers
rounded by one rule (no ``n/a``, no ``e+06``), and words where the results cannot answer."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest
from test_brief import Tables
from typer.testing import CliRunner

from ecosystem.cli import app

pytestmark = pytest.mark.slow  # prints briefs to PDF in Chromium: left out of `make test-quick`

DATA = Path(__file__).parent / "data"
runner = CliRunner()
MARGIN_PT = 15 / 25.4 * 72  # the brief's @page margin, 15 mm
SLACK_PT = 1.0


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> Path:
    """The small comparison (experiment_small against its costlier-farms variant, 3 seeds, about 7 s)."""
    out = tmp_path_factory.mktemp("compare")
    result = runner.invoke(app, ["compare", str(DATA / "experiment_small.yaml"), str(DATA / "experiment_variant.yaml"),
                                 "--seeds", "3", "--workers", "1", "--outcome", "mean(vendor.*.excess_nll)@2021",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _brief(compared: Path, out: Path, *extra: str) -> Path:
    for tool in ("/usr/bin/chromium", "pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: run `make system` (installs chromium and poppler-utils)")
    result = runner.invoke(app, ["brief", str(compared), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def brief(compared, tmp_path_factory) -> Path:
    return _brief(compared, tmp_path_factory.mktemp("brief"))


class Words(HTMLParser):
    """pdftotext -bbox output: each page's width and every word's box."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: list[tuple[float, list[tuple[float, float, str]]]] = []
        self.word: list[float] | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "page":
            self.pages.append((float(values["width"]), []))
        elif tag == "word":
            self.word = [float(values["xmin"]), float(values["xmax"])]

    def handle_data(self, data):
        if self.word is not None:
            self.pages[-1][1].append((*self.word, data))
            self.word = None


def _words(pdf: Path) -> list[tuple[float, list[tuple[float, float, str]]]]:
    done = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, timeout=120,
                          check=True)
    parser = Words()
    parser.feed(done.stdout)
    return parser.pages


def _tables(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def _outside(pdf: Path) -> list[str]:
    """Every word whose box crosses a side margin, with its page."""
    found = []
    for number, (width, words) in enumerate(_words(pdf), start=1):
        found += [f"page {number}: {text!r} at {low:.0f}-{high:.0f} of {width:.0f}" for low, high, text in words
                  if high > width - MARGIN_PT + SLACK_PT or low < MARGIN_PT - SLACK_PT]
    return found


def test_the_small_comparisons_brief_is_two_to_four_pages_inside_the_margins(brief, tmp_path):
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(brief / "brief.pdf"), str(tmp_path / "page")], check=True,
                   timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 2 <= len(pages) <= 4, f"{len(pages)} pages"
    assert _outside(brief / "brief.pdf") == []


def test_the_annex_lists_the_whole_ledger_and_its_table_fits_the_page(compared, brief, tmp_path):
    ledger = pl.read_parquet(Path(__file__).parents[1] / "docs" / "claims.parquet")
    annexed = _brief(compared, tmp_path / "annex", "--annex")
    assert len(_tables((annexed / "brief.html").read_text(encoding="utf-8"))["annex"]) == ledger.height + 1
    assert "annex" not in _tables((brief / "brief.html").read_text(encoding="utf-8"))
    assert _outside(annexed / "brief.pdf") == []


def test_every_number_in_the_answer_is_the_tables(brief):
    html = (brief / "brief.html").read_text(encoding="utf-8")
    answer = unescape(" ".join(re.search(r'<p class="answer" id="answer">(.*?)</p>', html, re.S).group(1).split()))
    table = " ".join(" ".join(cells) for cells in _tables(html)["key-numbers"])
    shown = {token.strip("+-") for token in re.findall(r"[-+]?\d[\d,]*(?:\.\d+)?%?", table)}
    numbers = [token.strip("+-") for token in re.findall(r"[-+]?\d[\d,]*(?:\.\d+)?%?", answer)
               if token not in ("95%", "2021", "3")]
    assert len(numbers) >= 4, answer
    assert [n for n in numbers if n not in shown] == [], answer
    assert answer.startswith("No clear change: with Costlier content farms, the model's distance from human text")
    assert "over 2021" in answer and "over 3 seeds" in answer


def test_the_brief_names_policies_by_title_in_plain_numbers(brief):
    text = subprocess.run(["pdftotext", "-layout", str(brief / "brief.pdf"), "-"], capture_output=True, text=True,
                          timeout=120, check=True).stdout
    flat = " ".join(text.split())
    assert "Costlier content farms against small" in flat
    assert "Costlier content farms sets content farms' fixed cost to 200 (reference: 20)." in flat
    assert "n/a" not in flat and not re.search(r"\de[+-]\d", flat), flat
    assert "{" not in flat and "small_costly_farms sets" not in flat


def _edited(compared: Path, folder: Path, change) -> str:
    """The brief's HTML of a copy of the comparison whose summary ``change`` edits."""
    from analysis.brief import render_brief

    shutil.copytree(compared, folder, ignore=shutil.ignore_patterns("runs", "figures"))
    summary = pl.read_parquet(folder / "summary.parquet")
    change(summary).write_parquet(folder / "summary.parquet")
    html = render_brief(folder, figures_folder=folder / "drawn", claims=folder / "none.parquet")
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


def test_a_reference_of_zero_gives_the_difference_and_says_why_there_is_no_percentage(compared, tmp_path):
    def zero(summary: pl.DataFrame) -> pl.DataFrame:
        reference = pl.col("scenario") == "small"
        return summary.with_columns(pl.when(reference).then(0.0).otherwise(pl.col(c)).alias(c)
                                    for c in ("mean", "ci_low", "ci_high")).with_columns(
            pl.lit(None, pl.Float64).alias(c) for c in ("rel", "rel_low", "rel_high"))

    text = _edited(compared, tmp_path / "zero", zero)
    assert "n/a" not in text
    assert "no reference value to compare with" in text
    assert "so there is no percentage change to give" in text and "not in percent" in text


def test_an_outcome_a_scenario_lacks_is_compared_where_it_exists_and_named_where_not(compared, tmp_path):
    def lacking(summary: pl.DataFrame) -> pl.DataFrame:
        variant = pl.col("scenario") == "small_costly_farms"
        return summary.with_columns(pl.when(variant).then(0).otherwise(pl.col("n")).alias("n"),
                                    *(pl.when(variant).then(None).otherwise(pl.col(c)).alias(c)
                                      for c in ("mean", "ci_low", "ci_high", "diff", "diff_low", "diff_high", "rel",
                                                "rel_low", "rel_high")))

    text = _edited(compared, tmp_path / "lacking", lacking)
    assert "n/a" not in text
    assert "This brief cannot answer the question:" in text and "is not measured in Costlier content farms" in text
    assert "not measured" in text and "it is compared only where it exists" in text
