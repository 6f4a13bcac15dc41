"""Each observation model on a hand-built web whose answer is known: 3 human pages of 1,000 tokens and one AI
page of 200 tokens, then the same with a detector's errors (in expectation) and FineWeb's filter."""

from __future__ import annotations

import numpy as np
import pytest

from ecosystem.content.documents import DocumentStore, Origin
from ecosystem.observations import (
    FINEWEB_AI_KEEP_RATIO,
    GRAPHITE_DETECTOR,
    CrawlTokens,
    Detector,
    ahrefs_any_share,
    graphite_written_share,
    signed_share,
    wildai_token_share,
)


@pytest.fixture
def web() -> DocumentStore:
    store = DocumentStore(dim=2)
    store.begin_month(0)
    store.append(np.zeros((3, 2)), origin=Origin.HUMAN, month=0, site=np.zeros(3, int), tokens=np.full(3, 1000))
    store.append(np.zeros((1, 2)), origin=Origin.FARM, month=0, site=np.zeros(1, int), tokens=np.full(1, 200),
                 signed=True)
    return store


def test_token_share_is_ai_tokens_over_all_tokens(web):
    share = wildai_token_share(web.column("tokens"), web.column("ai_share"), fineweb=False)
    assert share == pytest.approx(200 / 3200)


def test_token_share_with_a_detectors_errors_in_expectation(web):
    detector = Detector(fpr=0.1, fnr=0.25)
    share = wildai_token_share(web.column("tokens"), web.column("ai_share"), fineweb=False, detector=detector)
    assert share == pytest.approx((200 * 0.75 + 3000 * 0.1) / 3200)


def test_fineweb_keeps_ai_pages_more_often(web):
    share = wildai_token_share(web.column("tokens"), web.column("ai_share"), fineweb=True)
    ai, human = 200 * FINEWEB_AI_KEEP_RATIO, 3000
    assert share == pytest.approx(ai / (ai + human))
    assert share > 200 / 3200


def _crawl_of_a_two_site_web(fresh_share: float, *, fineweb: bool = False) -> dict[str, float]:
    """Site 0 (search weight 1) and site 1 (weight 3). Older pages: two human pages of 100 tokens on site 0, one
    AI page of 300 on site 1. New this month: an AI page of 50 tokens on site 0, a human page of 200 on site 1."""
    crawl, weight = CrawlTokens(), np.array([1.0, 3.0])
    crawl.observe(np.array([100, 100, 300]), np.array([0.0, 0.0, 1.0]), np.array([0, 0, 1]), weight,
                  fresh_share=fresh_share, fineweb=fineweb)
    return crawl.observe(np.array([50, 200]), np.array([1.0, 0.0]), np.array([0, 1]), weight,
                         fresh_share=fresh_share, fineweb=fineweb)


def test_the_crawl_mixes_new_and_older_pages_each_picked_by_its_sites_weight():
    # A crawled new page: site 0 with chance 1/4 (AI, 50 tokens), site 1 with 3/4 (human, 200 tokens).
    # A crawled older page: weights 1 x 2 pages and 3 x 1 page: 2/5 a human page of 100, 3/5 the AI page of 300.
    new = {"ai": 1 / 4, "tokens": 50 / 4 + 200 * 3 / 4, "ai_tokens": 50 / 4}
    older = {"ai": 3 / 5, "tokens": 100 * 2 / 5 + 300 * 3 / 5, "ai_tokens": 300 * 3 / 5}
    f = 0.25
    mix = {k: f * new[k] + (1 - f) * older[k] for k in new}
    observed = _crawl_of_a_two_site_web(f)
    assert observed["wildai_ai_token_share"] == pytest.approx(mix["ai_tokens"] / mix["tokens"])
    assert observed["wildai_ai_doc_tokens"] == pytest.approx(mix["ai_tokens"] / mix["ai"])
    assert observed["wildai_human_doc_tokens"] == pytest.approx((mix["tokens"] - mix["ai_tokens"]) / (1 - mix["ai"]))


def test_the_crawls_share_moves_with_its_fresh_share_and_the_first_month_is_all_new():
    assert _crawl_of_a_two_site_web(1.0)["wildai_ai_token_share"] == pytest.approx(50 / (50 + 600))
    assert _crawl_of_a_two_site_web(0.0)["wildai_ai_token_share"] == pytest.approx(900 / (200 + 900))
    first = CrawlTokens().observe(np.array([100, 300]), np.array([0.0, 1.0]), np.array([0, 1]), np.ones(2),
                                  fresh_share=0.1, fineweb=False)
    assert first["wildai_ai_token_share"] == pytest.approx(300 / 400)


def test_fineweb_weighs_the_crawls_ai_documents_by_its_keep_ratio():
    observed = _crawl_of_a_two_site_web(1.0, fineweb=True)
    ai = 50 * FINEWEB_AI_KEEP_RATIO
    assert observed["wildai_ai_token_share"] == pytest.approx(ai / (ai + 600))


def test_a_mixed_page_counts_as_human_tokens():
    share = wildai_token_share(np.array([1000, 1000]), np.array([0.4, 0.9]), fineweb=False)
    assert share == pytest.approx(0.5)


def test_graphite_calls_pages_ai_above_half_with_its_rates(web):
    ai_share = web.column("ai_share")
    expected = (1 * (1 - GRAPHITE_DETECTOR.fnr) + 3 * GRAPHITE_DETECTOR.fpr) / 4
    assert graphite_written_share(ai_share) == pytest.approx(expected)
    assert graphite_written_share(np.array([0.5, 0.51]), Detector(fpr=0.0, fnr=0.0)) == pytest.approx(0.5)


def test_ahrefs_counts_any_ai_text_and_c2pa_counts_signed_pages(web):
    assert ahrefs_any_share(np.array([0.0, 0.01, 0.0, 1.0])) == pytest.approx(0.5)
    assert ahrefs_any_share(web.column("ai_share")) == pytest.approx(0.25)
    assert signed_share(web.column("signed")) == pytest.approx(0.25)


def test_an_empty_sample_reads_zero():
    empty = np.array([])
    assert wildai_token_share(empty, empty, fineweb=True) == 0.0
    assert graphite_written_share(empty) == ahrefs_any_share(empty) == signed_share(empty) == 0.0


def test_a_run_writes_the_observation_metrics(tiny_run):
    names = set(tiny_run.metrics.filter(tiny_run.metrics["kind"] == "web")["metric"].unique())
    assert {"wildai_ai_token_share", "wildai_ai_doc_tokens", "wildai_human_doc_tokens", "graphite_ai_written_share",
            "ahrefs_ai_any_share", "c2pa_signed_share"} <= names
    values = tiny_run.metrics.filter(tiny_run.metrics["metric"] == "wildai_ai_token_share")["value"]
    assert ((values >= 0) & (values <= 1)).all()
