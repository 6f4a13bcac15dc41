"""Files and folders: outputs checked before the first month is simulated, names that cannot leave their
folder, one owner per folder, no mix of two runs, and damaged run files found and redone."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from ecosystem.cli import app
from ecosystem.experiments.batch import RunSpec, damaged_runs, run_batch
from ecosystem.experiments.executors import InProcess
from ecosystem.io import FolderLock, safe_file_name
from ecosystem.scenario_files import load_scenario
from tests.conftest import TINY

runner = CliRunner()


def short(tmp_path: Path, name: str = "short", months: str = "2020-04") -> Path:
    """The tiny scenario cut to a few months, under another name."""
    path = tmp_path / f"{safe_file_name(name)[:40]}.yaml"
    path.write_text(f"extends: {TINY}\nend: {months}\nname: {json.dumps(name)}\n")
    return path


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return " ".join(result.output.split())


# ---------------------------------------------------------------------------------------------------
# the output location is checked before any work


def test_run_into_an_existing_file_fails_before_simulating(tmp_path):
    target = tmp_path / "taken.txt"
    target.write_text("keep me")
    result = runner.invoke(app, ["run", str(short(tmp_path)), "--out", str(target)])
    assert one_line_error(result) == f"error: {target}: exists and is not a folder; choose another --out"
    assert "months" not in result.output  # no progress: nothing was simulated
    assert target.read_text() == "keep me"


def test_run_below_a_file_fails_before_simulating(tmp_path):
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "sub" / "dir"
    result = runner.invoke(app, ["run", str(short(tmp_path)), "--out", str(out)])
    assert one_line_error(result) == f"error: {out}: {tmp_path / 'file'} is a file, not a folder; choose another --out"


def test_compare_into_a_file_fails_before_any_run(tmp_path):
    target = tmp_path / "results.txt"
    target.write_text("x")
    result = runner.invoke(app, ["compare", str(short(tmp_path)), "--out", str(target), "--seeds", "1",
                                 "--workers", "1"])
    assert one_line_error(result) == f"error: {target}: exists and is not a folder; choose another --out"
    assert "runs" not in result.output


def test_replicate_into_a_file_fails_before_the_experiment(tmp_path):
    target = tmp_path / "table.txt"
    target.write_text("x")
    result = runner.invoke(app, ["replicate", "gaussian", "--samples", "10", "--generations", "2", "--seeds", "3",
                                 "--out", str(target)])
    assert one_line_error(result) == f"error: {target}: exists and is not a folder; choose another --out"


# ---------------------------------------------------------------------------------------------------
# names that become file names


@pytest.mark.parametrize("name", ["/abs/path", "../../escaped", "x" * 300, "..", "", "a/b\\c"])
def test_scenario_names_become_safe_file_names(name):
    safe = safe_file_name(name)
    assert "/" not in safe and "\\" not in safe and not safe.startswith(".") and 0 < len(safe) <= 80
    assert safe != safe_file_name(name + "!")  # different names never share a file
    assert safe_file_name("baseline") == "baseline"  # an ordinary name is kept as it is


def test_hostile_names_write_inside_the_out_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    escaped = short(tmp_path, name="../../escaped")
    result = runner.invoke(app, ["run", str(escaped), "--no-figures"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "results").iterdir()] == [safe_file_name("../../escaped")]
    long_name = short(tmp_path, name="x" * 300)
    absolute = short(tmp_path, name=str(tmp_path / "absolute"))
    out = tmp_path / "cmp"
    result = runner.invoke(app, ["compare", str(long_name), str(absolute), "--out", str(out), "--seeds", "1",
                                 "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "absolute").exists()
    written = sorted(p.name for p in (out / "runs").iterdir())
    assert len(written) == 4 and all(len(name) < 120 for name in written)


# ---------------------------------------------------------------------------------------------------
# one owner per folder, never two runs mixed, damaged files redone


def test_a_second_command_into_a_locked_folder_is_refused(tmp_path):
    out = tmp_path / "busy"
    with FolderLock(out):  # as if another ecosim run were writing there
        result = runner.invoke(app, ["run", str(short(tmp_path)), "--out", str(out)])
    assert one_line_error(result) == (f"error: {out}: another ecosim command (pid {os.getpid()}) is writing into "
                                      "this folder; wait for it to finish or choose another --out")
    assert sorted(p.name for p in out.iterdir()) == [".ecosim.lock"]
    again = runner.invoke(app, ["run", str(short(tmp_path)), "--out", str(out), "--no-figures"])
    assert again.exit_code == 0, again.output  # the lock ended with its owner


def test_rerunning_into_a_folder_leaves_nothing_of_the_previous_run(tmp_path):
    out = tmp_path / "run"
    first = runner.invoke(app, ["run", str(short(tmp_path)), "--out", str(out), "--seed", "1"])
    assert first.exit_code == 0, first.output
    assert (out / "figures").is_dir()
    second = runner.invoke(app, ["run", str(short(tmp_path)), "--out", str(out), "--seed", "2", "--no-figures"])
    assert second.exit_code == 0, second.output
    assert sorted(p.name for p in out.iterdir()) == [".ecosim-output.json", ".ecosim.lock", "manifest.json",
                                                     "metrics.parquet", "scenario.yaml"]
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
    assert "seed: 2" in (out / "scenario.yaml").read_text()


def test_a_figure_that_fails_does_not_lose_the_simulated_run(tmp_path, monkeypatch):
    import analysis.run_figures

    def broken(*args, **kwargs):
        raise ValueError("no figure today")

    monkeypatch.setattr(analysis.run_figures, "draw_run_figures", broken)
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", str(short(tmp_path)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "figures not drawn (ValueError: no figure today); the run's data is saved" in " ".join(result.output.split())
    assert sorted(p.name for p in out.iterdir()) == [".ecosim-output.json", ".ecosim.lock", "manifest.json",
                                                     "metrics.parquet", "scenario.yaml"]


def test_a_folder_with_other_files_is_not_used_for_a_run(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    result = runner.invoke(app, ["run", str(short(tmp_path)), "--out", str(out)])
    assert one_line_error(result) == (f"error: {out}: holds files that ecosim did not write (thesis.tex); "
                                      "choose a new or empty folder for --out")
    assert (out / "thesis.tex").read_text() == "precious"


def test_a_damaged_run_file_is_detected_reported_and_run_again(tmp_path):
    scenario = load_scenario(short(tmp_path)).model_dump(mode="json")
    specs = [RunSpec(label="tiny", scenario=scenario, seed=seed, folder=str(tmp_path / "runs")) for seed in (0, 1)]
    with InProcess() as executor:
        assert run_batch(specs, executor=executor).done == 2
    damaged, intact = specs
    whole = damaged.metrics_path.read_bytes()
    damaged.metrics_path.write_bytes(whole[: len(whole) // 2])  # a disk that filled up, a copy cut short
    assert not damaged.is_done() and intact.is_done()
    expected = [f"{damaged.metrics_path}: {damaged.metrics_path.name} is not the file its manifest recorded "
                f"({len(whole) // 2:,} bytes, expected {len(whole):,}): truncated or changed"]
    assert damaged_runs(specs) == expected
    ran = []
    with InProcess() as executor:
        report = run_batch(specs, executor=executor, on_finish=lambda spec, failure: ran.append(spec.seed))
    assert (report.done, report.skipped, ran) == (1, 1, [0])
    assert report.damaged == expected and damaged_runs(specs) == []
    assert damaged.metrics_path.read_bytes() == whole  # the same seed gives the same file
    assert pl.read_parquet(damaged.metrics_path).height == 4


def test_a_compare_reports_a_damaged_run_file_by_path(tmp_path):
    out = tmp_path / "cmp"
    args = ["compare", str(short(tmp_path)), "--out", str(out), "--seeds", "1", "--workers", "1"]
    assert runner.invoke(app, args).exit_code == 0
    (run_file,) = (out / "runs").glob("*.parquet")
    run_file.write_bytes(b"PAR1 not a parquet file")
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert f"damaged run file, running it again: {run_file}: {run_file.name} is not the file its manifest " \
           "recorded (23 bytes" in text
    assert "1 runs, 0 already done, 1 to do" in text
    assert pl.read_parquet(run_file).height == 4


@pytest.fixture(scope="module")
def finished_runs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("finished")
    scenario = load_scenario(TINY, overrides={"end": "2020-03"}).model_dump(mode="json")
    specs = [RunSpec(label="t", scenario=scenario, seed=seed, folder=str(folder)) for seed in (0, 1)]
    with InProcess() as executor:
        assert run_batch(specs, executor=executor).done == 2
    return folder


def flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[100] ^= 1
    path.write_bytes(bytes(data))


DAMAGES = {
    "manifest missing": (lambda own, other: own.manifest_path.unlink(), "t-s0-{h}.json is missing"),
    "manifest not JSON": (lambda own, other: own.manifest_path.write_text("{not json"),
                          "t-s0-{h}.json is unreadable or incomplete"),
    "another run's manifest": (lambda own, other: own.manifest_path.write_bytes(other.manifest_path.read_bytes()),
                               "t-s0-{h}.json belongs to another run"),
    "one byte changed": (lambda own, other: flip_one_byte(own.metrics_path),
                         "t-s0-{h}.parquet does not match its manifest's SHA-256: changed on disk"),
    "older manifest, file cut short": (
        lambda own, other: (own.manifest_path.write_text(json.dumps({"run_id": own.run_id})),
                            own.metrics_path.write_bytes(own.metrics_path.read_bytes()[:300])),
        "t-s0-{h}.parquet is unreadable (ComputeError); its manifest, an older format, has no checksum"),
}


def test_runs_from_before_checksums_still_count_as_done(tmp_path, finished_runs):
    import shutil

    folder = shutil.copytree(finished_runs, tmp_path / "runs")
    scenario = load_scenario(TINY, overrides={"end": "2020-03"}).model_dump(mode="json")
    spec = RunSpec(label="t", scenario=scenario, seed=0, folder=str(folder))
    record = json.loads(spec.manifest_path.read_text())
    del record["metrics_file"]
    spec.manifest_path.write_text(json.dumps(record))
    assert spec.is_done() and damaged_runs([spec]) == []


@pytest.mark.parametrize("case", list(DAMAGES), ids=list(DAMAGES))
def test_every_kind_of_damage_is_named_and_the_run_redone(tmp_path, finished_runs, case):
    import shutil

    folder = shutil.copytree(finished_runs, tmp_path / "runs")
    scenario = load_scenario(TINY, overrides={"end": "2020-03"}).model_dump(mode="json")
    own, other = (RunSpec(label="t", scenario=scenario, seed=seed, folder=str(folder)) for seed in (0, 1))
    damage, expected = DAMAGES[case]
    damage(own, other)
    digest = own.run_id.rsplit("-", 1)[1]
    assert damaged_runs([own, other]) == [f"{own.metrics_path}: {expected.format(h=digest)}"]
    with InProcess() as executor:
        report = run_batch([own, other], executor=executor)
    assert (report.done, report.skipped, report.failures) == (1, 1, [])
    assert own.is_done() and damaged_runs([own, other]) == []


def test_a_compare_rerun_with_other_outcomes_leaves_no_stale_figure(tmp_path):
    out = tmp_path / "cmp"
    base = ["compare", str(short(tmp_path)), "--out", str(out), "--seeds", "1", "--workers", "1"]
    first = runner.invoke(app, [*base, "--outcome", "web.docs@2020-04"])
    assert first.exit_code == 0, first.output
    before = {p.name for p in (out / "figures").iterdir()}
    assert any("web.docs" in name or "web_docs" in name for name in before)
    second = runner.invoke(app, [*base, "--outcome", "farms.count@2020-04"])
    assert second.exit_code == 0, second.output
    after = {p.name for p in (out / "figures").iterdir()}
    assert not any("web.docs" in name or "web_docs" in name for name in after), after
