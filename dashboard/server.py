"""Serve the dashboard page with solara's own server (what ``solara run`` does), offline and quiet.

The caller validates the scenario first; this module only starts the server. Solara reads its settings
from the environment when it is imported, so they are set before the import: no telemetry, no version
check, no hook-linter warnings about Mesa's code, production mode (no tracebacks in the page, no
reloader). The page's JavaScript comes from the ``solara-assets`` package, so nothing is fetched from
the internet.

The page's levers drive a run on this machine, so the server answers only requests addressed to it by
name: a page on another site whose name was rebound to this address (DNS rebinding) is refused.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

APP = "dashboard.app:Page"
SCENARIO_ENV = "ECOSIM_DASHBOARD_SCENARIO"  # the scenario file every new tab starts from


def server_arguments(*, host: str, port: int, open_browser: bool) -> list[str]:
    return ["run", APP, "--host", host, "--port", str(port), "--production", "--no-check-version",
            "--open" if open_browser else "--no-open"]


def prepare(scenario: Path) -> str | None:
    """Set the server's environment (before solara is imported) and return the name of a missing
    dashboard requirement, or None when everything the page needs is installed."""
    os.environ[SCENARIO_ENV] = str(scenario)  # as the user gave it: the server runs in this directory
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    os.environ["SOLARA_CHECK_HOOKS"] = "off"  # Mesa 3.3's SolaraViz trips solara's hook linter on every import
    try:
        import mesa.visualization  # noqa: F401  (needs solara and altair)
        import solara_assets  # noqa: F401  (the page's JavaScript, served locally)
    except ImportError as err:
        return err.name or str(err)
    return None


def reach(host: str, port: int) -> str:
    """Who can reach a server listening on ``host`` (a resolvable name or address): "every interface"
    (an empty or unspecified address), "loopback" (this machine only) or "network"."""
    if not host.strip():
        return "every interface"
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    if any(address.is_unspecified for address in addresses):
        return "every interface"
    return "loopback" if all(address.is_loopback for address in addresses) else "network"


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The Host headers of requests addressed to the served address (``[::1]:8765`` for IPv6), and to
    localhost when that address is a loopback one. A browser leaves out port 80."""
    names = {f"[{host}]" if ":" in host else host}
    if reach(host, port) == "loopback":
        names.add("localhost")
    names = {name.lower() for name in names}
    return frozenset({f"{name}:{port}" for name in names} | (names if port == 80 else set()))


class HostCheck:
    """ASGI middleware: a request or websocket whose Host header is not one of ``allowed`` is refused
    (HTTP 400; a websocket is closed before it opens, which the server answers with 403)."""

    def __init__(self, app, allowed: frozenset[str]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket"):
            hosts = [value.decode("latin-1").lower() for name, value in scope["headers"] if name == b"host"]
            if len(hosts) != 1 or hosts[0] not in self.allowed:
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                else:
                    from starlette.responses import PlainTextResponse

                    await PlainTextResponse("invalid Host header", status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def serve(*, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = False) -> None:
    """Run the server until interrupted (after ``prepare``); every browser tab gets its own run.

    ``solara run`` serves the app of ``solara.server.starlette``; it is imported here first, with
    SOLARA_APP set as solara documents for embedding, so that the host check wraps it."""
    os.environ["SOLARA_APP"] = APP
    from solara.__main__ import cli
    from solara.server.starlette import app

    app.add_middleware(HostCheck, allowed=allowed_hosts(host, port))

    cli.main(args=server_arguments(host=host, port=port, open_browser=open_browser), prog_name="ecosim dashboard",
             standalone_mode=False)
