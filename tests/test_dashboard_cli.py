"""``ecosim dashboard`` refuses to start on a bad scenario, a busy port or an address that listens on every
network interface: one line, exit code 2, and no server is started (so no server traceback). An address
other people can reach starts with a one-line warning."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("solara", reason="the dashboard extra is not installed")
from dashboard import server  # noqa: E402
from ecosystem.cli import app  # noqa: E402

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


@pytest.fixture
def served(monkeypatch):
    """The addresses ``ecosim dashboard`` would serve on, recorded instead of starting a server."""
    calls = []
    monkeypatch.setattr(server, "serve", lambda **kwargs: calls.append(kwargs))
    for name in (server.SCENARIO_ENV, "SOLARA_TELEMETRY_MIXPANEL_ENABLE", "SOLARA_CHECK_HOOKS"):
        monkeypatch.setenv(name, "")  # restored afterwards: the command sets them for the server
    return calls


@pytest.mark.parametrize("host", ["", " ", "0.0.0.0"])
def test_an_address_on_every_interface_is_refused_before_anything_starts(served, host):
    result = CliRunner().invoke(app, ["dashboard", str(TINY), "--host", host, "--port", "1"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"error: --host: {host!r} listens on every network interface; "
                                                  "give one address, e.g. 127.0.0.1 (this machine only)"]
    assert result.stdout == "" and served == []


def network_address() -> str:
    """An IPv4 address of this machine that is not a loopback one (the test is skipped without one)."""
    psutil = pytest.importorskip("psutil")
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family == socket.AF_INET and not address.address.startswith("127."):
                return address.address
    pytest.skip("this machine has no network address")


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def test_a_network_address_starts_with_a_one_line_warning(served):
    host = network_address()
    port = free_port(host)
    result = CliRunner().invoke(app, ["dashboard", str(TINY), "--host", host, "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines() == [f"warning: --host {host} is not a loopback address: anyone on the "
                                                  "network who can reach it can drive the dashboard's levers"]
    assert served == [{"host": host, "port": port, "open_browser": False}]


def test_the_loopback_address_starts_without_a_warning(served):
    port = free_port("127.0.0.1")
    result = CliRunner().invoke(app, ["dashboard", str(TINY), "--port", str(port)])
    assert result.exit_code == 0 and result.stderr == ""
    assert served == [{"host": "127.0.0.1", "port": port, "open_browser": False}]


def test_the_host_headers_served_are_the_address_and_localhost_for_loopback():
    assert server.allowed_hosts("127.0.0.1", 8765) == {"127.0.0.1:8765", "localhost:8765"}
    assert server.allowed_hosts("::1", 80) == {"[::1]:80", "localhost:80", "[::1]", "localhost"}
    assert server.allowed_hosts("192.0.2.7", 8765) == {"192.0.2.7:8765"}
