"""Reading a scenario file is one module (YAML, extends, --set, limits) and validating it is another that reads
no file: a --set or a dashboard lever re-validates without reading a text reality's corpus again, while
loading a file still refuses a corpus that cannot be used, in one line, before any work."""

from __future__ import annotations

import pytest

from ecosystem.config import ScenarioError, validate_scenario
from ecosystem.scenario_files import load_scenario
from tests.conftest import TINY


def test_validation_reads_no_corpus_and_loading_checks_it(tmp_path, monkeypatch):
    import ecosystem.content.text_reality as text_reality

    missing = tmp_path / "no_such_corpus.jsonl"
    raw = {"name": "t", "reality": {"kind": "text", "corpus": str(missing)}}
    calls = []
    monkeypatch.setattr(text_reality, "check_text_config", lambda config: calls.append(config))
    assert validate_scenario(raw).reality.corpus == str(missing)
    assert calls == []  # validation alone touched no file
    monkeypatch.undo()
    path = tmp_path / "text.yaml"
    path.write_text(f"extends: {TINY}\nreality: {{kind: text, corpus: {missing}}}\n")
    with pytest.raises(ScenarioError, match=rf"^{path}: reality: .*no_such_corpus"):
        load_scenario(path)


def test_the_schema_module_does_not_import_the_content_modules_that_read_corpora():
    import subprocess
    import sys

    code = "import sys, ecosystem.config; print(any(m.startswith('ecosystem.content.text') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() \
        == "False"
