"""Every command that writes owns its output folder first: a new folder, an empty one, or one holding the
marker the same kind of command wrote. A folder of the user's files, a symbolic link to one, the working
folder and a home folder are refused before any work, and every file in them is left as it was."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from ecosystem.cli import app
from ecosystem.content.embedding import CACHE_ENTRY
from ecosystem.experiments.batch import RunSpec, remove_run_files
from ecosystem.io import LOCK_NAME, FolderLock, OutputError
from ecosystem.output_folder import EVERYTHING, MARKER_NAME, OutputFolder
from tests.conftest import TINY
from tests.test_robust_sweeps import sweep_file

runner = CliRunner()


def short(tmp_path: Path) -> Path:
    path = tmp_path / "short.yaml"
    path.write_text(f"extends: {TINY}\nend: 2020-03\nname: short\n")
    return path


def user_folder(path: Path) -> Path:
    """A folder of someone's work, with names the commands themselves write."""
    (path / "figures").mkdir(parents=True)
    (path / "figures" / "keep.png").write_bytes(b"my figure")
    (path / "summary.parquet").write_bytes(b"my table")
    (path / "manifest.json").write_text("{}")
    (path / "keep.txt").write_text("x")
    (path / ".staging-mine").mkdir()
    (path / ".staging-mine" / "draft.md").write_text("half done")
    return path


def home_folder(path: Path) -> Path:
    (path / "Documents").mkdir(parents=True)
    (path / "Documents" / "thesis.tex").write_text("precious")
    (path / ".bashrc").write_text("export X=1")
    return path


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry below ``folder`` (hidden ones too): file contents, None for folders."""
    return {str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes() for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> Path:
    """A finished comparison, for the brief."""
    base = tmp_path_factory.mktemp("compared")
    out = base / "cmp"
    result = runner.invoke(app, ["compare", str(short(base)), "--seeds", "1", "--workers", "1", "--out", str(out),
                                 "--outcome", "web.synthetic_share_new@2020-03"])
    assert result.exit_code == 0, result.output
    return out


def commands(tmp_path: Path, compared: Path) -> dict[str, list[str]]:
    """Each writing command with its output option last (the target is appended)."""
    return {
        "run": ["run", str(short(tmp_path)), "--out"],
        "compare": ["compare", str(short(tmp_path)), "--seeds", "1", "--workers", "1", "--out"],
        "sweep": ["sweep", str(sweep_file(tmp_path)), "--workers", "1", "--out"],
        "brief": ["brief", str(compared), "--no-pdf", "--out"],
        "replicate": ["replicate", "gaussian", "--samples", "10", "--generations", "2", "--seeds", "3", "--out"],
        "claims": ["claims", "--quick", "--workers", "1", "--docs", str(tmp_path / "ledger"), "--fresh", "--runs"],
    }


def refused(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    text = " ".join(result.output.split())
    assert text.startswith("error: ") and "runs" not in text.split(":")[0]
    return text


@pytest.mark.parametrize("command", ["run", "compare", "sweep", "brief", "replicate", "claims"])
@pytest.mark.parametrize("target", ["user folder", "symlink to it", "working folder", "home folder"])
def test_a_command_never_writes_into_a_folder_that_is_not_its_own(command, target, tmp_path, compared,
                                                                   monkeypatch):
    mine = user_folder(tmp_path / "mine") if target != "home folder" else home_folder(tmp_path / "home")
    before = snapshot(mine)
    if target == "symlink to it":
        out = tmp_path / "link"
        out.symlink_to(mine, target_is_directory=True)
    elif target == "working folder":
        monkeypatch.chdir(mine)
        out = Path(".")
    else:
        out = mine
    args = commands(tmp_path, compared)[command]
    text = refused(runner.invoke(app, [*args, str(out)]))
    assert ("symbolic link" if target == "symlink to it" else "ecosim did not write") in text
    assert snapshot(mine) == before  # no lock file, no marker, nothing removed or replaced
    assert not (tmp_path / "ledger").exists()


def test_claims_fresh_removes_only_its_own_run_files(tmp_path):
    runs = tmp_path / "runs"
    with OutputFolder(runs, "claims", option="--runs"):
        spec = RunSpec(label="closed", scenario={"a": 1}, seed=3, folder=str(runs))
        spec.metrics_path.write_bytes(b"run")
        spec.manifest_path.write_text("{}")
        (runs / f".{spec.metrics_path.name}.abc123.tmp").write_bytes(b"cut short")
        (runs / "notes.txt").write_text("mine")
        (runs / "closed-s3-notahash.json").write_text("mine too")
        assert remove_run_files(runs) == 3
    assert sorted(p.name for p in runs.iterdir()) == [MARKER_NAME, LOCK_NAME, "closed-s3-notahash.json",
                                                      "notes.txt"]


def test_claims_refuses_a_ledger_it_did_not_write_before_any_run(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "claims.md").write_text("# My own notes on claims\n")
    result = runner.invoke(app, ["claims", "--quick", "--workers", "1", "--docs", str(docs), "--runs",
                                 str(tmp_path / "runs")])
    assert "was not written by ecosim" in refused(result)
    assert not (tmp_path / "runs").exists()
    assert (docs / "claims.md").read_text() == "# My own notes on claims\n"


@pytest.mark.parametrize("where", ["a file", "under /proc"])
def test_claims_refuses_an_unusable_runs_folder_before_any_run(where, tmp_path):
    if where == "a file":
        runs = tmp_path / "runs"
        runs.write_text("x")
    else:
        runs = Path("/proc/ecosim-runs")
    result = runner.invoke(app, ["claims", "--quick", "--workers", "1", "--docs", str(tmp_path / "d"), "--runs",
                                 str(runs)])
    assert "--runs" in refused(result) or "not a folder" in result.output
    assert "claims:" not in result.output  # the batch never started


def test_a_refused_run_folder_keeps_its_staging_and_lock_free(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    (out / ".staging-x").mkdir()
    (out / ".previous-y").mkdir()
    refused(runner.invoke(app, ["run", str(short(tmp_path)), "--out", str(out)]))
    assert sorted(p.name for p in out.iterdir()) == [".previous-y", ".staging-x", "thesis.tex"]


def test_brief_into_a_comparison_folder_is_refused(compared, tmp_path):
    before = snapshot(compared)
    result = runner.invoke(app, ["brief", str(compared), "--no-pdf", "--out", str(compared)])
    assert "holds the results of `ecosim compare`" in refused(result)
    assert snapshot(compared) == before


def test_brief_waits_for_no_one_while_a_comparison_writes_its_results(compared, tmp_path):
    with FolderLock(compared):  # as if the compare were still running
        result = runner.invoke(app, ["brief", str(compared), "--no-pdf", "--out", str(tmp_path / "b")])
    assert "is writing these results" in refused(result)
    assert not (tmp_path / "b" / "brief.html").exists()


def test_a_missing_claims_ledger_is_refused_before_any_figure(compared, tmp_path):
    for bad in (tmp_path / "nothing.parquet", tmp_path):
        result = runner.invoke(app, ["brief", str(compared), "--no-pdf", "--claims", str(bad), "--out",
                                     str(tmp_path / "b")])
        assert "--claims" in refused(result)
        assert not (tmp_path / "b").exists()


def test_a_second_replication_into_the_same_folder_is_refused_while_the_first_writes(tmp_path):
    out = tmp_path / "rep"
    with OutputFolder(out, "replicate"):  # an earlier replication made the folder
        pass
    with FolderLock(out):
        result = runner.invoke(app, ["replicate", "gaussian", "--samples", "10", "--generations", "2", "--seeds",
                                     "3", "--out", str(out)])
    assert "another ecosim command" in refused(result)
    result = runner.invoke(app, ["replicate", "gaussian", "--samples", "10", "--generations", "2", "--seeds", "3",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert pl.read_parquet(out / "table.parquet").height > 0


# ---------------------------------------------------------------------------------------------------
# Inside its own folder, a command replaces only what it wrote


def stage(folder: OutputFolder, files: dict[str, str]) -> Path:
    staging = folder.staging()
    for name, text in files.items():
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_text(text)
    return staging


def test_a_commit_replaces_its_own_figures_and_keeps_a_file_the_user_added(tmp_path):
    out = tmp_path / "out"
    with OutputFolder(out, "compare") as folder:
        folder.commit(stage(folder, {"summary.parquet": "1", "figures/a.png": "a", "figures/b.png": "b"}),
                      replaces=(EVERYTHING,))
    (out / "figures" / "notes.txt").write_text("mine")
    with OutputFolder(out, "compare") as folder:
        folder.commit(stage(folder, {"summary.parquet": "2", "figures/c.png": "c"}), replaces=(EVERYTHING,))
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == [
        MARKER_NAME, LOCK_NAME, "figures/c.png", "figures/notes.txt", "summary.parquet"]
    assert (out / "summary.parquet").read_text() == "2"


def test_a_commit_never_overwrites_a_users_file_and_keeps_the_new_results(tmp_path):
    out = tmp_path / "out"
    with OutputFolder(out, "compare") as folder:
        folder.commit(stage(folder, {"summary.parquet": "1"}), replaces=(EVERYTHING,))
    (out / "figures").mkdir()
    (out / "figures" / "a.png").write_text("the user's")
    with OutputFolder(out, "compare") as folder, pytest.raises(OutputError, match="did not write is in the way"):
        folder.commit(stage(folder, {"summary.parquet": "2", "figures/a.png": "ours"}), replaces=(EVERYTHING,))
    assert (out / "figures" / "a.png").read_text() == "the user's"
    assert (out / "summary.parquet").read_text() == "1"
    kept = [p for p in out.glob(".staging-*/summary.parquet")]
    assert [p.read_text() for p in kept] == ["2"]


def test_a_commit_never_removes_through_a_symbolic_link(tmp_path):
    outside = user_folder(tmp_path / "outside")
    before = snapshot(outside)
    out = tmp_path / "out"
    with OutputFolder(out, "compare") as folder:
        folder.commit(stage(folder, {"figures/keep.png": "ours"}), replaces=(EVERYTHING,))
    os.remove(out / "figures" / "keep.png")
    (out / "figures").rmdir()
    (out / "figures").symlink_to(outside / "figures", target_is_directory=True)
    with OutputFolder(out, "compare") as folder:
        with pytest.raises(OutputError):
            folder.commit(stage(folder, {"figures/keep.png": "new"}), replaces=(EVERYTHING,))
        folder.remove_own(["figures/keep.png"])
    assert snapshot(outside) == before


def test_a_tampered_marker_cannot_name_files_outside_its_folder(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    out = tmp_path / "out"
    with OutputFolder(out, "compare") as folder:
        folder.commit(stage(folder, {"summary.parquet": "1"}), replaces=(EVERYTHING,))
    (out / MARKER_NAME).write_text('{"written_by": "ecosim", "kind": "compare", "files": ["../victim.txt"]}')
    with pytest.raises(OutputError, match="ecosim did not write"):
        OutputFolder(out, "compare").check()
    assert victim.read_text() == "keep"


@pytest.mark.parametrize("target", ["user folder", "symlink to it", "home folder", "under /proc"])
def test_embed_never_caches_into_a_folder_that_is_not_a_cache(target, tmp_path):
    corpus = Path(__file__).parent / "data" / "docstrings_sample.jsonl"
    mine = home_folder(tmp_path / "home") if target == "home folder" else user_folder(tmp_path / "mine")
    before = snapshot(mine)
    cache = {"user folder": mine, "home folder": mine, "under /proc": Path("/proc/ecosim-cache"),
             "symlink to it": tmp_path / "link"}[target]
    if target == "symlink to it":
        cache.symlink_to(mine, target_is_directory=True)
    result = runner.invoke(app, ["embed", str(corpus), "--topic-column", "topic", "--cache", str(cache)])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert "cache" in result.output and "embedded" not in result.output  # refused before any embedding
    assert snapshot(mine) == before


def test_a_cache_folder_of_cache_entries_only_is_used_as_it_is(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / f"{'a' * 32}.parquet").write_bytes(b"an older entry")
    folder = OutputFolder(cache, "embed", own_names=CACHE_ENTRY)
    assert folder.claim() == cache
    assert (cache / MARKER_NAME).is_file() and (cache / f"{'a' * 32}.parquet").read_bytes() == b"an older entry"
