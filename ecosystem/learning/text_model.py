"""What any language model of the simulation offers: fit on token ids, sample text, score text.

The closed-loop experiments and a language-model vendor only use this protocol, so a neural model (a small
torch transformer on the GPU or the CPU) can replace the n-gram model as another kind without changing them.
Conventions follow scikit-learn: options in ``__init__``, learned state set by ``fit`` (which returns the
model), randomness only from the generator passed in.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from ecosystem.learning.tokens import TokenDocs


@runtime_checkable
class TextModel(Protocol):
    vocab_size: int  # ids are 0 .. vocab_size - 1 (ecosystem.learning.tokens: 0-2 are <unk>, <s>, </s>)

    def fit(self, docs: TokenDocs) -> TextModel:
        """Learn from whole documents (each implicitly starts with <s> and ends with </s>)."""
        ...

    def log_prob(self, docs: TokenDocs) -> np.ndarray:
        """Natural log-probability of every token of every document and of each document's </s>, in order."""
        ...

    def sample(self, n: int, *, rng: np.random.Generator, temperature: float = 1.0, max_tokens: int = 256,
               prompts: TokenDocs | None = None) -> TokenDocs:
        """``n`` documents, each continuing its prompt (if given; the prompt is not repeated in the output)
        until </s> or ``max_tokens`` tokens. Probabilities are raised to 1 / temperature and renormalised."""
        ...


def perplexity(model: TextModel, docs: TokenDocs) -> float:
    """exp of the mean negative log-likelihood per predicted token (each word and each document's end)."""
    return float(np.exp(-model.log_prob(docs).mean()))
