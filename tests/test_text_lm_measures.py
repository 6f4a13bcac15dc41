"""The measures of generated text, checked by hand on tiny documents."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ecosystem.learning.text_measures import (
    distinct_n,
    mean_probability,
    repeated_ngram_share,
    share_of,
    word_types,
)
from ecosystem.learning.tokens import EOS, TokenDocs

V = 10
DOCS = TokenDocs.from_lists([[3, 4, 5, 3, 4, 5, 3], [3, 4, 5], [6]])


def test_distinct_n_counts_ngrams_inside_documents_only():
    # unigrams: 11 tokens, 4 distinct; bigrams: 6 + 2 + 0 = 8, distinct (3,4) (4,5) (5,3) = 3
    assert distinct_n(DOCS, 1, V) == 4 / 11
    assert distinct_n(DOCS, 2, V) == 3 / 8
    assert math.isnan(distinct_n(TokenDocs.from_lists([[3]]), 2, V))


def test_repeated_ngrams_are_repeats_within_a_document():
    # 4-grams of the first document: 3453 4534 5345 3453 -> one repeat; the second is too short
    assert repeated_ngram_share(DOCS, 4, V) == 1 / 4
    # a 3-gram of the second document repeating one of the first is not a repeat
    assert repeated_ngram_share(DOCS, 3, V) == 2 / 6


def test_word_types_share_and_mean_probability():
    assert word_types(DOCS) == 4 and word_types(DOCS, np.array([5, 6, 9])) == 2
    assert share_of(DOCS, np.array([6])) == 1 / 11
    targets = DOCS.with_ends()
    assert targets.tolist() == [3, 4, 5, 3, 4, 5, 3, EOS, 3, 4, 5, EOS, 6, EOS]
    log_prob = np.log(np.full(len(targets), 0.5))
    log_prob[targets == 6] = np.log(0.125)
    assert mean_probability(log_prob, targets, np.array([6])) == pytest.approx(0.125)
    expected = math.exp((4 * np.log(0.5) + np.log(0.125)) / 5)  # four 3s and one 6
    assert mean_probability(log_prob, targets, np.array([3, 6])) == pytest.approx(expected)


def test_per_topic_measures_are_each_topics_own_and_average_back_to_the_whole():
    """Perplexity and rare-word probability per topic, from one pass over the tokens: each equals the measure
    taken on that topic's documents alone, and their token-weighted mean in log space is the whole's."""
    from ecosystem.learning.lm_measures import measure_language_model
    from ecosystem.learning.ngram import KneserNeyLM
    from ecosystem.learning.text_model import perplexity

    a, b, c = 3, 4, 5
    model = KneserNeyLM(vocab_size=6, order=2, discount="plain").fit(TokenDocs.from_lists([[a, b], [a, b], [a, c]]))
    test = TokenDocs.from_lists([[a, b], [c], [a, c, b], [b, b]])
    test_topics = np.array([0, 2, 0, 2])  # topic 1 has no held-out document
    train = TokenDocs.from_lists([[a, b], [a, c], [c, c]])
    train_topics = np.array([1, 0, 2])
    rare = np.array([c])
    probe = TokenDocs.from_lists([[a, b, c, a, b, c]])
    m = measure_language_model(model, test=test, train=train, rare=rare, probe=probe, test_topics=test_topics,
                               train_topics=train_topics, n_topics=3)
    for k in (0, 2):
        own = test.take(np.flatnonzero(test_topics == k))
        assert m[f"topic_{k}_text_perplexity"] == pytest.approx(perplexity(model, own))
    assert "topic_1_text_perplexity" not in m and "topic_1_text_rare_prob" not in m  # nothing to score
    for k in (0, 2):
        own = train.take(np.flatnonzero(train_topics == k))
        assert m[f"topic_{k}_text_rare_prob"] == pytest.approx(
            mean_probability(model.log_prob(own), own.with_ends(), rare))
    tokens = np.array([sum(test.lengths[test_topics == k] + 1) for k in (0, 2)])  # words and each </s>
    logs = np.log([m["topic_0_text_perplexity"], m["topic_2_text_perplexity"]])
    assert math.exp(tokens @ logs / tokens.sum()) == pytest.approx(m["text_perplexity"])
    rare_tokens = np.array([1, 2])  # c in topic 0's training document, c c in topic 2's
    logs = np.log([m["topic_0_text_rare_prob"], m["topic_2_text_rare_prob"]])
    assert math.exp(rare_tokens @ logs / rare_tokens.sum()) == pytest.approx(m["text_rare_prob"])
    whole = measure_language_model(model, test=test, train=train, rare=rare, probe=probe)
    assert whole == {k: v for k, v in m.items() if not k.startswith("topic_")}  # the whole's unchanged
