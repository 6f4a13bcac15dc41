"""Reading the closed loop's language model: what generation 0 and generation n write after a human prompt."""

from __future__ import annotations

import pytest
from text_corpus import SAMPLE
from typer.testing import CliRunner

from ecosystem.cli import app
from ecosystem.replication import ReplicationError
from ecosystem.replication.text_reading import what_it_writes

SMALL = {"corpus": str(SAMPLE), "topic_column": "topic", "samples": 150, "max_tokens": 300}


def test_prompts_of_distinct_topics_continued_by_both_generations():
    writings = what_it_writes(generations=3, n=4, words=30, seed=2, **SMALL)
    assert len(writings) == 4 and len({w.topic for w in writings}) == 4
    for w in writings:
        assert len(w.prompt.split()) >= 3 and w.human
        assert set(w.written) == {0, 3}
        assert all(len(text.split()) <= 30 for text in w.written.values())
    assert any(w.written[0] != w.written[3] for w in writings)  # generation 3 is another model


def test_same_seed_same_writing_other_seed_other_prompts():
    first = what_it_writes(generations=1, n=3, words=20, seed=5, **SMALL)
    assert first == what_it_writes(generations=1, n=3, words=20, seed=5, **SMALL)
    assert first != what_it_writes(generations=1, n=3, words=20, seed=6, **SMALL)


def test_bad_request_is_one_line():
    with pytest.raises(ReplicationError, match="policy must be one or more of"):
        what_it_writes(policy="forget", **SMALL)
    with pytest.raises(ReplicationError, match="prompt_words must be in"):
        what_it_writes(prompt_words=0, **SMALL)


def test_command_prints_human_and_both_generations():
    runner = CliRunner()
    args = ["read-text", "--generations", "2", "-n", "2", "--words", "15", "--topic-column", "topic",
            "-o", f"corpus={SAMPLE}", "-o", "samples=100"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.count("human:") == 2 and result.output.count("generation 2:") == 2
    bad = runner.invoke(app, ["read-text", "-o", "colour=red"])
    assert bad.exit_code == 2 and len(bad.output.strip().splitlines()) == 1 and "colour=red" in bad.output
