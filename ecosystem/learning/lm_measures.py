"""What a language-model vendor's model is worth on real text, measured each time it retrains.

The closed loop's measures (``text_measures``), taken on the run's own split: perplexity on the held-out
human documents (never published, so no model trained on them); rare-word survival, the geometric mean
probability the model gives the rare words where people wrote them in the training documents; and, on a
probe of documents it writes from prompts of topics drawn by reality's weights, repeated 4-grams, distinct
bigrams, the words it uses and the rare words' share of its tokens. With the documents' topics, perplexity and
rare-word survival are also taken per topic, from the same token scores (their token-weighted mean in log
space is the whole's). Names are the metric contract's (``vendor.<vendor>.text_*`` and
``vendor.<vendor>.topic_<k>_text_*``, ``ecosystem.metric_table``).
"""

from __future__ import annotations

import numpy as np

from ecosystem.learning.text_measures import (
    distinct_n,
    mean_log_by_group,
    mean_probability,
    predicted_words,
    repeated_ngram_share,
    share_of,
    word_types,
)
from ecosystem.learning.text_model import TextModel
from ecosystem.learning.tokens import TokenDocs

MEASURES = ("text_perplexity", "text_rare_prob", "text_repeated_4gram_share", "text_distinct_2", "text_vocabulary",
            "text_rare_share")
TOPIC_MEASURES = ("text_perplexity", "text_rare_prob")  # per topic: topic_<k>_text_perplexity, ...


def measure_language_model(model: TextModel, *, test: TokenDocs, train: TokenDocs, rare: np.ndarray,
                           probe: TokenDocs, test_topics: np.ndarray | None = None,
                           train_topics: np.ndarray | None = None, n_topics: int = 0) -> dict[str, float]:
    """The measures above; ``probe``: what the model wrote to be measured. With ``test_topics`` and
    ``train_topics`` (each document's topic, 0 .. n_topics - 1) also ``topic_<k>_text_perplexity`` and
    ``topic_<k>_text_rare_prob`` for every topic that has tokens to score."""
    v = model.vocab_size
    log_test, log_train = model.log_prob(test), model.log_prob(train)
    targets = train.with_ends()
    measures = {
        "text_perplexity": float(np.exp(-log_test.mean())),
        "text_rare_prob": mean_probability(log_train, targets, rare),
        "text_repeated_4gram_share": repeated_ngram_share(probe, 4, v),
        "text_distinct_2": distinct_n(probe, 2, v),
        "text_vocabulary": float(word_types(probe)),
        "text_rare_share": share_of(probe, rare),
    }
    if test_topics is None or train_topics is None:
        return measures
    # every predicted token (each word and each document's </s>) carries its document's topic
    test_group = np.repeat(np.asarray(test_topics, dtype=np.int64), test.lengths + 1)
    perplexity = np.exp(-mean_log_by_group(log_test, test_group, n_topics))
    chosen = predicted_words(targets, rare)
    train_group = np.repeat(np.asarray(train_topics, dtype=np.int64), train.lengths + 1)
    rare_prob = np.exp(mean_log_by_group(log_train[chosen], train_group[chosen], n_topics))
    for name, values in (("text_perplexity", perplexity), ("text_rare_prob", rare_prob)):
        measures |= {f"topic_{k}_{name}": float(values[k]) for k in np.flatnonzero(np.isfinite(values))}
    return measures
