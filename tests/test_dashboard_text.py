"""With a text reality, the dashboard shows pages each vendor's current model writes beside human pages,
read as their nearest real documents; they change when a vendor retrains, and reading never changes the
run."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

solara = pytest.importorskip("solara", reason="the dashboard extra is not installed")
pytest.importorskip("sentence_transformers", reason="the text extra is not installed")
import ipyvuetify as v  # noqa: E402
from test_dashboard_app import settle  # noqa: E402
from text_corpus import TOPICS, sample_corpus, text_reality  # noqa: E402

from dashboard import app  # noqa: E402
from dashboard.levers import Recipe  # noqa: E402
from dashboard.live import LiveModel, Session  # noqa: E402
from dashboard.reading import HUMANS, PAGES  # noqa: E402
from dashboard.server import SCENARIO_ENV  # noqa: E402
from ecosystem.model import EcosystemModel  # noqa: E402

TINY = Path(__file__).resolve().parent / "data" / "tiny.yaml"


@pytest.fixture(scope="module")
def text_tiny(tmp_path_factory):
    """tests/data/tiny.yaml on a small text reality (sixteen standard-library modules' docstrings)."""
    reality = {k.removeprefix("reality."): value for k, value in text_reality(*sample_corpus(tmp_path_factory)).items()}
    path = tmp_path_factory.mktemp("dashboard-text") / "text_tiny.yaml"
    path.write_text(yaml.safe_dump({"extends": str(TINY.resolve()), "name": "text_tiny", "reality": reality}))
    return path


def run_to(live: LiveModel, months: int) -> None:
    """Step to ``months``; a run stopped by an error (which no step can advance) or a month that never ends
    fails the test instead of looping for ever."""
    while live.snapshot.months_done < months:
        assert live.error is None and live.reading_error is None, live.error or live.reading_error
        live.step()
        live.wait(timeout=180)
        assert not live.busy, "a month took over 180 s"


def test_pages_of_each_released_vendor_beside_human_pages(text_tiny):
    live = LiveModel(Session(Recipe.from_file(text_tiny)))
    live.wait()
    assert list(live.shelf.pages) == [HUMANS]  # no vendor has released a model yet
    run_to(live, 9)  # Early enters 2020-09
    shelf = live.shelf
    assert list(shelf.pages) == ["Early", HUMANS] and shelf.generations == {"Early": 1}
    for docs in shelf.pages.values():
        assert len(docs) == PAGES and all(doc.topic in TOPICS and doc.text for doc in docs)
    run_to(live, 10)
    assert live.shelf is shelf  # no new model, same pages
    run_to(live, 15)  # Early retrains every 6 months
    assert live.shelf.generations == {"Early": 2} and live.shelf is not shelf


def test_reading_does_not_change_the_run(text_tiny):
    recipe = Recipe.from_file(text_tiny)
    read = LiveModel(Session(recipe))
    run_to(read, 12)
    plain = EcosystemModel(recipe.scenario)
    for _ in range(12):
        plain.step()
    assert read.shelf.generations == {"Early": 1}
    assert read.sim.recorder.rows == plain.recorder.rows


def test_the_page_shows_the_panel(text_tiny, monkeypatch):
    monkeypatch.setenv(SCENARIO_ENV, str(text_tiny))
    _, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    # The worker fills the panel by redrawing the page from its own thread: the first writer's name can
    # show before its pages do. Once the worker has ended, its redraw is complete.
    settle(rc)
    assert [w.children[0] for w in rc.find(v.Html, class_="ecosim-writer").widgets] == [HUMANS]
    assert len(rc.find(v.Html, class_="ecosim-page").widgets) == PAGES
