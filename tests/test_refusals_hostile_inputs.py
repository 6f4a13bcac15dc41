"""Hostile inputs never end in a traceback or a hang: command-line values, tampered results,
a full disk, a hostile model folder or corpus, Ctrl-C while workers start, and a reading date that
cannot be read. Each is refused in one line naming what is wrong, before any work."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from ecosystem.cli import app
from tests.conftest import TINY
from tests.test_robust_files import one_line_error
from tests.test_robust_processes import psutil
from tests.test_robust_sweeps import sweep_file

runner = CliRunner()
BOMB = "\n".join(["a: &a [x, x, x, x, x, x, x, x, x, x]"]
                 + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]" for i in range(8)]
                 + ["name: *i", ""])  # a billion values once expanded


@contextmanager
def no_hang(seconds: int = 60):
    """Fail, rather than hang the suite, if the block blocks (a FIFO) or runs away (an alias bomb)."""
    def stop(*_):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)

# ---------------------------------------------------------------------------------------------------
# --set and --end: a value PyYAML cannot build is one line naming the field, as in a scenario file

DIGITS = "9" * 100_000
SET_REFUSED = {
    "no such day": ("end=2020-02-30", "--set 'end=2020-02-30': end: day is out of range for month; give a valid value"),
    "no such hour": ("vendors.Early.entry=2020-02-28 99:00:00",
                     "vendors.Early.entry: hour must be in 0..23; give a valid value"),
    "100,000 digits": (f"humans.writers={DIGITS}",
                       "(100,017 characters): humans.writers: Exceeds the limit (4300 digits) for integer string "
                       "conversion: value has 100000 digits; give a valid value"),
    "huge hexadecimal": ("humans.writers=0x" + "f" * 100_000,
                         "humans.writers: Input should be less than or equal to 100000 (got a value too long to "
                         "print)"),
    "nested too deeply": ("humans=" + "[" * 20_000 + "]" * 20_000,
                          "(40,009 characters): the value is nested too deeply"),
    "huge exponent": ("farms.fixed_cost=1.0e+99999", "farms.fixed_cost: Input should be a finite number (got inf)"),
    "nan": ("humans.docs_per_month=.nan", "humans.docs_per_month: Input should be a finite number (got nan)"),
    "list index of 5,000 digits": ("vendors." + "9" * 5000 + ".components=3", "...: no list item named '9999"),
    "path of 100,000 characters": ("x" * 100_000 + "=1", "xxx...: unknown field"),
}


@pytest.mark.parametrize("case", list(SET_REFUSED), ids=list(SET_REFUSED))
def test_a_set_value_that_cannot_be_built_is_one_short_line(tmp_path, case):
    text, expected = SET_REFUSED[case]
    out = tmp_path / "r"
    result = runner.invoke(app, ["run", str(TINY), "--set", text, "--out", str(out)])
    message = one_line_error(result)
    assert expected in message and len(message) < 400
    assert not out.exists()


@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
@pytest.mark.parametrize("end", ["2020-02-30", DIGITS, ".nan"], ids=["no such day", "digits", "nan"])
def test_a_bad_end_is_one_short_line_for_every_command(tmp_path, command, end):
    target = str(sweep_file(tmp_path)) if command == "sweep" else str(TINY)
    out = tmp_path / "r"
    result = runner.invoke(app, [command, target, "--end", end, "--out", str(out)])
    message = one_line_error(result)
    assert "end: expected a month as YYYY-MM (e.g. 2022-11), got " in message and len(message) < 400
    assert not out.exists()


def test_a_huge_hexadecimal_number_in_a_scenario_file_is_one_line(write_yaml):
    path = write_yaml(f"extends: {TINY}\nhumans: {{writers: 0x{'f' * 100_000}}}\n")
    result = runner.invoke(app, ["validate", str(path)])
    assert one_line_error(result) == (f"error: {path}: humans.writers: Input should be less than or equal to 100000 "
                                      "(got a value too long to print)")


# ---------------------------------------------------------------------------------------------------
# brief: results read as inputs; a tampered file is named in one line and no brief is written


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> dict[str, Path]:
    """A finished comparison and a finished sweep of the tiny scenario, four months each (a few seconds)."""
    root = tmp_path_factory.mktemp("finished")
    compared = runner.invoke(app, ["compare", str(TINY), str(TINY.parent / "tiny_watermark.yaml"), "--seeds", "2",
                                   "--workers", "1", "--end", "2020-04", "--out", str(root / "compare")])
    assert compared.exit_code == 0, compared.output
    sweep = sweep_file(root, parameters=[{"path": "farms.fixed_cost", "levels": [10, 20]}],
                       outcomes=[{"name": "share", "metric": "web.synthetic_share_new", "at": "2020-03"}])
    swept = runner.invoke(app, ["sweep", str(sweep), "--end", "2020-04", "--workers", "1", "--out",
                                str(root / "sweep")])
    assert swept.exit_code == 0, swept.output
    return {"compare": root / "compare", "sweep": root / "sweep"}


def _replace(path: Path, text: str) -> None:
    path.unlink()
    path.write_text(text)


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _drop_base_fields(path: Path) -> None:
    record = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump({**record, "base": {"name": "base"}}))


TAMPERED = {
    "summary with other columns": ("compare", "summary.parquet",
                                   lambda p: pl.DataFrame({"x": [1]}).write_parquet(p),
                                   "lacks column(s) outcome, label, unit"),
    "summary without rows": ("compare", "summary.parquet",
                             lambda p: pl.read_parquet(p).head(0).write_parquet(p), "no rows"),
    "compare.json an empty list": ("compare", "compare.json", lambda p: _replace(p, "[]"),
                                   "expected a JSON object, got list"),
    "compare.json all nulls": ("compare", "compare.json",
                               lambda p: _replace(p, json.dumps(dict.fromkeys(json.loads(p.read_text())))),
                               "reference: Input should be a valid string"),
    "compare.json nested too deeply": ("compare", "compare.json", lambda p: _replace(p, "[" * 100_000),
                                       "unreadable JSON"),
    "scenario a YAML list": ("compare", "scenarios/tiny.yaml", lambda p: _replace(p, "- a\n- b\n"),
                             "expected a mapping of fields at the top level, got list"),
    "scenario an alias bomb": ("compare", "scenarios/tiny.yaml", lambda p: _replace(p, BOMB),
                               "more than 100,000 values once its aliases"),
    "scenario a FIFO": ("compare", "scenarios/tiny.yaml", _fifo, "is not a regular file"),
    "scenario cut short": ("compare", "scenarios/tiny_watermark.yaml", lambda p: _replace(p, "name: tiny\n"),
                           "lacks field(s) description, start, end"),
    "sweep table with other columns": ("sweep", "point_means.parquet",
                                       lambda p: pl.DataFrame({"x": [1]}).write_parquet(p),
                                       "lacks column(s) point, farms.fixed_cost, share"),
    "sweep.yaml a list": ("sweep", "sweep.yaml", lambda p: _replace(p, "- a\n"),
                          "expected a mapping of fields at the top level, got list"),
    "sweep base cut short": ("sweep", "sweep.yaml", _drop_base_fields, "base: lacks field(s) description"),
}


@pytest.mark.parametrize("case", list(TAMPERED), ids=list(TAMPERED))
def test_a_tampered_results_file_is_named_in_one_line_and_no_brief_is_written(finished, tmp_path, case):
    kind, name, tamper, expected = TAMPERED[case]
    results = tmp_path / kind
    shutil.copytree(finished[kind], results, ignore=shutil.ignore_patterns("figures", "runs"))
    tamper(results / name)
    out = tmp_path / "brief"
    with no_hang():
        result = runner.invoke(app, ["brief", str(results), "--out", str(out), "--no-pdf"])
    message = one_line_error(result)
    assert message.startswith(f"error: {results / name}") and expected in message, message
    assert message.endswith("the results are damaged: run the command that wrote them again")
    assert not [p.name for p in out.rglob("*") if p.suffix in (".html", ".pdf", ".png", ".svg")]


# ---------------------------------------------------------------------------------------------------
# A full disk: one line naming the output folder, exit 1, nothing half-written left behind


def _full(*_, **__):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _full_polars(*_, **__):  # how polars reports it when it writes a Parquet file
    raise pl.exceptions.ComputeError("parquet: File out of specification: underlying IO error: No space left on "
                                     "device (os error 28)")


FULL = {  # command: (the writer that fails, how, the command's arguments)
    "run": ("ecosystem.experiments.run.write_text", _full, ["run", str(TINY), "--end", "2020-03", "--no-figures"]),
    "sweep": ("ecosystem.experiments.sweep.write_with", _full_polars, ["sweep", "SWEEP", "--workers", "1"]),
    "compare": ("ecosystem.experiments.compare.write_text", _full,
                ["compare", str(TINY), str(TINY.parent / "tiny_watermark.yaml"), "--seeds", "2", "--workers", "1",
                 "--end", "2020-03"]),
    "brief": ("analysis.brief.write_text", _full, ["brief", "COMPARED", "--no-pdf"]),
    "replicate": ("ecosystem.replication.output.write_with", _full_polars,
                  ["replicate", "gaussian", "--samples", "20", "--generations", "3", "--seeds", "2"]),
}


@pytest.mark.parametrize("command", list(FULL))
def test_a_full_disk_is_one_line_naming_the_folder_and_leaves_no_partial_output(finished, tmp_path, monkeypatch,
                                                                                command):
    writer, failure, args = FULL[command]
    sweep = sweep_file(tmp_path, outcomes=[{"name": "share", "metric": "web.synthetic_share_new", "at": "2020-03"}])
    args = [{"SWEEP": str(sweep), "COMPARED": str(finished["compare"])}.get(arg, arg) for arg in args]
    out = tmp_path / "out"
    monkeypatch.setattr(writer, failure)
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, (OSError, pl.exceptions.PolarsError))
    assert result.output.splitlines()[-1] == (f"error: {out}: no space left on device; free some space and run the "
                                              "same command again")
    left = [p.relative_to(out).parts for p in out.rglob("*") if p.is_file()]
    assert [parts for parts in left if parts[0] not in ("runs", ".ecosim.lock", ".ecosim-output.json")] == []


# ---------------------------------------------------------------------------------------------------
# embed --model: the folder is checked cheaply, before the corpus is read or any model file is hashed


def _not_a_model(tmp_path: Path) -> dict[str, str]:
    big = tmp_path / "big"
    (big / "d").mkdir(parents=True)
    (big / "config.json").write_text("{}")
    for i in range(1_001):
        (big / "d" / f"{i}.bin").touch()
    (tmp_path / "plain").mkdir()
    (tmp_path / "file").write_text("x")
    return {"/proc/self": "a system folder, not a model", "/": "no modules.json or config.json at its top",
            str(big): "holds more than 1,000 files, so not a model folder",
            str(tmp_path / "plain"): "no modules.json or config.json at its top",
            str(tmp_path / "file"): "not a folder", str(tmp_path / "absent"): "folder not found",
            "x" * 5_000: "cannot be used (File name too long)"}


def test_a_model_folder_that_is_no_model_is_refused_before_any_work(tmp_path, monkeypatch):
    import ecosystem.content.embedding as embedding
    import ecosystem.content.text_reality as text_reality

    def never(*_, **__):
        raise AssertionError("work started before the model folder was checked")

    monkeypatch.setattr(embedding, "model_identity", never)
    monkeypatch.setattr(text_reality, "read_corpus", never)
    for model, expected in _not_a_model(tmp_path).items():
        result = runner.invoke(app, ["embed", "stdlib", "--model", model, "--cache", str(tmp_path / "cache")])
        message = one_line_error(result)
        assert message.startswith(f"error: --model {model[:40]}") and expected in message, message
        assert message.endswith("; give the folder of a local sentence-transformers model") and len(message) < 500


def test_a_model_folder_that_does_not_load_is_one_line(tmp_path):
    pytest.importorskip("sentence_transformers")
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "config.json").write_text('{"model_type": "bert"}')
    result = runner.invoke(app, ["embed", str(TINY.parent / "docstrings_sample.jsonl"), "--topic-column", "topic",
                                 "--model", str(fake), "--cache", str(tmp_path / "cache")])
    assert one_line_error(result).startswith(f"error: model {fake}: cannot load a sentence-transformers model")


# ---------------------------------------------------------------------------------------------------
# Corpora: a FIFO is refused in one line, never read; a huge document is cut before the tokenizer sees it


def _corpus_folder(root: Path, huge: str = "") -> Path:
    for topic in ("apples", "rockets"):
        (root / topic).mkdir(parents=True)
        for i in range(25):
            (root / topic / f"{i}.txt").write_text(f"document {i} about {topic}, written by a person\n")
    if huge:
        (root / "apples" / "huge.txt").write_text(huge)
    return root


@pytest.mark.parametrize("where", ["a FIFO in the folder", "the corpus a FIFO"])
def test_a_fifo_corpus_is_refused_in_one_line_without_blocking(tmp_path, where):
    if where == "a FIFO in the folder":
        corpus = _corpus_folder(tmp_path / "corpus")
        fifo = corpus / "apples" / "x.txt"
    else:
        corpus = fifo = tmp_path / "corpus.jsonl"
    os.mkfifo(fifo)
    unblock = threading.Timer(60, _open_for_writing, args=(fifo,))  # a reader stuck in open() fails, not hangs
    unblock.start()
    try:
        result = runner.invoke(app, ["embed", str(corpus), "--cache", str(tmp_path / "cache")])
    finally:
        unblock.cancel()
    assert f"corpus {fifo}: is not a regular file" in one_line_error(result)


def _open_for_writing(fifo: Path) -> None:
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:  # nobody is reading it: nothing to unblock
        pass


@pytest.mark.parametrize("kind", ["folder", "jsonl"])
def test_a_5_mb_document_reaches_the_embedder_cut_to_its_first_characters(tmp_path, monkeypatch, kind):
    import numpy as np

    import ecosystem.content.embedding as embedding
    from ecosystem.content.corpus import MAX_DOC_CHARS, read_corpus

    huge = "A page that never ends. " * 220_000  # 5.3 MB
    if kind == "folder":
        corpus = _corpus_folder(tmp_path / "corpus", huge=huge)
    else:
        corpus = tmp_path / "corpus.jsonl"
        corpus.write_text("\n".join(json.dumps({"text": text}) for text in ["a short page", huge]) + "\n")
    handed: list[str] = []

    def encode(texts, path, *, max_tokens, progress):
        handed.extend(texts)
        return np.ones((len(texts), 4), dtype=np.float32)

    monkeypatch.setattr(embedding, "_encode", encode)
    read = read_corpus(str(corpus))
    embedding.embed_texts(read.texts, corpus_hash=read.content_hash(), cache=str(tmp_path / "cache"))
    assert len(handed) == len(read) and max(len(text) for text in handed) == MAX_DOC_CHARS
    assert huge.startswith(max(handed, key=len))


# ---------------------------------------------------------------------------------------------------
# Ctrl-C while the local worker pool starts: the driver's one line, exit 130, no fork server traceback


def _fork_server_importing(driver: subprocess.Popen) -> None:
    """Wait until the driver's fork server is importing the package (numpy is loaded, the rest is not yet)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and driver.poll() is None:
        try:
            servers = [p for p in psutil.Process(driver.pid).children(recursive=True)
                       if "multiprocessing.forkserver" in " ".join(p.cmdline())]
            if servers and any("numpy" in m.path for m in servers[0].memory_maps()):
                return
        except psutil.Error:  # a process that ended between two looks
            pass
        time.sleep(0.01)
    raise AssertionError(f"no fork server started below the driver: {driver.poll()}")


@pytest.mark.slow  # worker processes interrupted
def test_ctrl_c_while_the_worker_pool_starts_is_the_drivers_one_line(tmp_path):
    out = tmp_path / "o"
    driver = subprocess.Popen([sys.executable, "-m", "ecosystem", "compare", str(TINY),
                               str(TINY.parent / "tiny_watermark.yaml"), "--seeds", "2", "--end", "2020-04",
                               "--workers", "2", "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, start_new_session=True)
    _fork_server_importing(driver)
    os.killpg(driver.pid, signal.SIGINT)  # the terminal interrupts the whole process group
    _, stderr = driver.communicate(timeout=60)
    assert driver.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    # The pool starts while the driver still imports and plans (so the first runs wait for nothing): the
    # interrupt lands before any run, and the driver says so in one line.
    assert stderr == "interrupted before the first run started; run the same command again\n", stderr


# ---------------------------------------------------------------------------------------------------
# read: a vendor that does not exist, or has not entered by --at, is refused before anything is embedded


@pytest.mark.parametrize(("vendor", "at", "expected"), [
    ("Late", "2021-03", "--at 2021-03: Late enters at 2021-09 and has no model before; read at 2021-09 or later"),
    ("Nobody", "2021-12", "--vendor: no vendor named 'Nobody'; known: Early, Late"),
], ids=["before its entry", "unknown"])
def test_read_refuses_a_vendor_without_a_model_before_any_work(tmp_path, monkeypatch, vendor, at, expected):
    import ecosystem.content.embedding as embedding
    import ecosystem.experiments.reading as reading
    from tests.text_corpus import SAMPLE, text_reality

    def never(*_, **__):
        raise AssertionError("embedding or simulating started before the request was checked")

    monkeypatch.setattr(embedding, "_encode", never)
    monkeypatch.setattr(reading, "simulate_topics", never)
    reality = {k.removeprefix("reality."): v for k, v in text_reality(SAMPLE, tmp_path / "cache").items()}
    path = tmp_path / "text_tiny.yaml"
    path.write_text(yaml.safe_dump({"extends": str(TINY), "reality": reality}))
    result = runner.invoke(app, ["read", str(path), "--vendor", vendor, "--at", at])
    assert one_line_error(result) == f"error: {expected}"
