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
