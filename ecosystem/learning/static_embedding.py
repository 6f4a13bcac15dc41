"""A static embedding made from a sentence-transformers model: fast enough to place every generated page.

Embedding each page with MiniLM would cost a transformer pass per page, every month. Instead each vocabulary
word is embedded once with the model (``embed_texts``, cached on disk like the corpus embeddings), a page is
the mean of its words' vectors, and a ridge regression fitted on real training documents maps that mean to
where MiniLM, reduced by the reality's PCA, puts the same document. The map is linear, so it folds into the
word table: a page's position is the mean of its words' rows of a (vocabulary, d) table plus a constant.
``agreement`` measures how closely this follows full MiniLM on held-out documents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecosystem.learning.tokens import SPECIALS, TokenDocs

RIDGE_ALPHAS = np.logspace(-3, 3, 13)


def mean_rows(table: np.ndarray, docs: TokenDocs) -> np.ndarray:
    """Each document's mean of ``table[id]`` over its tokens (a zero row for an empty document)."""
    cumulative = np.zeros((docs.n_tokens + 1, table.shape[1]))
    np.cumsum(table[docs.ids], axis=0, out=cumulative[1:])
    sums = cumulative[docs.offsets[1:]] - cumulative[docs.offsets[:-1]]
    return sums / np.maximum(docs.lengths, 1)[:, None]


@dataclass(frozen=True)
class StaticEmbedding:
    """``table_[w]``: word w's contribution; a document is ``intercept_`` + the mean of its words' rows."""

    table_: np.ndarray  # (vocabulary, d)
    intercept_: np.ndarray  # (d,)
    alpha_: float  # the ridge penalty chosen by leave-one-out cross-validation

    @classmethod
    def fit(cls, word_vectors: np.ndarray, docs: TokenDocs, targets: np.ndarray) -> StaticEmbedding:
        """Ridge map from the mean word vector of each of ``docs`` to its ``targets`` row (specials count
        for nothing: their rows are zero)."""
        from sklearn.linear_model import RidgeCV

        words = np.asarray(word_vectors, dtype=np.float64).copy()
        words[:len(SPECIALS)] = 0.0
        ridge = RidgeCV(alphas=RIDGE_ALPHAS).fit(mean_rows(words, docs), targets)
        return cls(words @ ridge.coef_.T, np.asarray(ridge.intercept_, dtype=np.float64), float(ridge.alpha_))

    def transform(self, docs: TokenDocs) -> np.ndarray:
        return mean_rows(self.table_, docs) + self.intercept_


@dataclass(frozen=True)
class Agreement:
    """How the static embedding agrees with full MiniLM (both in the reality's space) on held-out documents."""

    docs: int
    similarity_correlation: float  # Pearson correlation of the two embeddings' pairwise cosine similarities
    r2: float  # share of MiniLM's variance (about its mean) the static embedding reproduces
    topic_accuracy_static: float  # share whose most likely topic under P, from the static embedding, is theirs
    topic_accuracy_full: float  # the same from full MiniLM


def agreement(static: np.ndarray, full: np.ndarray, topics: np.ndarray, responsibilities) -> Agreement:
    """``static`` and ``full``: the same documents in the reality's space; ``responsibilities(x)``: P's topic
    probabilities of each row (``Mixture.responsibilities``)."""
    def cosines(x: np.ndarray) -> np.ndarray:
        unit = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
        return (unit @ unit.T)[np.triu_indices(len(x), k=1)]

    centre = full.mean(axis=0)
    r2 = 1.0 - ((full - static) ** 2).sum() / ((full - centre) ** 2).sum()
    return Agreement(
        docs=len(full),
        similarity_correlation=float(np.corrcoef(cosines(static - centre), cosines(full - centre))[0, 1]),
        r2=float(r2),
        topic_accuracy_static=float(np.mean(responsibilities(static).argmax(axis=1) == topics)),
        topic_accuracy_full=float(np.mean(responsibilities(full).argmax(axis=1) == topics)),
    )
