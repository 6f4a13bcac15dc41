"""What a language-model vendor's model is worth on real text, measured each time it retrains.

The closed loop's measures (``text_measures``), taken on the run's own split: perplexity on the held-out
human documents (never published, so no model trained on them); rare-word survival, the geometric mean
probability the model gives the rare words where people wrote them in the training documents; and, on a
probe of documents it writes from prompts of topics drawn by reality's weights, repeated 4-grams, distinct
bigrams, the words it uses and the rare words' share of its tokens. Names are the metric contract's
(``vendor.<vendor>.text_*``, ``ecosystem.metric_table``).
"""

from __future__ import annotations

import numpy as np

from ecosystem.learning.text_measures import distinct_n, mean_probability, repeated_ngram_share, share_of, word_types
from ecosystem.learning.text_model import TextModel, perplexity
from ecosystem.learning.tokens import TokenDocs

MEASURES = ("text_perplexity", "text_rare_prob", "text_repeated_4gram_share", "text_distinct_2", "text_vocabulary",
            "text_rare_share")


def measure_language_model(model: TextModel, *, test: TokenDocs, train: TokenDocs, rare: np.ndarray,
                           probe: TokenDocs) -> dict[str, float]:
    """The measures above; ``probe``: what the model wrote to be measured."""
    v = model.vocab_size
    return {
        "text_perplexity": perplexity(model, test),
        "text_rare_prob": mean_probability(model.log_prob(train), train.with_ends(), rare),
        "text_repeated_4gram_share": repeated_ngram_share(probe, 4, v),
        "text_distinct_2": distinct_n(probe, 2, v),
        "text_vocabulary": float(word_types(probe)),
        "text_rare_share": share_of(probe, rare),
    }
