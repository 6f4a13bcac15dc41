"""Error messages quoted in docs/ are the real ones, and the commands and sweep file of docs/policy-question.md are
accepted as printed (the sweep file also ships as scenarios/sweeps/watermark_levels.yaml, the same sweep), so the
docs do not go stale as messages and options change."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml
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


POLICY_QUESTION = REPO / "docs" / "policy-question.md"


def _commands(name: str) -> list[list[str]]:
    """The ``ecosim NAME ...`` commands of policy-question.md's shell blocks, continuation lines joined."""
    text = POLICY_QUESTION.read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    lines = "\n".join(blocks).replace("\\\n", " ").splitlines()
    return [shlex.split(line)[1:] for line in lines if line.startswith(f"ecosim {name} ")]


def _with_out(args: list[str], out: Path) -> list[str]:
    return [str(out) if previous == "--out" else arg for previous, arg in zip(["", *args[:-1]], args, strict=True)]


def test_the_policy_questions_compare_command_is_accepted(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    (command,) = _commands("compare")
    result = CliRunner().invoke(app, [*_with_out(command, tmp_path / "out"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "6 runs (2 scenarios x 3 seeds)" in result.output


SHIPPED_SWEEP = REPO / "scenarios" / "sweeps" / "watermark_levels.yaml"


def _printed_sweep() -> str:
    text = POLICY_QUESTION.read_text(encoding="utf-8")
    return re.search(r"```yaml\n(# Does a watermark mandate slow collapse.*?)```", text, re.S)[1]


def test_the_shipped_sweep_file_is_the_one_the_page_prints(tmp_path, monkeypatch):
    """scenarios/sweeps/watermark_levels.yaml is the page's sweep: the same settings, its base the same file (the
    page's is relative to the project folder, the shipped one to scenarios/sweeps/), and it is accepted."""
    printed, shipped = yaml.safe_load(_printed_sweep()), yaml.safe_load(SHIPPED_SWEEP.read_text(encoding="utf-8"))
    assert (REPO / printed.pop("base")).resolve() == (SHIPPED_SWEEP.parent / shipped.pop("base")).resolve()
    assert shipped == printed
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(app, ["sweep", str(SHIPPED_SWEEP.relative_to(REPO)), "--end", "2028-12", "--out",
                                      str(tmp_path / "out"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "15 runs (5 grid points x 3 seeds)" in result.output


def test_the_policy_questions_sweep_file_and_command_are_accepted(tmp_path, monkeypatch):
    """The sweep file as the page prints it, written where the page says (base: relative to it)."""
    sweep = _printed_sweep()
    (tmp_path / "scenarios").symlink_to(REPO / "scenarios")
    (tmp_path / "watermark_levels.yaml").write_text(sweep, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (command,) = _commands("sweep")
    assert command[:2] == ["sweep", "watermark_levels.yaml"]
    result = CliRunner().invoke(app, [*_with_out(command, tmp_path / "out"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "15 runs (5 grid points x 3 seeds)" in result.output
    for brief in _commands("brief"):  # each brief reads the folder its compare or sweep wrote
        assert brief[2:4] == ["--out", f"{brief[1]}/brief"] and brief[4] == "--question"
        assert brief[1] in {c[c.index("--out") + 1] for c in _commands("compare") + _commands("sweep")}
