"""The green-list watermark on real token ids (Kirchenbauer et al., ICML 2023), written and tested.

A marked model adds ``delta`` to the logit of every word on a green list that the key and the previous token
pick (a share ``gamma`` of the vocabulary): P'(w | h) is proportional to P(w | h) e^(delta green(w)). Anyone
holding the key counts the green tokens G among the T scored tokens of a document and computes
z = (G - gamma T) / sqrt(T gamma (1 - gamma)); text written without the key is green at rate gamma, so z
stays near 0 and the threshold sets the false-positive rate. Each (previous token, token) pair of a document
is scored once (Kirchenbauer et al. 2024): a phrase repeated inside a page would otherwise count again and
push human text over the threshold. Low-entropy text carries little mark (a context with one likely word
keeps it whatever its colour), a property of the method, not of this code.

Membership is a hash of (key, previous id, id): splitmix64's finaliser, so no list is stored and a vendor's
list differs from every other vendor's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecosystem.learning.tokens import TokenDocs

_ID_BITS = 21  # ids and keys up to 2^21 (two million words) keep (key, previous, id) apart in 64 bits
_SALT = np.uint64(0x5BD1E9955BD1E995)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijection of uint64 whose output bits look independent of its input's."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@dataclass(frozen=True)
class GreenList:
    gamma: float  # share of the vocabulary that is green after any one token
    delta: float  # logit bias a marked model adds to green words

    def is_green(self, key: np.ndarray | int, previous: np.ndarray, words: np.ndarray) -> np.ndarray:
        """Whether each word is on the green list that ``key`` and the token before it pick."""
        key, previous, words = (np.asarray(a, dtype=np.int64) for a in (key, previous, words))
        if (key < 0).any() or (key >= 1 << _ID_BITS).any() or (words >= 1 << _ID_BITS).any():
            raise ValueError(f"watermark keys and token ids must be in [0, 2^{_ID_BITS})")
        packed = ((key.astype(np.uint64) << np.uint64(2 * _ID_BITS)) | (previous.astype(np.uint64)
                  << np.uint64(_ID_BITS)) | words.astype(np.uint64)) ^ _SALT
        cut = np.uint64(min(int(self.gamma * 2.0**64), 2**64 - 1))
        return _mix(packed) < cut

    def z_scores(self, docs: TokenDocs, key: int) -> np.ndarray:
        """z of the green-list test with ``key``, per document: tokens with a predecessor in the document,
        each distinct (previous, token) pair once; 0 for a document with nothing to score."""
        doc = docs.doc_index()
        position = np.arange(docs.n_tokens, dtype=np.int64)
        scored = position[position > docs.offsets[doc]] if docs.n_tokens else position
        doc, previous, words = doc[scored], docs.ids[scored - 1].astype(np.int64), docs.ids[scored].astype(np.int64)
        order = np.lexsort((words, previous, doc))
        doc, previous, words = doc[order], previous[order], words[order]
        first = np.ones(len(doc), dtype=bool)
        first[1:] = (doc[1:] != doc[:-1]) | (previous[1:] != previous[:-1]) | (words[1:] != words[:-1])
        doc, previous, words = doc[first], previous[first], words[first]
        green = np.bincount(doc, weights=self.is_green(key, previous, words), minlength=len(docs))
        total = np.bincount(doc, minlength=len(docs)).astype(np.float64)
        spread = np.sqrt(np.maximum(total, 1.0) * self.gamma * (1.0 - self.gamma))
        return np.where(total > 0, (green - self.gamma * total) / spread, 0.0)

    def flagged(self, docs: TokenDocs, keys: np.ndarray, threshold: float) -> np.ndarray:
        """Which documents the test with any of ``keys`` puts above ``threshold``."""
        out = np.zeros(len(docs), dtype=bool)
        for key in np.asarray(keys, dtype=np.int64):
            out |= self.z_scores(docs, int(key)) > threshold
        return out

    def accept(self, keys: np.ndarray, previous: np.ndarray, words: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
        """Rejection step of marked sampling: a draw w from P is kept always when green and with probability
        e^-delta when red, so kept draws follow P e^(delta green) exactly. Rows with key < 0 are unmarked
        (always kept, no random draw)."""
        marked = np.flatnonzero(keys >= 0)
        keep = np.ones(len(words), dtype=bool)
        red = marked[~self.is_green(keys[marked], previous[marked], words[marked])]
        keep[red] = rng.random(len(red)) < np.exp(-self.delta)
        return keep
