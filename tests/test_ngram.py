"""The Kneser-Ney n-gram model: counts, discounts and probabilities checked by hand on a tiny corpus, exact
sampling at a temperature, perplexity, reproducibility, and collapse when it trains on its own output."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from text_corpus import SAMPLE

from ecosystem.learning.ngram import KneserNeyLM, discounts
from ecosystem.learning.text_model import TextModel, perplexity
from ecosystem.learning.tokens import BOS, EOS, UNK, TokenDocs, Vocabulary

A, B, C = 3, 4, 5  # ids of the hand example's words after <unk>, <s>, </s>
V = 6


@pytest.fixture(scope="module")
def tiny() -> KneserNeyLM:
    """Bigrams of "a b", "a b", "a c": by hand, in the comments of the tests below."""
    return KneserNeyLM(vocab_size=V, order=2, discount="plain").fit(TokenDocs.from_lists([[A, B], [A, B], [A, C]]))


def test_counts_and_discounts_by_hand(tiny):
    bigrams, unigrams = tiny.tables_[1], tiny.tables_[0]
    raw = {(int(k) // V, int(k) % V): int(c) for k, c in zip(bigrams.keys, bigrams.counts, strict=True)}
    assert raw == {(BOS, A): 3, (A, B): 2, (A, C): 1, (B, EOS): 2, (C, EOS): 1}
    # continuation counts: distinct words before each word (</s> follows b and c)
    assert dict(zip(unigrams.keys.tolist(), unigrams.counts.tolist(), strict=True)) == {EOS: 2, A: 1, B: 1, C: 1}
    # plain discounts n1 / (n1 + 2 n2): bigrams n1 = 2, n2 = 2 -> 1/3; unigrams n1 = 3, n2 = 1 -> 0.6
    np.testing.assert_allclose(bigrams.discounts[1:], [1 / 3] * 3)
    np.testing.assert_allclose(unigrams.discounts[1:], [0.6] * 3)


def test_probabilities_by_hand(tiny):
    # unigram: (c - 0.6) / 5 + gamma / 5 with gamma = 0.6 * 4 / 5 = 0.48, over the 5 ids that can follow
    p1 = {A: 0.176, B: 0.176, C: 0.176, EOS: 0.376, UNK: 0.096}
    np.testing.assert_allclose(tiny.unigram_[list(p1)], list(p1.values()))
    # after a: c(a .) = 3, gamma = 2 * (1/3) / 3 = 2/9
    after_a = tiny.next_distribution(np.array([A]))
    expected = {B: (2 - 1 / 3) / 3 + 2 / 9 * 0.176, C: (1 - 1 / 3) / 3 + 2 / 9 * 0.176, EOS: 2 / 9 * 0.376,
                A: 2 / 9 * 0.176, UNK: 2 / 9 * 0.096, BOS: 0.0}
    np.testing.assert_allclose(after_a[list(expected)], list(expected.values()))


@pytest.mark.parametrize("order", [1, 2, 3, 4])
@pytest.mark.parametrize("discount", ["modified", "plain"])
def test_next_word_probabilities_sum_to_one(order, discount, sample_ids):
    vocab, docs = sample_ids
    model = KneserNeyLM(vocab_size=len(vocab), order=order, discount=discount).fit(docs)
    contexts = [[], [vocab.words.index("the")], [vocab.words.index("return"), vocab.words.index("the")],
                [UNK, UNK, UNK], docs.doc(5)[:3]]
    for context in contexts:
        p = model.next_distribution(np.array(context))
        assert p.sum() == pytest.approx(1.0, abs=1e-12) and p.min() >= 0 and p[BOS] == 0
        assert (p[np.arange(len(vocab)) != BOS] > 0).all()  # every word keeps some probability


def test_modified_discounts_from_count_of_counts():
    # n1 = 4, n2 = 2, n3 = 2, n4 = 1: Y = 4 / 8; D1 = 1 - 2Y n2/n1, D2 = 2 - 3Y n3/n2, D3+ = 3 - 4Y n4/n3
    counts = np.array([1, 1, 1, 1, 2, 2, 3, 3, 4, 9])
    np.testing.assert_allclose(discounts(counts, "modified"), [0, 0.5, 0.5, 2.0])
    np.testing.assert_allclose(discounts(counts, "plain"), [0, 0.5, 0.5, 0.5])
    np.testing.assert_allclose(discounts(np.array([1, 1, 2, 5]), "modified"), [0, 0.5, 0.5, 0.5])  # n3 = 0


def test_perplexity_is_exp_of_mean_nll(tiny):
    # "a b": a after <s> (c = 3, gamma = 1/9), b after a, </s> after b (c = 2, gamma = 1/6)
    by_hand = [(3 - 1 / 3) / 3 + 1 / 9 * 0.176, (2 - 1 / 3) / 3 + 2 / 9 * 0.176, (2 - 1 / 3) / 2 + 1 / 6 * 0.376]
    text = TokenDocs.from_lists([[A, B]])
    np.testing.assert_allclose(np.exp(tiny.log_prob(text)), by_hand)
    assert perplexity(tiny, text) == pytest.approx(math.exp(-np.mean(np.log(by_hand))))


@pytest.fixture(scope="module")
def sample_ids() -> tuple[Vocabulary, TokenDocs]:
    texts = [json.loads(line)["text"] for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    vocab = Vocabulary.build(texts)
    return vocab, vocab.encode(texts)


@pytest.fixture(scope="module")
def trigram(sample_ids) -> KneserNeyLM:
    vocab, docs = sample_ids
    return KneserNeyLM(vocab_size=len(vocab), order=3).fit(docs)


def first_words(model: KneserNeyLM, context: list[int], *, n: int, temperature: float, seed: int) -> np.ndarray:
    prompts = TokenDocs.from_lists([context] * n)
    out = model.sample(n, rng=np.random.default_rng(seed), temperature=temperature, max_tokens=1, prompts=prompts)
    first = np.full(n, EOS)
    first[out.lengths > 0] = out.ids  # one token at most each
    return first


@pytest.mark.parametrize("write_unseen", [False, True])
@pytest.mark.parametrize("temperature", [1.0, 0.6, 1.8])
def test_sampling_follows_the_tempered_distribution(sample_ids, temperature, write_unseen):
    vocab, docs = sample_ids
    # trained on half the documents, so that some words of the vocabulary are unseen
    trigram = KneserNeyLM(vocab_size=len(vocab), order=3, write_unseen=write_unseen).fit(docs.take(np.arange(150)))
    assert not trigram.seen_.all()
    context = [vocab.words.index("return"), vocab.words.index("the")]
    p = trigram.next_distribution(np.array(context)) ** (1 / temperature)
    if not write_unseen:  # p restricted to the words of the training data
        p *= trigram.seen_
    p /= p.sum()
    n = 60_000
    drawn = np.bincount(first_words(trigram, context, n=n, temperature=temperature, seed=3), minlength=len(p)) / n
    exact = np.bincount(np.random.default_rng(4).choice(len(p), n, p=p), minlength=len(p)) / n
    # the sampler is as close to p^(1/T) as exact draws from it are (total variation, sampling noise only)
    assert 0.5 * np.abs(drawn - p).sum() < 1.25 * 0.5 * np.abs(exact - p).sum()


def test_temperature_towards_zero_gives_the_argmax_and_higher_temperature_more_entropy(trigram, sample_ids):
    vocab, _ = sample_ids
    context = [vocab.words.index("return"), vocab.words.index("the")]
    argmax = int(np.argmax(trigram.next_distribution(np.array(context))))
    assert argmax != EOS
    assert (first_words(trigram, context, n=500, temperature=0.02, seed=1) == argmax).all()
    entropies = []
    for temperature in (0.5, 1.0, 2.0):
        text = trigram.sample(300, rng=np.random.default_rng(2), temperature=temperature, max_tokens=60)
        freq = np.bincount(text.ids) / text.n_tokens
        entropies.append(-(freq[freq > 0] * np.log(freq[freq > 0])).sum())
    assert entropies[0] < entropies[1] < entropies[2], entropies


def test_same_seed_same_text_other_seed_other_text(trigram):
    texts = [trigram.sample(50, rng=np.random.default_rng(s), temperature=t, max_tokens=80)
             for s, t in ((7, 1.0), (7, 1.0), (8, 1.0), (7, 0.8), (7, 0.8))]
    assert np.array_equal(texts[0].ids, texts[1].ids) and np.array_equal(texts[0].offsets, texts[1].offsets)
    assert np.array_equal(texts[3].ids, texts[4].ids)
    assert not np.array_equal(texts[0].ids[:200], texts[2].ids[:200])


def test_follows_the_text_model_protocol_and_refuses_bad_ids(trigram):
    assert isinstance(trigram, TextModel)
    with pytest.raises(ValueError, match="token ids must be in"):
        trigram.log_prob(TokenDocs.from_lists([[trigram.vocab_size]]))
    with pytest.raises(ValueError, match="V\\^order < 2\\^62"):
        KneserNeyLM(vocab_size=100_000, order=4)
    with pytest.raises(ValueError, match="temperature must be > 0"):
        trigram.sample(1, rng=np.random.default_rng(0), temperature=0.0)


def test_human_trained_model_beats_one_trained_on_its_own_output(sample_ids):
    """Five generations on its own output (replace) score held-out human text worse than generation 0."""
    vocab, docs = sample_ids
    rng = np.random.default_rng(11)
    order = rng.permutation(len(docs))
    train, test = docs.take(order[:280]), docs.take(order[280:])
    human = KneserNeyLM(vocab_size=len(vocab), order=3).fit(train)
    model = human
    for _ in range(5):
        model = KneserNeyLM(vocab_size=len(vocab), order=3).fit(model.sample(len(train), rng=rng, max_tokens=400))
    assert perplexity(human, test) < 0.8 * perplexity(model, test)
    assert human.log_prob(test).mean() > model.log_prob(test).mean()


def test_vocabulary_round_trip_and_document_store():
    vocab = Vocabulary.build(["The cat sat.", "the dog sat (twice)."])
    assert vocab.words[:4] == ("<unk>", "<s>", "</s>", ".") and vocab.words[4:6] == ("sat", "the")
    docs = vocab.encode(["the cat sat.", "a bird"])
    assert docs.lengths.tolist() == [4, 2] and docs.doc(1).tolist() == [UNK, UNK]
    assert vocab.decode(docs.doc(0)) == "the cat sat."
    both = TokenDocs.concat([docs, docs.take(np.array([1, 0]))])
    assert both.lengths.tolist() == [4, 2, 2, 4] and both.doc(3).tolist() == docs.doc(0).tolist()
    assert docs.truncated(5).lengths.tolist() == [4, 1]
