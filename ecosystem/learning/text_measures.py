"""What a language model's output and scores say about collapse, measured on token ids.

Diversity of generated text (distinct-n, Li et al. 2016; vocabulary size), degeneration (the share of a
document's 4-grams that repeat one earlier in the same document, Holtzman et al. 2020), and the rare words
of the human training text: how often the output uses them, and how likely the model finds them where people
wrote them. Every function takes documents as ``TokenDocs`` and returns a plain number.
"""

from __future__ import annotations

import numpy as np

from ecosystem.learning.tokens import EOS, SPECIALS, TokenDocs


def ngram_keys(docs: TokenDocs, n: int, vocab_size: int) -> tuple[np.ndarray, np.ndarray]:
    """(int64 key, document) of every n-gram lying inside one document."""
    if vocab_size ** n >= 2**62:
        raise ValueError(f"{n}-grams over {vocab_size} ids do not fit in an int64 key")
    count = max(docs.n_tokens - n + 1, 0)
    doc = docs.doc_index()
    start = np.arange(count)
    inside = doc[start] == doc[start + n - 1] if count else np.zeros(0, dtype=bool)
    start = start[inside]
    key = np.zeros(len(start), dtype=np.int64)
    for j in range(n):
        key = key * vocab_size + docs.ids[start + j]
    return key, doc[start]


def distinct_n(docs: TokenDocs, n: int, vocab_size: int) -> float:
    """Distinct n-grams over all n-grams (NaN without any)."""
    key, _ = ngram_keys(docs, n, vocab_size)
    return float(len(np.unique(key)) / len(key)) if len(key) else float("nan")


def repeated_ngram_share(docs: TokenDocs, n: int, vocab_size: int) -> float:
    """Share of n-grams that already occurred earlier in the same document (NaN without any)."""
    key, doc = ngram_keys(docs, n, vocab_size)
    if not len(key):
        return float("nan")
    order = np.lexsort((key, doc))
    key, doc = key[order], doc[order]
    repeat = (key[1:] == key[:-1]) & (doc[1:] == doc[:-1])
    return float(repeat.sum() / len(key))


def word_types(docs: TokenDocs, words: np.ndarray | None = None) -> int:
    """How many distinct words (ids past the specials) the documents use; only those in ``words`` if given."""
    used = np.unique(docs.ids[docs.ids >= len(SPECIALS)])
    return int(len(used) if words is None else np.isin(used, words).sum())


def share_of(docs: TokenDocs, words: np.ndarray) -> float:
    """Share of the documents' tokens that are in ``words`` (NaN for no tokens)."""
    return float(np.isin(docs.ids, words).mean()) if docs.n_tokens else float("nan")


def mean_probability(log_prob: np.ndarray, targets: np.ndarray, words: np.ndarray) -> float:
    """Geometric mean probability given to the tokens of ``targets`` that are in ``words`` (``log_prob`` and
    ``targets`` aligned as ``TextModel.log_prob`` and ``TokenDocs.with_ends`` give them)."""
    chosen = predicted_words(targets, words)
    return float(np.exp(log_prob[chosen].mean())) if chosen.any() else float("nan")


def predicted_words(targets: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Which predicted tokens are among ``words`` (a document's end never is)."""
    return np.isin(targets, words) & (targets != EOS)


def mean_log_by_group(log_prob: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Mean of ``log_prob`` within each group (0 .. n_groups - 1) in one pass; NaN for a group with none."""
    count = np.bincount(group, minlength=n_groups)[:n_groups]
    total = np.bincount(group, weights=log_prob, minlength=n_groups)[:n_groups]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)
