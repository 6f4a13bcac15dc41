"""Comparisons and their briefs: ``--set`` on ``ecosim compare`` reaches the runs (and a bad one stops everything
first), the brief's calibration check is read from the runs, compare figures draw bands over seeds and every
figure carries its caption line, and the brief's command line pastes into a shell however it is wrapped."""

from __future__ import annotations

import math
import shutil
import subprocess
from html import unescape
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import polars as pl
import pytest
import yaml
from matplotlib.collections import PolyCollection
from scipy import stats
from test_brief import Tables
from typer.testing import CliRunner

from analysis.rounding import with_interval
from ecosystem.calibration.targets import load_targets
from ecosystem.cli import app

DATA = Path(__file__).parent / "data"
runner = CliRunner()
END = "2025-05"  # past Graphite's published shares of 2023-11, 2024-11 and 2025-05
TARGETS = Path(__file__).parents[1] / "data" / "targets.csv"
WRITERS = 60  # tiny.yaml has 40


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> tuple[Path, str]:
    """tiny against tiny_watermark with ``--set humans.writers=60``, 2 seeds, to 2025-05 (a few seconds), in a
    folder whose name has spaces and is long enough that the brief's command cannot fit 80 columns."""
    out = tmp_path_factory.mktemp("compare") / "watermark, 2 seeds"
    result = runner.invoke(app, ["compare", str(DATA / "tiny.yaml"), str(DATA / "tiny_watermark.yaml"), "--seeds", "2",
                                 "--workers", "1", "--end", END, "--set", f"humans.writers={WRITERS}", "--out",
                                 str(out)], terminal_width=80)
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.fixture(scope="module")
def brief_html(compared, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("brief")
    result = runner.invoke(app, ["brief", str(compared[0]), "--out", str(out), "--no-pdf", "--no-claims"])
    assert result.exit_code == 0, result.output
    return (out / "brief.html").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------------------------
# 1. --set on compare


def test_a_set_on_compare_reaches_every_run(compared, brief_html):
    out, _ = compared
    runs = pl.read_parquet(out / "runs.parquet")
    first = runs.filter(pl.col("step") == 0).sort("scenario", "seed")
    assert first.select("scenario", "seed").rows() == [("tiny", 0), ("tiny", 1), ("tiny_watermark", 0),
                                                       ("tiny_watermark", 1)]
    # 60 writers to start (tiny.yaml has 40); the web's growth may add one or two in the first month
    assert all(WRITERS <= n <= WRITERS + 3 for n in first["humans.writers"].to_list()), first["humans.writers"]
    assert f"{runs['date'].max():%Y-%m}" == END
    for name in ("tiny", "tiny_watermark"):
        saved = yaml.safe_load((out / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8"))
        assert saved["humans"]["writers"] == WRITERS and str(saved["end"]).startswith(END)
    text = " ".join(brief_html.split())
    assert f"Command-line changes applied to every scenario: humans.writers={WRITERS}; end {END}." in text


@pytest.mark.parametrize(("setting", "named"), [
    ("humans.nope=3", "humans.nope"),
    ("humans.writers=abc", "humans.writers"),
    ("vendors.Ghost.temperature=0.8", "Ghost"),
    ("humans.writers=[1", "humans.writers"),
    ("humans.writers", "humans.writers"),
])
def test_a_bad_set_on_compare_is_one_line_naming_the_path_before_any_run(tmp_path, setting, named):
    out = tmp_path / "out"
    result = runner.invoke(app, ["compare", str(DATA / "tiny.yaml"), str(DATA / "tiny_watermark.yaml"), "--seeds",
                                 "2", "--workers", "1", "--set", setting, "--out", str(out)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    assert named in lines[0] and "Traceback" not in result.output
    assert not out.exists()  # nothing ran, nothing was written


# ----------------------------------------------------------------------------------------------
# 2. The brief's calibration check


def _calibration_rows(html: str) -> list[list[str]]:
    parser = Tables()
    parser.feed(html)
    header, *rows = parser.tables["calibration"]
    assert header == ["series", "month", "published", "simulated mean", "match",
                      "all figures"]
    return rows


def _shown(value: float, low: float, high: float, *, share: bool) -> str:
    scale, suffix = (100, "%") if share else (1, "")
    if not high > low:  # no interval's width: three significant figures
        places = 2 - math.floor(math.log10(abs(value * scale))) if value else 0
        return f"{value * scale:,.{max(places, 0)}f}{suffix}"
    return with_interval(value * scale, low * scale, high * scale, suffix=suffix)


def _expected_calibration(runs: pl.DataFrame) -> tuple[list[list[str]], int, int]:
    """Recomputed from runs.parquet and data/targets.csv alone: per series the reference's mean over seeds at its
    latest published figure the runs cover (month, published, simulated, matched, how many of all the series'
    figures match; the series' words left out), and the counts over every figure covered."""
    reference = runs.filter(pl.col("scenario") == "tiny")
    by_series: dict[str, list] = {}
    for target in load_targets(TARGETS):
        if target.metric not in reference.columns:
            continue
        year, _, month = target.date.partition("-")
        part = reference.filter(pl.col("date").dt.year() == int(year))
        if month:
            part = part.filter(pl.col("date").dt.month() == int(month))
        values = part.group_by("seed").agg(pl.col(target.metric).mean()).drop_nulls()[target.metric].to_numpy()
        if not len(values):
            continue
        half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
        share = target.metric not in ("web.wildai_ai_doc_tokens", "web.wildai_human_doc_tokens")
        hit = target.low <= values.mean() <= target.high or (share and abs(values.mean() - target.value) <= 0.03)
        by_series.setdefault(target.series, []).append(
            (target.date, [target.date, _shown(target.value, target.low, target.high, share=share),
                           _shown(values.mean(), values.mean() - half, values.mean() + half, share=share),
                           "yes" if hit else "no"], hit))
    rows = []
    for found in by_series.values():
        hits = sum(hit for _, _, hit in found)
        rows.append([*max(found)[1], f"{hits} of {len(found)}"])
    every = [hit for found in by_series.values() for _, _, hit in found]
    return rows, sum(every), len(every)


def test_the_briefs_calibration_check_is_the_runs_against_the_published_figures(compared, brief_html):
    runs = pl.read_parquet(compared[0] / "runs.parquet")
    rows = _calibration_rows(brief_html)
    expected, matched, covered = _expected_calibration(runs)
    assert [row[1:] for row in rows] == expected
    assert [row[0] for row in rows][:3] == ["AI share of crawl tokens (WildAI)", "AI-written articles (Graphite)",
                                            "Pages with any AI text (Ahrefs)"]
    assert rows[1][1:4] == ["2025-05", "52.0% [49.0%, 55.0%]", expected[1][2]]  # Graphite's last figure
    assert "AI document length (WildAI)" in [row[0] for row in rows]
    text = unescape(" ".join(brief_html.split()))
    assert (f"The reference scenario, tiny, matches {matched} of the {covered} published figures its runs cover "
            "(data/targets.csv; matched: the simulated mean inside the published interval, or for a share within 3 "
            "points of it)") in text
    assert "web.ai_written_share_new" not in text and "~39%" not in text  # no hand-typed figures, no true share
    assert "seed noise only (compare --posterior adds the calibration's uncertainty)" in text


def test_the_calibration_check_follows_the_data(compared, tmp_path):
    """Halve the simulated share (and cut the runs before the first published month): the brief follows."""
    from analysis.brief import render_brief

    source = compared[0]
    halved = pl.col("web.graphite_ai_written_share") * 0.5
    for copy, change in (("halved", halved), ("short", None)):
        folder = tmp_path / copy
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("runs", "figures"))
        runs = pl.read_parquet(folder / "runs.parquet")
        runs = runs.with_columns(change) if change is not None else runs.filter(pl.col("date") < pl.date(2021, 1, 1))
        runs.write_parquet(folder / "runs.parquet")
        html = render_brief(folder, figures_folder=tmp_path / f"{copy}_figures", claims=tmp_path / "none.parquet")
        if change is not None:
            assert [row[1:] for row in _calibration_rows(html)] == _expected_calibration(runs)[0]
            assert _calibration_rows(html) != _calibration_rows(render_brief(
                source, figures_folder=tmp_path / "source_figures", claims=tmp_path / "none.parquet"))
        else:
            assert 'id="calibration"' not in html
            assert "The runs cover none of the published figures in data/targets.csv" in " ".join(html.split())


def test_the_calibration_check_says_when_its_intervals_cover_the_calibration(compared, monkeypatch):
    """A --posterior comparison's check says its intervals include the calibration's uncertainty."""
    from analysis.brief_compare import calibration
    from analysis.results import CompareResults, read_compare

    results = read_compare(compared[0])
    assert "seed noise only" in calibration(results)["cover"]
    record = type("Record", (), {"path": "results/calibration/web_2024"})()
    monkeypatch.setattr(CompareResults, "posterior", property(lambda self: record))
    said = calibration(results)["cover"]
    assert "Every seed (2 in all) drew its parameters from the calibrated posterior (results/calibration/web_2024)" \
        in said
    assert "cover the calibration's uncertainty as well as seed noise" in said


def test_a_bad_targets_file_is_said_in_the_brief_not_a_crash(compared, tmp_path):
    from analysis.brief_compare import calibration
    from analysis.results import read_compare

    bad = tmp_path / "targets.csv"
    bad.write_text("series,date\nx,2024-01\n", encoding="utf-8")
    checked = calibration(read_compare(compared[0]), targets=bad)
    assert checked["rows"] == [] and "missing column(s)" in checked["problem"]


# ----------------------------------------------------------------------------------------------
# 3. Figures: bands over seeds, caption lines


def _captured(monkeypatch, module) -> dict[str, object]:
    """Keep every figure ``module`` saves, by file stem (the files are still written)."""
    figures: dict[str, object] = {}
    real = module.save

    def keep(fig, folder, stem):
        figures[stem] = fig
        return real(fig, folder, stem)

    monkeypatch.setattr(module, "save", keep)
    return figures


def test_compare_time_series_draw_a_band_over_seeds_and_a_caption(compared, monkeypatch, tmp_path):
    import analysis.experiment_figures as experiment_figures
    from analysis.experiment_figures import stem_of
    from analysis.results import read_compare

    results = read_compare(compared[0])
    figures = _captured(monkeypatch, experiment_figures)
    experiment_figures.draw_compare_results(results, tmp_path)
    over_time = {stem: fig for stem, fig in figures.items() if stem.startswith("over_time_")}
    assert over_time and "differences" in figures
    for stem, fig in figures.items():
        captions = [t.get_text() for t in fig.texts]
        assert any("tiny vs tiny_watermark; seeds 0-1 (n = 2); 2020-01 to 2025-05" in c for c in captions), stem
    for stem, fig in over_time.items():
        ax = fig.axes[0]
        bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
        assert len(bands) == 2, f"{stem}: one band per scenario expected, found {len(bands)}"
        outcome = next(o for o in results.bands["outcome"].unique() if stem == f"over_time_{stem_of(o)}")
        reference = results.bands.filter(pl.col("outcome") == outcome, pl.col("scenario") == "tiny")
        heights = (reference["ci_high"] - reference["ci_low"]).drop_nans().drop_nulls()
        assert heights.max() > 0  # two seeds that differ: the band has a width
        ys = bands[0].get_paths()[0].vertices[:, 1]
        low, high = reference["ci_low"].drop_nans().min(), reference["ci_high"].drop_nans().max()
        assert (ys.min(), ys.max()) == pytest.approx((low, high))
    plt.close("all")


def test_run_figures_carry_a_caption_with_scenario_seed_and_dates(monkeypatch, tmp_path):
    import analysis.run_figures as run_figures

    figures = _captured(monkeypatch, run_figures)
    result = runner.invoke(app, ["run", str(DATA / "tiny.yaml"), "--seed", "3", "--end", "2021-06", "--out",
                                 str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert {"synthetic_share", "vendor_quality", "training_synthetic_share"} <= set(figures)
    for stem, fig in figures.items():
        assert "scenario tiny, seed 3, 2020-01 to 2021-06" in [t.get_text() for t in fig.texts], stem
        assert (tmp_path / "run" / "figures" / f"{stem}.png").is_file()
    plt.close("all")


# ----------------------------------------------------------------------------------------------
# 5. The brief's command pastes into a shell


def _pasted(lines: list[str]) -> list[str]:
    """The words bash sees when ``lines`` (a command ``ecosim ...``, continued by trailing backslashes) are pasted."""
    script = "ecosim() { printf '%s\\n' \"$@\"; }\n" + "\n".join(lines) + "\n"
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0 and not done.stderr, done.stderr
    return done.stdout.splitlines()


def test_the_brief_command_compare_prints_pastes_into_a_shell(compared):
    out, text = compared
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if "ecosim brief" in line)
    command = [lines[first][lines[first].index("ecosim brief"):]]
    while command[-1].endswith("\\"):
        command.append(lines[first + len(command)])
    assert len(" ".join(command)) > 80 and len(command) > 1  # too wide for one line: it was wrapped
    assert _pasted(command) == ["brief", str(out), "--out", str(out / "brief")]


def test_a_wrapped_command_keeps_to_80_columns_and_its_options_with_their_values():
    from ecosystem.cli import shell_command

    folder = "/home/someone/policy work/results/watermark at half"
    text = shell_command([["ecosim", "brief"], [folder], ["--out", f"{folder}/brief"]], width=80)
    lines = text.splitlines()
    assert len(lines) == 2 and all(len(line) <= 80 for line in lines), lines
    assert lines[-1].strip().startswith("--out '")
    assert _pasted(lines) == ["brief", folder, "--out", f"{folder}/brief"]
    assert shell_command([["ecosim", "brief"], ["results/w"], ["--out", "results/w/brief"]]) == \
        "ecosim brief results/w --out results/w/brief"


def test_the_methods_and_limitations_describe_a_text_reality_as_text():
    """A brief of a text scenario says what reality is (real documents, embedded, named topics), not Zipf."""
    import datetime as dt

    from analysis.brief_sections import limitations, odd_sections
    from ecosystem.config import validate_scenario

    raw = yaml.safe_load((DATA / "tiny.yaml").read_text(encoding="utf-8"))
    scenario = validate_scenario(raw).model_dump(mode="json")
    dates = {"first": dt.date(2020, 1, 1), "last": dt.date(2022, 12, 1)}
    gaussian = " ".join(text for _, text in odd_sections(scenario, **dates))
    scenario["reality"].update(kind="text", corpus="stdlib")
    text = " ".join(text for _, text in odd_sections(scenario, **dates))
    assert "Zipf" in gaussian and "Zipf" not in text
    assert "sentence-transformers" in text and "(stdlib)" in text
    assert "real text" in limitations(seeds=2, outcomes=[], scenario=scenario)[0]


@pytest.mark.slow  # a text reality built and compared
def test_a_brief_of_a_text_scenario_names_the_topics_models_serve_worst(tmp_path, tmp_path_factory):
    """On a text reality the brief names topics (the modules of the sample corpus), not topic indices."""
    from test_text_collapse import SHORT_LOOP
    from text_corpus import TOPICS, sample_corpus, text_reality

    closed_loop = Path(__file__).parents[1] / "scenarios" / "closed_loop.yaml"
    (tmp_path / "kept.yaml").write_text(f"extends: {closed_loop}\nname: kept\n"
                                        "vendors: [{name: Solo, data_policy: accumulate}]\n", encoding="utf-8")
    overrides = {**SHORT_LOOP, **text_reality(*sample_corpus(tmp_path_factory))}
    sets = [f"{path}={value}" for path, value in overrides.items()]
    result = runner.invoke(app, ["compare", str(closed_loop), str(tmp_path / "kept.yaml"), "--seeds", "2", "--workers",
                                 "1", "--end", "2020-06", *[arg for s in sets for arg in ("--set", s)],
                                 "--outcome", "vendor.Solo.excess_nll@2020-06", "--out", str(tmp_path / "cmp")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["brief", str(tmp_path / "cmp"), "--out", str(tmp_path / "brief"), "--no-pdf",
                                 "--no-claims"])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "brief" / "brief.html").read_text(encoding="utf-8")
    table = html[html.index('<table id="worst-topics">'):]
    table = table[:table.index("</table>")]
    assert "2020-06" in html and "closed_loop" in table and "kept" in table
    named = [topic for topic in TOPICS if f"{topic} (" in table]
    assert named, table
    assert "(1 of 2)" in table or "(2 of 2)" in table  # one vendor, two seeds
