"""Serve the dashboard page with solara's own server (what ``solara run`` does), offline and quiet.

The caller validates the scenario first; this module only starts the server. Solara reads its settings
from the environment when it is imported, so they are set before the import: no telemetry, no version
check, no hook-linter warnings about Mesa's code, production mode (no tracebacks in the page, no
reloader). The page's JavaScript comes from the ``solara-assets`` package, so nothing is fetched from
the internet.
"""

from __future__ import annotations

import os
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


def serve(*, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = False) -> None:
    """Run the server until interrupted (after ``prepare``); every browser tab gets its own run."""
    from solara.__main__ import cli

    cli.main(args=server_arguments(host=host, port=port, open_browser=open_browser), prog_name="ecosim dashboard",
             standalone_mode=False)
