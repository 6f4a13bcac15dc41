"""Words as integer ids: a fixed vocabulary and documents stored as one flat id array with offsets.

A language model trained generation after generation handles millions of tokens; holding them as one
``int32`` array plus document offsets (a ragged, columnar layout) keeps counting, subsetting and sampling
in numpy, never in per-token Python strings. Tokenising runs in polars (a regex over all texts at once).
The vocabulary is fixed by the human training text, so every generation's model is scored on the same ids:
a word the models stop producing stays in the vocabulary with (almost) no probability, which is collapse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

# Lower-cased words (letters, digits, underscore) and single punctuation marks.
TOKEN_PATTERN = r"\w+|[^\w\s]"
UNK, BOS, EOS = 0, 1, 2  # unknown word, start of a document (padding only, never predicted), end of a document
SPECIALS = ("<unk>", "<s>", "</s>")
_NO_SPACE_BEFORE = frozenset(".,:;)]}!?")
_NO_SPACE_AFTER = frozenset("([{")


def tokenize(texts: Sequence[str]) -> pl.Series:
    """One list of lower-cased tokens per text."""
    return pl.Series("tokens", list(texts), dtype=pl.Utf8).str.to_lowercase().str.extract_all(TOKEN_PATTERN)


@dataclass(frozen=True)
class TokenDocs:
    """Documents as token ids: document ``i`` is ``ids[offsets[i]:offsets[i + 1]]`` (no BOS/EOS stored)."""

    ids: np.ndarray  # int32, every document's tokens end to end
    offsets: np.ndarray  # int64, n_docs + 1, starting at 0

    @classmethod
    def from_lists(cls, docs: Sequence[Sequence[int]]) -> TokenDocs:
        lengths = np.array([len(d) for d in docs], dtype=np.int64)
        ids = np.concatenate([np.asarray(d, dtype=np.int32) for d in docs]) if len(docs) else np.empty(0, np.int32)
        return cls(ids.astype(np.int32, copy=False), np.concatenate([[0], np.cumsum(lengths)]))

    @classmethod
    def empty(cls) -> TokenDocs:
        return cls(np.empty(0, dtype=np.int32), np.zeros(1, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    @property
    def n_tokens(self) -> int:
        return int(self.offsets[-1])

    def doc(self, i: int) -> np.ndarray:
        return self.ids[self.offsets[i]:self.offsets[i + 1]]

    def doc_index(self) -> np.ndarray:
        """The document each token belongs to."""
        return np.repeat(np.arange(len(self), dtype=np.int64), self.lengths)

    def with_ends(self) -> np.ndarray:
        """Every document's ids followed by </s>: the tokens a model predicts, in ``log_prob``'s order."""
        out = np.full(self.n_tokens + len(self), EOS, dtype=np.int32)
        out[np.arange(self.n_tokens) + self.doc_index()] = self.ids
        return out

    def take(self, indices: np.ndarray) -> TokenDocs:
        """The documents at ``indices``, in that order (repeats allowed), without a Python loop."""
        indices = np.asarray(indices, dtype=np.int64)
        return self._gather(self.offsets[indices], self.lengths[indices])

    def heads(self, limits: np.ndarray | int) -> TokenDocs:
        """Each document's first ``limits`` tokens (one limit per document, or one for all)."""
        return self._gather(self.offsets[:-1], np.minimum(self.lengths, limits))

    def _gather(self, starts: np.ndarray, lengths: np.ndarray) -> TokenDocs:
        """Documents of ``lengths[i]`` ids read from ``starts[i]`` on."""
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        shift = np.repeat(starts - offsets[:-1], lengths)
        return TokenDocs(self.ids[np.arange(offsets[-1], dtype=np.int64) + shift], offsets)

    def truncated(self, n_tokens: int) -> TokenDocs:
        """The first documents holding ``n_tokens`` tokens in all (the last one cut), or all of them."""
        if n_tokens >= self.n_tokens:
            return self
        last = int(np.searchsorted(self.offsets, n_tokens, side="left"))
        offsets = self.offsets[:last + 1].copy()
        offsets[-1] = n_tokens
        return TokenDocs(self.ids[:n_tokens], offsets)

    @staticmethod
    def concat(parts: Sequence[TokenDocs]) -> TokenDocs:
        if not parts:
            return TokenDocs.empty()
        shifts = np.cumsum([0] + [p.n_tokens for p in parts[:-1]])
        offsets = np.concatenate([[0]] + [p.offsets[1:] + s for p, s in zip(parts, shifts, strict=True)])
        return TokenDocs(np.concatenate([p.ids for p in parts]).astype(np.int32), offsets.astype(np.int64))


@dataclass(frozen=True)
class Vocabulary:
    """Word <-> id. Ids 0-2 are ``<unk>``, ``<s>``, ``</s>``; words follow by descending training count
    (ties alphabetical), so the rarest words have the highest ids."""

    words: tuple[str, ...]
    counts: np.ndarray  # training count of each id (0 for the specials)

    @classmethod
    def build(cls, texts: Sequence[str], *, min_count: int = 1) -> Vocabulary:
        """Every word seen at least ``min_count`` times in ``texts``; the others become ``<unk>``."""
        if min_count < 1:
            raise ValueError(f"min_count must be >= 1, got {min_count}")
        counted = (tokenize(texts).explode().drop_nulls().value_counts(name="n")
                   .filter(pl.col("n") >= min_count).sort(["n", "tokens"], descending=[True, False]))
        words = SPECIALS + tuple(counted["tokens"].to_list())
        counts = np.concatenate([np.zeros(len(SPECIALS), dtype=np.int64), counted["n"].to_numpy()])
        return cls(words, counts)

    def __len__(self) -> int:
        return len(self.words)

    def encode(self, texts: Sequence[str]) -> TokenDocs:
        """Token ids of each text (unknown words as ``<unk>``)."""
        tokens = tokenize(texts)
        lengths = tokens.list.len().fill_null(0).to_numpy().astype(np.int64)
        table = pl.DataFrame({"tokens": self.words, "id": np.arange(len(self.words), dtype=np.int32)})
        flat = tokens.explode().drop_nulls().to_frame()
        ids = flat.join(table, on="tokens", how="left", maintain_order="left")["id"].fill_null(UNK)
        return TokenDocs(ids.to_numpy().astype(np.int32), np.concatenate([[0], np.cumsum(lengths)]))

    def decode(self, ids: np.ndarray) -> str:
        """Readable text: words joined by spaces, no space before closing punctuation or after opening."""
        out: list[str] = []
        for word in (self.words[i] for i in ids if i not in (BOS, EOS)):
            if out and word not in _NO_SPACE_BEFORE and out[-1][-1:] not in _NO_SPACE_AFTER:
                out.append(" ")
            out.append(word)
        return "".join(out)
