"""Language-model vendors inside the ecosystem (issue 25): pages carry real text, a vendor's n-gram model learns
from the text its crawler kept, and a model fed its own output does worse on held-out human text. Short runs
of scenarios/text_web.yaml on the sample corpus (16 standard-library modules)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from text_corpus import TOPICS, sample_corpus, text_reality

from ecosystem.config import ScenarioError
from ecosystem.content.documents import Origin
from ecosystem.content.web_text import clip_to_sentences
from ecosystem.experiments.reading import read_vendor
from ecosystem.learning.tokens import TokenDocs
from ecosystem.metric_table import LANGUAGE_MODEL, METRICS
from ecosystem.model import EcosystemModel
from ecosystem.scenario_files import load_scenario

SCENARIOS = Path(__file__).parents[1] / "scenarios"
TEXT_WEB = SCENARIOS / "text_web.yaml"
SHORT = {"start": "2019-01", "end": "2020-12", "ai_start": "2019-06", "humans.writers": 40,
         "humans.assistant.start": "2019-06", "humans.assistant.innovation": 0.2, "farms.start": "2019-06",
         "metrics.model_samples": 500, "text.probe_docs": 50,
         "vendors.Pioneer.entry": "2019-06", "vendors.Second.entry": "2020-01", "vendors.Third.entry": "2020-06",
         **{f"vendors.{v}.{k}": n for v in ("Pioneer", "Second", "Third")
            for k, n in (("train_size", 300), ("retrain_every", 6), ("publish_per_month", 40),
                         ("crawler.budget_per_month", 150), ("components", 6))}}


@pytest.fixture(scope="module")
def overrides(tmp_path_factory) -> dict:
    corpus, cache = sample_corpus(tmp_path_factory)
    return {**text_reality(corpus, cache), **SHORT}


def _run(overrides: dict, seed: int = 3, **more) -> EcosystemModel:
    scenario = load_scenario(TEXT_WEB, overrides={**overrides, **more})
    model = EcosystemModel(scenario, seed=seed)
    for _ in range(scenario.months):
        model.step()
    return model


@pytest.fixture(scope="module")
def web(overrides) -> EcosystemModel:
    """Pioneer and Third language models, Second a Gaussian mixture on the same text web."""
    return _run(overrides, **{"vendors.Second.model": "gaussian"})


def test_every_page_carries_text_and_human_pages_are_training_documents_of_their_topic(web):
    store, pages, text = web.store, web.text_pages.texts, web.text_pages.text
    assert len(pages) == store.size > 0
    origin, topic = store.column("origin"), store.column("topic")
    human = np.flatnonzero(origin == Origin.HUMAN)
    docs = {tuple(text.docs.doc(i)): i for i in range(len(text.docs))}
    written = [docs.get(tuple(pages.take(np.array([r])).ids)) for r in human[::7]]
    assert None not in written  # every human page is a corpus document, cut to a page
    index = np.array(written)
    assert (text.topic[index] == topic[human[::7]]).all()  # of its own topic
    assert not np.isin(index, text.test).any()  # the held-out split is never published
    # Generated pages are words the models wrote, not copies of documents
    farm = np.flatnonzero(origin == Origin.FARM)
    assert len(farm) > 0
    copies = sum(tuple(pages.take(np.array([r])).ids) in docs for r in farm[:200])
    assert copies < 0.2 * min(len(farm), 200)


def test_a_language_models_pages_are_placed_by_their_text(web):
    """A vendor's page vector is its text's static embedding, so the same text gives the same place."""
    store, text = web.store, web.text_pages.text
    rows = np.flatnonzero(store.column("origin") == Origin.VENDOR)[:50]
    assert len(rows)
    placed = text.embed(web.text_pages.texts.take(rows))
    np.testing.assert_allclose(store.vectors[rows], placed, rtol=1e-5, atol=1e-5)


def test_text_measures_are_written_for_each_language_model_vendor(web):
    metrics = web.recorder.to_frame()
    rows = {m.name for m in METRICS if m.needs is LANGUAGE_MODEL}
    assert rows and rows <= set(metrics["metric"].unique())  # the metric table's rows, under their names
    perplexity = metrics.filter(pl.col("metric") == "text_perplexity")
    assert set(perplexity["entity"].unique()) == {"Pioneer", "Third"}  # Second is a Gaussian vendor
    assert (perplexity["value"] > 1).all()
    rare = metrics.filter(pl.col("metric") == "text_rare_prob")["value"]
    assert ((rare > 0) & (rare < 1)).all()


def test_same_seed_gives_identical_text_and_metrics(overrides):
    end = {"end": "2019-12"}
    first, second = _run(overrides, **end), _run(overrides, **end)
    a, b = first.text_pages.texts.all(), second.text_pages.texts.all()
    np.testing.assert_array_equal(a.ids, b.ids)
    np.testing.assert_array_equal(a.offsets, b.offsets)
    assert first.recorder.to_frame().equals(second.recorder.to_frame())
    other = _run(overrides, seed=4, **end).text_pages.texts.all()
    assert not (len(other.ids) == len(a.ids) and (other.ids == a.ids).all())


CLOSED = {"vendors.Second.entry": "2030-01", "vendors.Third.entry": "2030-01", "farms.candidates_per_month": 0,
          "humans.assistant.innovation": 0.0, "humans.assistant.imitation": 0.0, "end": "2021-06",
          "vendors.Pioneer.retrain_every": 3, "vendors.Pioneer.train_size": 400,
          "vendors.Pioneer.crawler.fresh_share": 1.0}


def test_a_model_fed_its_own_output_does_worse_on_held_out_human_text_than_one_fed_human_text(overrides):
    """The closed loop inside the ecosystem: once humans stop writing, the vendor's crawl is its own pages."""
    own = _run(overrides, **CLOSED, **{"humans.stop": "2019-06", "vendors.Pioneer.publish_per_month": 400})
    clean = _run(overrides, **CLOSED, **{"vendors.Pioneer.publish_per_month": 0})

    def last(model: EcosystemModel, metric: str) -> float:
        frame = model.recorder.to_frame().filter(pl.col("entity") == "Pioneer", pl.col("metric") == metric)
        return float(frame["value"][-1])

    assert last(own, "train_share_own") > 0.9 and last(clean, "train_synthetic_share") == 0.0
    assert last(own, "text_perplexity") > 1.2 * last(clean, "text_perplexity")
    assert last(own, "text_rare_prob") < last(clean, "text_rare_prob")


@pytest.mark.parametrize(("change", "message"), [
    ({"reality.kind": "gaussian"}, "vendors.Pioneer.model: ngram needs page text, which only a text reality has"),
    ({"vendors.Pioneer.model": "gpt"}, "vendors.0.model"),
    ({"text.page_tokens": 2}, "text.page_tokens"),
])
def test_config_errors_name_the_field(overrides, change, message):
    with pytest.raises(ScenarioError, match=message.replace(".", r"\.")):
        load_scenario(TEXT_WEB, overrides={**overrides, **change})


def test_page_text_settings_without_a_language_model_are_refused(tiny_path):
    with pytest.raises(ScenarioError, match=r"text: pages carry text only with a language-model vendor"):
        load_scenario(tiny_path, overrides={"text.page_tokens": 32})


def test_a_gaussian_vendor_writes_no_text_and_its_dump_is_unchanged(tiny):
    """Default scenarios keep their run: no page text, no text metric, and ``model`` left out of the dump."""
    assert not tiny.language_models and "model" not in tiny.model_dump()["vendors"][0]
    assert "text" not in tiny.model_dump()
    model = EcosystemModel(tiny)
    model.step()
    assert model.text_pages is None


def test_static_embedding_agrees_with_full_minilm_on_held_out_documents(web):
    agreement = web.text_pages.text.agreement(web.text_pages.world)
    chance = 1.0 / web.reality.n_topics
    assert agreement.similarity_correlation > 0.5
    assert agreement.topic_accuracy_static > 3 * chance


def test_reading_a_language_model_vendor_shows_its_own_words_beside_a_persons(overrides):
    scenario = load_scenario(TEXT_WEB, overrides={**overrides, "end": "2019-12"})
    reading = read_vendor(scenario, vendor="Pioneer", at=dt.date(2019, 12, 1), n=6)
    assert len(reading.pages) == 6
    assert len({page.topic for page in reading.pages}) == 6  # distinct topics of the corpus
    assert {page.topic for page in reading.pages} <= set(TOPICS)
    assert all(page.prompt and page.human for page in reading.pages)
    written = [page.written for page in reading.pages if page.written]  # a model may end a page at once
    assert len(written) >= 4 and not {page.written for page in reading.pages} & {page.human for page in reading.pages}


def test_an_assisted_page_is_the_writers_draft_up_to_its_keep_share_then_the_models_words(web):
    store, pages, text = web.store, web.text_pages.texts, web.text_pages.text
    origin, topic, ai_share = store.column("origin"), store.column("topic"), store.column("ai_share")
    vendor = store.column("vendor")
    assisted = np.flatnonzero((origin == Origin.ASSISTED) & (vendor != 1))[:60]  # by the language models
    assert len(assisted) >= 10
    matched = 0
    for row in assisted:
        page = pages.take(np.array([row])).ids
        for d in np.flatnonzero(text.topic == topic[row]):
            draft = text.docs.doc(d)
            keep = int(round((1.0 - ai_share[row]) * len(draft)))
            if len(page) <= len(draft) and np.array_equal(page[:keep], draft[:keep]):
                matched += 1
                break
    assert matched == len(assisted)


def test_a_gaussian_vendor_on_a_text_web_publishes_the_training_documents_nearest_its_samples(web):
    store, pages, text = web.store, web.text_pages.texts, web.text_pages.text
    rows = np.flatnonzero((store.column("origin") == Origin.VENDOR) & (store.column("vendor") == 1))[:40]
    assert len(rows)
    train = {tuple(text.docs.doc(i)) for i in text.train}
    assert all(tuple(pages.take(np.array([r])).ids) in train for r in rows)


def test_a_page_ends_at_its_last_full_sentence_when_that_keeps_half_of_it():
    docs = TokenDocs.from_lists([[5, 6, 9, 7, 8, 9, 10, 11], [5, 6, 7], [5, 6, 7, 8, 9, 10], [9, 5, 6, 7, 8, 9], []])
    cut = clip_to_sentences(docs, 5, np.array([9]))
    assert [cut.doc(i).tolist() for i in range(len(cut))] == [[5, 6, 9], [5, 6, 7], [5, 6, 7, 8, 9],
                                                              [9, 5, 6, 7, 8], []]
