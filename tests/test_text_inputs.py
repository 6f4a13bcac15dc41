"""A text reality's bad inputs: each stops before anything runs, with one line naming the field and the value."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecosystem.cli import app

runner = CliRunner()


def scenario(write_yaml, reality: dict) -> str:
    fields = "".join(f"  {k}: {json.dumps(v)}\n" for k, v in {"kind": "text", **reality}.items())
    return str(write_yaml(f"name: t\nreality:\n{fields}"))


def jsonl(tmp_path, rows: list[dict], name: str = "c.jsonl") -> str:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def docs(n: int, topics: int = 1) -> list[dict]:
    return [{"text": f"Document number {i} about subject {i % topics}.", "topic": f"t{i % topics}"} for i in range(n)]


def one_error_line(path: str) -> str:
    result = runner.invoke(app, ["validate", path])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda tmp: {"corpus": str(tmp / "absent.jsonl")}, ["reality", "corpus", "absent.jsonl", "file not found"]),
        (lambda tmp: {"corpus": jsonl(tmp, [{"text": "  "}, {"text": ""}])}, ["corpus", "no documents"]),
        (lambda tmp: {"corpus": jsonl(tmp, docs(50)), "text_column": "body"},
         ["text_column 'body'", "not a column", "columns: text, topic"]),
        (lambda tmp: {"corpus": jsonl(tmp, docs(50)), "topic_column": "section"}, ["topic_column 'section'"]),
        (lambda tmp: {"corpus": jsonl(tmp, docs(50)), "model": str(tmp / "no-model")},
         ["model", "no-model", "folder not found"]),
        (lambda tmp: {"corpus": jsonl(tmp, docs(40)), "topics": 5, "min_docs": 10},
         ["topics 5", "40 documents", "min_docs 10"]),
        (lambda tmp: {"corpus": jsonl(tmp, docs(6)), "dim": 8, "topics": 2, "min_docs": 3},
         ["dim 8", "only 6 documents"]),
        (lambda tmp: {"corpus": jsonl(tmp, docs(60, topics=3)), "topic_column": "topic", "min_docs": 25},
         ["min_docs 25", "0 topic(s)"]),
        (lambda tmp: {"corpus": jsonl(tmp, [{**d, "month": "spring"} for d in docs(50)]), "date_column": "month"},
         ["date_column 'month'", "'spring'", "YYYY-MM"]),
        (lambda tmp: {"corpus": str(tmp), "drift": {"new_topics_per_year": 2}}, ["drift.new_topics_per_year"]),
    ],
    ids=["missing", "empty", "no-text-column", "no-topic-column", "no-model", "few-for-topics", "few-for-dim",
         "few-per-topic", "bad-date", "gaussian-drift"],
)
def test_bad_text_input_gets_one_clean_line(tmp_path, write_yaml, make, expected):
    line = one_error_line(scenario(write_yaml, make(tmp_path)))
    for part in expected:
        assert part in line, line


def test_a_csv_without_the_text_column_in_a_real_process_has_no_traceback(tmp_path, write_yaml):
    corpus = tmp_path / "pages.csv"
    corpus.write_text("url,body\nhttp://a,hello there\n", encoding="utf-8")
    path = scenario(write_yaml, {"corpus": str(corpus)})
    process = subprocess.run([sys.executable, "-m", "ecosystem", "validate", path], capture_output=True, text=True,
                             timeout=120)
    assert process.returncode == 2
    assert "Traceback" not in process.stderr + process.stdout
    assert process.stderr.strip().count("\n") == 0 and "text_column 'text'" in process.stderr


def test_reading_a_gaussian_scenario_is_refused_in_one_line(tmp_path):
    tiny = str(Path(__file__).parent / "data" / "tiny.yaml")
    result = runner.invoke(app, ["read", tiny, "--vendor", "Early", "--at", "2021-01"])
    assert result.exit_code == 2
    assert "reading needs text" in result.stderr and len(result.stderr.strip().splitlines()) == 1
