"""``compare`` and ``sweep --posterior``: each seed's parameters drawn by weight from a calibration's last
generation, the same in every scenario and on any number of workers; bad posteriors refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from analysis.brief_sections import intervals_cover
from ecosystem.calibration.posterior import PosteriorError, load_posterior
from ecosystem.cli import app
from ecosystem.experiments.compare import plan_compare
from ecosystem.scenario_files import load_scenario

DATA = Path(__file__).parent / "data"
runner = CliRunner()
SCENARIOS = [str(DATA / "tiny.yaml"), str(DATA / "tiny_watermark.yaml")]
SHORT = ["--end", "2021-08", "--seeds", "2"]
CONFIG = """name: hand-written
parameters:
  - path: humans.assistant.human_edit
    prior: {distribution: uniform, low: 0.2, high: 0.9}
    reason: a test
  - name: tokens
    path: farms.tokens_per_doc
    prior: {distribution: loguniform, low: 200, high: 2000}
    integer: true
    reason: a test
"""


def write_posterior(folder: Path, weights: list[float], *, config: str = CONFIG) -> Path:
    """A calibration folder by hand: generation 0 (never drawn) and a last generation with ``weights``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "calibration.yaml").write_text(config, encoding="utf-8")
    n = len(weights)
    last = pl.DataFrame({"generation": [1] * n, "particle": list(range(n)), "weight": weights,
                         "humans.assistant.human_edit": [0.25 + 0.2 * i for i in range(n)],
                         "tokens": [300.4 + 500 * i for i in range(n)]},
                        schema_overrides={"generation": pl.Int32, "particle": pl.Int32})
    first = last.with_columns(pl.lit(0, pl.Int32).alias("generation"), pl.lit(1.0 / n).alias("weight"),
                              pl.lit(0.9).alias("humans.assistant.human_edit"))
    pl.concat([first, last]).write_parquet(folder / "posterior.parquet")
    return folder


def test_a_particle_of_weight_one_is_always_drawn_and_integers_are_rounded(tmp_path):
    posterior = load_posterior(write_posterior(tmp_path / "cal", [0.0, 1.0, 0.0]))
    assert posterior.generation == 1
    assert {posterior.particle(seed) for seed in range(50)} == {1}
    assert posterior.values(3) == {"humans.assistant.human_edit": pytest.approx(0.45), "farms.tokens_per_doc": 800}


def test_posterior_command_shows_the_closest_particle_and_weighted_intervals(tmp_path):
    folder = write_posterior(tmp_path / "cal", [0.5, 0.25, 0.25])
    table = pl.read_parquet(folder / "posterior.parquet")
    distances = pl.Series("distance", [9.0, 9.0, 9.0, 3.0, 1.5, 2.0])  # generation 0, then the last
    table.with_columns(distances).write_parquet(folder / "posterior.parquet")
    posterior = load_posterior(folder)
    closest = {"humans.assistant.human_edit": pytest.approx(0.45), "farms.tokens_per_doc": 800}
    assert posterior.closest() == (1.5, closest)
    assert posterior.effective_size() == pytest.approx(1 / (0.5**2 + 2 * 0.25**2))
    # the weighted median is the first particle (half the weight), the upper bound the last
    assert posterior.summary()[0] == ("humans.assistant.human_edit", 0.25, 0.25, pytest.approx(0.65))
    result = runner.invoke(app, ["posterior", str(folder)])
    assert result.exit_code == 0, result.output
    assert "distance 1.5" in result.output and "--set farms.tokens_per_doc=800" in result.output
    assert "--set humans.assistant.human_edit=0.45" in result.output


def test_posterior_command_refuses_a_folder_without_a_posterior_in_one_line(tmp_path):
    result = runner.invoke(app, ["posterior", str(tmp_path)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "posterior.parquet" in result.output


def test_seeds_draw_by_weight_and_each_seed_always_draws_the_same(tmp_path):
    posterior = load_posterior(write_posterior(tmp_path / "cal", [0.25, 0.75, 0.0]) / "posterior.parquet")
    draws = [posterior.particle(seed) for seed in range(400)]
    assert set(draws) == {0, 1}  # a particle of weight 0 is never drawn
    assert 0.65 < draws.count(1) / len(draws) < 0.85
    assert draws == [load_posterior(tmp_path / "cal").particle(seed) for seed in range(400)]


def test_a_seed_gets_the_same_parameters_in_every_scenario(tmp_path):
    posterior = load_posterior(write_posterior(tmp_path / "cal", [0.5, 0.3, 0.2]))
    scenarios = [load_scenario(path, overrides={"end": "2021-08"}) for path in SCENARIOS]
    specs = plan_compare(scenarios, seeds=range(6), folder=tmp_path / "runs", posterior=posterior)
    for seed in range(6):
        drawn = [(s.scenario["humans"]["assistant"]["human_edit"], s.scenario["farms"]["tokens_per_doc"])
                 for s in specs if s.seed == seed]
        assert len(drawn) == 2 and drawn[0] == drawn[1]
        assert drawn[0][1] == posterior.values(seed)["farms.tokens_per_doc"]
    assert len({s.scenario["humans"]["assistant"]["human_edit"] for s in specs}) > 1  # seeds differ by draw
    plain = plan_compare(scenarios, seeds=range(6), folder=tmp_path / "runs")
    assert {s.run_id for s in plain}.isdisjoint(s.run_id for s in specs)  # the drawn values are in the run id


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> dict[int, Path]:
    """The two tiny scenarios compared with a posterior, on one worker and on two."""
    cal = write_posterior(tmp_path_factory.mktemp("cal") / "cal", [0.5, 0.5, 0.0])
    outs = {}
    for workers in (1, 2):
        out = tmp_path_factory.mktemp(f"workers{workers}")
        result = runner.invoke(app, ["compare", *SCENARIOS, *SHORT, "--workers", str(workers), "--out", str(out),
                                     "--posterior", str(cal)])
        assert result.exit_code == 0, result.output
        outs[workers] = out
    return outs


def test_compare_records_the_draws_and_the_results_do_not_depend_on_workers(compared):
    record = json.loads((compared[1] / "compare.json").read_text())
    posterior = record["posterior"]
    assert posterior["generation"] == 1 and len(posterior["sha256"]) == 64
    assert posterior["parameters"] == {"humans.assistant.human_edit": "humans.assistant.human_edit",
                                       "tokens": "farms.tokens_per_doc"}
    assert set(posterior["particles"]) == {"0", "1"} and set(posterior["particles"].values()) <= {0, 1}
    assert record == json.loads((compared[2] / "compare.json").read_text())
    one, two = (pl.read_parquet(compared[w] / "outcomes.parquet").sort("scenario", "seed") for w in (1, 2))
    assert one.equals(two)


def test_the_brief_says_the_intervals_cover_calibration_uncertainty(compared, tmp_path):
    result = runner.invoke(app, ["brief", str(compared[1]), "--out", str(tmp_path / "brief"), "--no-pdf",
                                 "--no-claims"])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "brief" / "brief.html").read_text()
    assert "drawn from the calibrated posterior" in html and "generation 1" in html
    assert "seed noise only" in intervals_cover(None)


def test_sweep_draws_each_seed_and_records_it(tmp_path):
    cal = write_posterior(tmp_path / "cal", [0.0, 0.0, 1.0])
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(f"name: drawn\nbase: {DATA / 'tiny.yaml'}\noverrides: {{end: 2021-03}}\nseeds: 2\n"
                     "parameters:\n  - {path: humans.writers, levels: [30]}\n"
                     "design: {kind: grid}\noutcomes:\n  - {name: share, metric: web.synthetic_share_new, "
                     "at: 2021-03}\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["sweep", str(sweep), "--out", str(out), "--workers", "1", "--posterior", str(cal)])
    assert result.exit_code == 0, result.output
    from analysis.results import read_sweep

    read = read_sweep(out)
    assert read.posterior is not None and read.posterior.particles == {0: 2, 1: 2}
    assert "drawn from the calibrated posterior" in intervals_cover(read.posterior)


@pytest.mark.parametrize(("make", "says"), [
    (lambda root: root / "nowhere", "nowhere: file not found"),
    (lambda root: (root / "posterior.parquet", root.mkdir(), (root / "posterior.parquet").write_text("x"))[0],
     "not a posterior"),
    (lambda root: (write_posterior(root, [1.0]), pl.DataFrame({"generation": [0]}).write_parquet(
        root / "posterior.parquet"))[0], "not a posterior (column(s) missing"),
    (lambda root: write_posterior(root, [0.0, 0.0]), "generation 1 has no usable particle"),
    (lambda root: write_posterior(root, [1.0], config=CONFIG.replace("farms.tokens_per_doc", "farms.token_count")),
     "tiny has no field farms.token_count"),
    (lambda root: (write_posterior(root, [1.0]) / "calibration.yaml").unlink() or root, "no calibration.yaml"),
])
def test_a_bad_posterior_is_refused_in_one_line_before_any_run(tmp_path, make, says):
    path = make(tmp_path / "cal")
    out = tmp_path / "out"
    result = runner.invoke(app, ["compare", *SCENARIOS, *SHORT, "--out", str(out), "--posterior", str(path)])
    assert result.exit_code == 2, result.output
    assert says in result.output and len(result.output.strip().splitlines()) == 1, result.output
    assert not (out / "runs").exists()


def test_a_path_drawn_and_set_is_refused(tmp_path):
    with pytest.raises(PosteriorError, match="also set"):
        posterior = load_posterior(write_posterior(tmp_path / "cal", [1.0]))
        plan_compare([load_scenario(DATA / "tiny.yaml")], seeds=[0], folder=tmp_path / "runs", posterior=posterior,
                     fixed={"farms.tokens_per_doc"})


def test_a_path_both_swept_and_drawn_is_refused(tmp_path):
    from ecosystem.experiments.sweep import load_sweep, plan_sweep

    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(f"name: clash\nbase: {DATA / 'tiny.yaml'}\nseeds: 1\n"
                     "parameters:\n  - {path: farms.tokens_per_doc, levels: [300, 600]}\ndesign: {kind: grid}\n"
                     "outcomes:\n  - {name: share, metric: web.synthetic_share_new, at: 2021-03}\n")
    posterior = load_posterior(write_posterior(tmp_path / "cal", [1.0]))
    with pytest.raises(PosteriorError, match="farms.tokens_per_doc is drawn from the posterior and also set"):
        plan_sweep(load_sweep(sweep), folder=tmp_path / "runs", posterior=posterior)
