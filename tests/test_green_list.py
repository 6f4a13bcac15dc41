"""The green-list watermark on real token ids: the z-test by hand, marked sampling drawing exactly from
P e^(delta green), and on the sample corpus marked text flagged while human text stays at the test's
false-positive rate."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from text_corpus import SAMPLE

from ecosystem.learning.green_list import GreenList
from ecosystem.learning.ngram import KneserNeyLM
from ecosystem.learning.tokens import BOS, EOS, TokenDocs, Vocabulary

MARK = GreenList(gamma=0.25, delta=4.0)


def test_z_score_by_hand_scores_each_pair_with_a_predecessor_once():
    green = GreenList(gamma=0.5, delta=2.0)
    doc = [5, 6, 5, 6, 7]  # scored pairs: (5, 6), (6, 5), (6, 7); the second (5, 6) repeats, the first token has none
    pairs = np.array([[5, 6], [6, 5], [6, 7]])
    g = green.is_green(9, pairs[:, 0], pairs[:, 1]).sum()
    expected = (g - 0.5 * 3) / math.sqrt(3 * 0.5 * 0.5)
    z = green.z_scores(TokenDocs.from_lists([doc, [8], []]), 9)
    assert z[0] == pytest.approx(expected)
    assert z[1] == 0.0 and z[2] == 0.0  # nothing to score
    # a document made only of green pairs: z = (T - gamma T) / sqrt(T gamma (1 - gamma))
    words = np.arange(3, 400)
    chain = [3]
    for _ in range(30):
        nxt = words[green.is_green(9, np.full(len(words), chain[-1]), words) & ~np.isin(words, chain)][0]
        chain.append(int(nxt))
    assert green.z_scores(TokenDocs.from_lists([chain]), 9)[0] == pytest.approx(30 * 0.5 / math.sqrt(30 * 0.25))


def test_the_green_list_is_a_gamma_share_that_depends_on_key_and_previous_token():
    rng = np.random.default_rng(0)
    previous, words = rng.integers(3, 50_000, 200_000), rng.integers(3, 50_000, 200_000)
    a, b = MARK.is_green(1, previous, words), MARK.is_green(2, previous, words)
    assert a.mean() == pytest.approx(0.25, abs=0.005)
    assert (a & b).mean() == pytest.approx(0.25**2, abs=0.005)  # another key: an independent list
    shifted = MARK.is_green(1, previous + 1, words)
    assert (a & shifted).mean() == pytest.approx(0.25**2, abs=0.005)  # another previous token: another list
    with pytest.raises(ValueError, match="watermark keys"):
        MARK.is_green(-1, previous[:3], words[:3])


@pytest.fixture(scope="module")
def corpus() -> tuple[KneserNeyLM, TokenDocs]:
    texts = [json.loads(line)["text"] for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    vocab = Vocabulary.build(texts)
    docs = vocab.encode(texts)
    docs = docs.heads(np.minimum(docs.lengths, 64))
    return KneserNeyLM(vocab_size=len(vocab), order=3).fit(docs), docs


def test_marked_sampling_draws_from_p_times_e_delta_on_green_words(corpus):
    model, docs = corpus
    context = docs.doc(0)[:2]
    p = model.next_distribution(context) * model.seen_
    green = MARK.is_green(7, np.full(len(p), context[-1]), np.arange(len(p)))
    q = p * np.exp(MARK.delta * green)
    q /= q.sum()
    n = 40_000
    out = model.sample(n, rng=np.random.default_rng(1), max_tokens=1, prompts=TokenDocs.from_lists([context] * n),
                       watermark=MARK, keys=np.full(n, 7))
    first = np.full(n, EOS)
    first[out.lengths > 0] = out.ids
    drawn = np.bincount(first, minlength=len(q)) / n
    exact = np.bincount(np.random.default_rng(2).choice(len(q), n, p=q), minlength=len(q)) / n
    assert 0.5 * np.abs(drawn - q).sum() < 1.25 * 0.5 * np.abs(exact - q).sum()
    assert drawn[green].sum() > 2 * p[green].sum()  # the mark: green words far more often than unmarked


def test_marked_text_is_flagged_and_human_text_stays_at_the_false_positive_rate(corpus):
    model, docs = corpus
    n = len(docs)
    prompts = docs.heads(4)
    keys = np.where(np.arange(n) % 2 == 0, 5, -1)  # every other document marked, the rest not
    out = model.sample(n, rng=np.random.default_rng(3), temperature=0.9, max_tokens=64, prompts=prompts,
                       watermark=MARK, keys=keys)
    long = out.lengths >= 16
    z = MARK.z_scores(out, 5)
    assert (z[(keys == 5) & long] > 4).mean() > 0.8
    assert (z[(keys < 0) & long] > 4).mean() < 0.02
    assert (MARK.z_scores(out, 6)[long] > 4).mean() < 0.02  # another vendor's key finds nothing
    human = MARK.z_scores(docs, 5)
    assert abs(human.mean()) < 0.25 and 0.8 < human.std() < 1.2  # z ~ N(0, 1) on text written without the key
    assert (human > 2).mean() < 0.06  # one-sided 2.3% at z > 2
    assert MARK.flagged(out, np.array([6, 5]), 4.0).sum() >= (z > 4).sum()


def test_unmarked_rows_draw_exactly_what_sampling_without_a_watermark_draws(corpus):
    model, docs = corpus
    prompts = docs.heads(4)
    plain = model.sample(len(docs), rng=np.random.default_rng(8), max_tokens=32, prompts=prompts)
    none_marked = model.sample(len(docs), rng=np.random.default_rng(8), max_tokens=32, prompts=prompts,
                               watermark=MARK, keys=np.full(len(docs), -1))
    np.testing.assert_array_equal(plain.ids, none_marked.ids)
    with pytest.raises(ValueError, match="one key per document"):
        model.sample(2, rng=np.random.default_rng(0), watermark=MARK)
    assert BOS not in plain.ids
