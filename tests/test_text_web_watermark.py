"""A text web whose watermark is in the words (text.watermark): marked pages are written with their vendor's green
list, crawlers read the marks off the text, and each language model is measured per topic. Short runs of
scenarios/text_web.yaml on the sample corpus, as tests/test_text_web.py runs them."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from test_text_web import TEXT_WEB, _run
from test_text_web import overrides as overrides  # the module's fixture

from ecosystem.config import ScenarioError
from ecosystem.content.documents import Origin
from ecosystem.metric_table import METRICS, TEXT_PER_TOPIC, TEXT_WATERMARK
from ecosystem.scenario_files import load_scenario

IN_TEXT = {"text.watermark": {"delta": 3.0}}
MANDATE = {"policies": [{"kind": "watermark_mandate", "start": "2019-09", "compliance": 1.0, "basis": "vendors"},
                        {"kind": "watermark_registry", "start": "2019-09"}]}


@pytest.fixture(scope="module")
def marked(overrides):
    return _run(overrides, **IN_TEXT, **MANDATE, **{"metrics.per_topic": True, "end": "2020-06"})


def test_the_option_changes_nothing_until_a_page_is_marked(overrides):
    """Default runs keep their results: with text.watermark but no mandate no page is marked, and every metric is
    the same as without it, bar the two the option adds."""
    end = {"end": "2019-12"}
    off, on = _run(overrides, **end), _run(overrides, **end, **IN_TEXT)
    np.testing.assert_array_equal(off.text_pages.texts.all().ids, on.text_pages.texts.all().ids)
    added = {m.name for m in METRICS if m.needs is TEXT_WATERMARK}
    frame = on.recorder.to_frame()
    assert set(frame["metric"].unique()) & added == added
    assert off.recorder.to_frame().equals(frame.filter(~pl.col("metric").is_in(added)))


def test_marked_pages_carry_the_mark_in_their_words_and_crawlers_read_it(marked):
    frame = marked.recorder.to_frame()
    flagged = frame.filter(pl.col("metric") == "text_flagged_share", pl.col("step") >= 12)
    assert set(flagged["entity"].unique()) == {"Pioneer", "Second", "Third"}
    assert flagged["value"].mean() > 0.3  # the vendors' own pages: marked since 2019-09, read on their text
    human = frame.filter(pl.col("metric") == "text_human_flagged")["value"]
    assert len(human) and human.mean() < 0.01  # the test's false positives on human pages
    store, pages, text = marked.store, marked.text_pages.texts, marked.text_pages
    rows = np.flatnonzero((store.column("origin") == Origin.VENDOR) & (store.column("wm_key") >= 0))
    assert len(rows) > 100
    keys = store.column("wm_key")[rows]
    z = np.array([text.green.z_scores(pages.take(rows[keys == k]), int(k)).mean() for k in np.unique(keys)])
    assert (z > 2).all()  # every vendor's marked pages are green-heavy under its own key
    # what crawlers kept holds fewer of them than the web: the filter read the text
    crawled = np.concatenate(marked.vendors[0].crawler.batches)
    origin = store.column("origin")[crawled]
    assert (origin == Origin.VENDOR).mean() < (store.column("origin") == Origin.VENDOR).mean()


def test_each_language_model_is_measured_per_topic_when_it_retrains(marked):
    frame = marked.recorder.to_frame()
    rows = {m.name.replace("<k>", "0") for m in METRICS if m.needs is TEXT_PER_TOPIC}
    per_topic = frame.filter(pl.col("metric").str.contains(r"^topic_\d+_text_"))
    assert rows <= set(per_topic["metric"].unique())
    retrained = frame.filter(pl.col("metric") == "retrained", pl.col("value") == 1.0).select("step", "entity")
    assert per_topic.select("step", "entity").unique().sort("step", "entity").equals(
        retrained.unique().sort("step", "entity"))
    ppl = per_topic.filter(pl.col("metric").str.ends_with("_text_perplexity"))
    assert (ppl["value"] > 1).all() and ppl["metric"].n_unique() == marked.reality.n_topics


def test_a_mark_in_the_text_refuses_edits_that_would_not_touch_the_text(overrides):
    with pytest.raises(ScenarioError, match=r"text\.watermark: farms' evasive edits"):
        load_scenario(TEXT_WEB, overrides={**overrides, **IN_TEXT, "farms.evasion.paraphrase_share": 0.5})
