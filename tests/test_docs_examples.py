"""Error messages quoted in docs/ are the real ones, so the docs do not go stale as messages change."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from ecosystem.cli import app

REPO = Path(__file__).resolve().parent.parent


def test_the_did_you_mean_example_is_the_real_message(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)  # the message names the file as given
    text = (REPO / "docs" / "outcomes-and-briefs.md").read_text(encoding="utf-8")
    quoted = re.search(r"\n    (error: scenarios/baseline\.yaml: outcome .*?)\n\n", text, re.S)[1]
    result = CliRunner().invoke(app, ["compare", "scenarios/baseline.yaml", "--outcome",
                                      "vendor.Pioneer.excess_nl@2030", "--out", str(tmp_path / "out"), "--dry-run"])
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == " ".join(quoted.split())
