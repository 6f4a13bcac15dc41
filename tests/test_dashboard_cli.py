"""``ecosim dashboard`` refuses to start on a bad scenario or a busy port: one line, exit code 2, and no
server is started (so no server traceback)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("solara", reason="the dashboard extra is not installed")

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def dashboard(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ecosystem", "dashboard", *args, "--no-open"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_bad_scenario_gives_one_line_and_exit_code_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nvendors:\n  - {name: A, entry: 2020-01, temperature: 9}\n")
    result = dashboard(str(bad), "--port", "1")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0] == f"error: {bad}: vendors.0.temperature: Input should be less than or equal to 2 (got 9)"
    assert result.stdout == ""


def test_busy_port_gives_one_line_and_exit_code_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = dashboard(str(TINY), "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: cannot listen on 127.0.0.1:{port}: Address already in use; choose " \
                                    "another --port"
