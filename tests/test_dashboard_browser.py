"""End to end in a real browser: ``ecosim dashboard`` serves the page, the system Chromium (driven by
Playwright, no browser download) changes a lever, steps, plays and pauses, and sees the plots change; the
page has no empty card or page tab, and its sliders show their values.

Set ECOSIM_DASHBOARD_SCREENSHOT=docs/figures/dashboard.png to keep the final screenshot there.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("solara", reason="the dashboard extra is not installed")
sync_api = pytest.importorskip("playwright.sync_api", reason="the dashboard extra is not installed")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TINY = Path(__file__).resolve().parent / "data" / "tiny.yaml"
ROOT = Path(__file__).resolve().parent.parent
WAIT_MS = 90_000  # every wait for the page: generous, since a busy machine can take long to draw a month
sync_api.expect.set_options(timeout=WAIT_MS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """``ecosim dashboard tests/data/tiny.yaml`` on a free local port, stopped after the tests."""
    port = free_port()
    command = [sys.executable, "-m", "ecosystem", "dashboard", str(TINY.relative_to(ROOT)), "--port", str(port),
               "--no-open"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(url, timeout=10).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the dashboard did not start: {process.communicate()[0][-2000:]}")
            time.sleep(0.5)
    yield url
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: run `make system` to install Chromium (CI installs it)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    sync_api.expect(page.locator(".ecosim-month")).to_contain_text("not started")
    sync_api.expect(page.locator(".ecosim-busy")).to_have_count(0)
    return page


def month(page) -> str:
    return page.locator(".ecosim-month").inner_text()


def settled_month(page, *, quiet: float = 3.0, timeout: float = 180.0) -> str:
    """The month once nothing is computing and it has not changed for ``quiet`` seconds. Mesa's play loop
    sleeps and then steps, so a month it had already scheduled may still start just after Pause."""
    deadline = time.monotonic() + timeout
    last, since = month(page), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = month(page)
        if now != last or page.locator(".ecosim-busy").count():
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return now
    pytest.fail(f"the month did not settle after pause (last seen: {last})")


def plot(page, key: str) -> bytes:
    return page.locator(f"img.ecosim-plot-{key}").screenshot()


def redrawn(page, key: str, before: bytes) -> bool:
    """True once the plot differs from ``before``: the new image can reach the browser after the page
    stopped saying it is busy."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while plot(page, key) == before:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def choose(page, label: str, option: str) -> None:
    """Pick an option of a Vuetify select by its label."""
    page.locator(".v-select", has_text=label).click()
    page.locator(".menuable__content__active .v-list-item", has_text=option).click()


@pytest.mark.slow  # plays two years in a real browser
def test_lever_step_play_pause_in_a_real_browser(server, browser, tmp_path):
    page = open_page(browser, server)
    other = open_page(browser, server)  # a second tab: its own run
    before = {key: plot(page, key) for key in ("synthetic_share", "vendors", "farms")}

    choose(page, "Late: training data", "archive")
    sync_api.expect(page.locator(".v-select", has_text="Late: training data")).to_contain_text("archive")
    for _ in range(2):  # the second click comes while the first month is computed or drawn: it is queued
        page.get_by_role("button", name="Step").click()
    sync_api.expect(page.locator(".ecosim-month")).to_contain_text("2020-02 (2 of 36)")
    sync_api.expect(page.locator(".ecosim-busy")).to_have_count(0)
    assert redrawn(page, "synthetic_share", before["synthetic_share"])  # the plots follow the run

    page.get_by_role("button", name="▶").click()
    sync_api.expect(page.locator(".ecosim-month")).to_contain_text("2022-0", timeout=300_000)
    page.get_by_role("button", name="❚❚").click()
    sync_api.expect(page.get_by_role("button", name="▶")).to_be_visible()
    paused = settled_month(page)
    assert settled_month(page) == paused  # pause holds the month (watched for another quiet period)
    for key in ("vendors", "farms"):  # vendors have retrained and farms entered by 2022
        assert redrawn(page, key, before[key]), key

    assert "not started" in month(other)  # the other tab's run did not move
    sync_api.expect(other.locator(".v-select", has_text="Late: training data")).to_contain_text("accumulate")

    page.locator(".v-navigation-drawer__content").evaluate("drawer => drawer.scrollTo(0, 0)")
    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    if os.environ.get("ECOSIM_DASHBOARD_SCREENSHOT"):  # how docs/figures/dashboard.png is made
        shutil.copyfile(shot, os.environ["ECOSIM_DASHBOARD_SCREENSHOT"])

    page.get_by_role("button", name="Reset").click()
    sync_api.expect(page.locator(".ecosim-month")).to_contain_text("not started")
    sync_api.expect(page.locator(".v-select", has_text="Late: training data")).to_contain_text("archive")
    page.close()
    other.close()


@pytest.mark.slow  # a real browser
def test_no_empty_card_no_page_tab_and_sliders_with_their_values(server, browser):
    """Issue 24: no empty "Model Parameters" card, no "Page 0" tab; a slider's value is written beside its
    label and follows the slider (moved here with the keyboard, one step)."""
    page = open_page(browser, server)
    sync_api.expect(page.get_by_text("Model Parameters")).to_have_count(0)
    sync_api.expect(page.get_by_text("Page 0")).to_have_count(0)
    sync_api.expect(page.locator(".v-tab")).to_have_count(0)
    sync_api.expect(page.locator(".v-card__title")).to_have_text(["Run", "Controls", "Levers"])
    temperature = ".ecosim-lever-vendors-Early-temperature"
    value = page.locator(f".ecosim-slider-value{temperature}")
    sync_api.expect(value).to_have_text("0.90")
    sync_api.expect(page.locator(".ecosim-slider-value.ecosim-lever-farms-fixed_cost")).to_have_text("20")
    page.locator(f".v-input{temperature} [role=slider]").press("ArrowRight")
    sync_api.expect(value).to_have_text("0.95")
    page.close()


@pytest.mark.slow  # a real browser
def test_rejected_value_shows_its_one_line_error_in_the_page(server, browser):
    page = open_page(browser, server)
    error = page.locator(".ecosim-error")
    deadline = time.monotonic() + WAIT_MS / 1000
    while not error.count():  # a re-render of the panel just after the page loads can drop what was typed
        assert time.monotonic() < deadline, "the rejected value never showed its error"
        seed = page.get_by_label("Seed")
        seed.fill("minus one")
        seed.press("Enter")
        try:
            error.wait_for(timeout=10_000)
        except sync_api.TimeoutError:
            continue
    sync_api.expect(error).to_contain_text("seed: Input should be a valid integer")
    assert "Traceback" not in page.locator("body").inner_text()


WEBSOCKET = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
             "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}


def status(port: int, host: str, path: str = "/", headers: dict | None = None) -> int:
    """The status of a GET sent to 127.0.0.1:``port`` with the given Host header."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": host, **(headers or {})})
        return connection.getresponse().status
    finally:
        connection.close()


def test_requests_addressed_to_another_host_are_refused(server):
    """A page on another site whose name was rebound to 127.0.0.1 (DNS rebinding) sends its own name as
    Host: it must get neither the page nor the websocket that drives the levers."""
    port = int(server.rstrip("/").rsplit(":", 1)[1])
    kernel = "/jupyter/api/kernels/00000000/channels?session_id=test"
    for host in (f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}"):
        assert status(port, host) in (400, 403), host
        assert status(port, host, kernel, WEBSOCKET) in (400, 403), host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert status(port, host) == 200, host
        assert status(port, host, kernel, WEBSOCKET) == 101, host
