"""A word n-gram language model with interpolated Kneser-Ney smoothing, counted and sampled in numpy.

Interpolated modified Kneser-Ney (Chen & Goodman 1998): three discounts per order, D1, D2 and D3+, from the
order's count-of-counts (``discount="modified"``), or one discount n1 / (n1 + 2 n2) per order
(``discount="plain"``, Ney et al. 1994). The highest order uses raw counts, lower orders continuation counts
(the number of distinct words seen before an n-gram), and the lowest interpolates with the uniform
distribution over the vocabulary, so every word keeps some probability:

    P_k(w | h) = max(c_k(h w) - D_k(c), 0) / c_k(h .) + gamma_k(h) P_{k-1}(w | h'),
    gamma_k(h) = sum_w D_k(c_k(h w)) / c_k(h .),      P_0(w) = 1 / (V - 1)   (every id but <s>)

and P_k = P_{k-1} for a context never seen. Each document is padded with order - 1 ``<s>`` and ended with
``</s>``. An n-gram is one int64 key (its ids in base V), so counting is ``np.unique`` over an array and
looking up is ``np.searchsorted``: a refit on the whole standard-library corpus (290,000 tokens) takes well
under a second. Sampling advances all documents one token at a time: at temperature 1 by walking the
interpolation as a mixture (pick an order, then a word from its discounted counts); at another temperature
exactly, from p^(1/T) computed only on the words the context has been seen with plus one shared vector. By
default a model writes only words of its training data (see ``write_unseen``). A marked document
(``sample(watermark=..., keys=...)``) keeps or redraws each draw so that it follows p e^(delta green), the
green-list watermark (``green_list``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ecosystem.learning.green_list import GreenList
from ecosystem.learning.tokens import BOS, EOS, TokenDocs

Discount = Literal["modified", "plain"]
MIN_DISCOUNT = 0.1  # every context leaves some mass to lower orders, so no word ever has probability 0
MAX_ORDER = 6
MAX_REDRAWS = 32  # candidates a row draws in one pass of marked sampling, at most


@dataclass(frozen=True)
class OrderTable:
    """One order's n-grams: sorted keys, counts and discounts, and per context its block of keys."""

    keys: np.ndarray  # int64, sorted: the n-gram's ids in base V; the context is key // V, the word key % V
    counts: np.ndarray  # int64: raw counts (highest order) or continuation counts (lower orders)
    discounts: np.ndarray  # float64 (4,): D(0) = 0, D(1), D(2), D(3+)
    kept_cum: np.ndarray  # float64 (n + 1,): cumulative max(c - D(c), 0), for sampling within a block
    contexts: np.ndarray  # int64, sorted unique contexts
    starts: np.ndarray  # int64 (n_contexts + 1,): context i's n-grams are keys[starts[i]:starts[i + 1]]
    totals: np.ndarray  # float64: c(h .)
    backoff: np.ndarray  # float64: sum_w D(c(h w)), so gamma(h) = backoff / totals

    def find_contexts(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(found, index into ``contexts``) for each query context."""
        return _find(self.contexts, queries)

    def kept(self, index: np.ndarray) -> np.ndarray:
        return self.kept_cum[index + 1] - self.kept_cum[index]


def _find(sorted_keys: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    index = np.searchsorted(sorted_keys, queries)
    clipped = np.minimum(index, len(sorted_keys) - 1)
    found = (index < len(sorted_keys)) & (sorted_keys[clipped] == queries) if len(sorted_keys) else \
        np.zeros(len(queries), dtype=bool)
    return found, clipped


def discounts(counts: np.ndarray, kind: Discount) -> np.ndarray:
    """D(0..3+) from the count-of-counts n1..n4 (modified falls back to plain when one of them is 0),
    each clipped to [MIN_DISCOUNT, r] so that no count becomes negative."""
    n1, n2, n3, n4 = (int(np.count_nonzero(counts == r)) for r in (1, 2, 3, 4))
    y = n1 / (n1 + 2 * n2) if n1 + n2 > 0 else 0.5
    if kind == "modified" and min(n1, n2, n3, n4) > 0:
        d = [1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3]
    else:
        d = [y, y, y]
    return np.array([0.0] + [float(np.clip(v, MIN_DISCOUNT, r)) for r, v in enumerate(d, start=1)])


class KneserNeyLM:
    """Word n-gram model of ``order`` (3: trigrams) over ids 0 .. vocab_size - 1; follows ``TextModel``."""

    def __init__(self, *, vocab_size: int, order: int = 3, discount: Discount = "modified",
                 write_unseen: bool = False) -> None:
        if not 1 <= order <= MAX_ORDER:
            raise ValueError(f"order must be in [1, {MAX_ORDER}], got {order}")
        if vocab_size < 4 or vocab_size ** order >= 2**62:
            raise ValueError(f"vocab_size {vocab_size} with order {order}: n-gram keys need 4 <= V and V^order < "
                             "2^62 (lower the order or the vocabulary)")
        if discount not in ("modified", "plain"):
            raise ValueError(f"discount must be 'modified' or 'plain', got {discount!r}")
        self.vocab_size = vocab_size
        self.order = order
        self.discount = discount
        # The uniform floor gives every word some probability so that any text can be scored. Writing from it
        # would sprinkle random vocabulary into the output, which no trained model does (as top-k or top-p cut
        # a neural model's tail): by default the model writes only words of its training data, from p
        # restricted to them and renormalised.
        self.write_unseen = write_unseen

    # ------------------------------------------------------------------------------------------
    # Fitting

    def fit(self, docs: TokenDocs) -> KneserNeyLM:
        """Count every n-gram of ``docs`` and set ``tables_`` (one per order, 1 first) and ``unigram_``."""
        self._check_ids(docs)
        if len(docs) == 0:
            raise ValueError("fit needs at least one document")
        v, n = self.vocab_size, self.order
        stream, predicted = self._padded(docs)
        key = np.zeros(len(predicted), dtype=np.int64)
        for j in range(n):
            key += stream[predicted - j].astype(np.int64) * v**j
        keys, counts = np.unique(key, return_counts=True)
        tables = [self._table(keys, counts)]
        for k in range(n - 1, 0, -1):  # continuation counts: distinct left extensions of each k-gram
            keys, counts = np.unique(keys % v**k, return_counts=True)
            tables.append(self._table(keys, counts))
        self.tables_ = tables[::-1]
        self.unigram_ = self._unigram()
        self.seen_ = np.zeros(self.vocab_size, dtype=bool)
        self.seen_[self.tables_[0].keys] = True
        self._tempered: dict[float, tuple[np.ndarray, np.ndarray, float]] = {}
        return self

    def _table(self, keys: np.ndarray, counts: np.ndarray) -> OrderTable:
        d = discounts(counts, self.discount)
        per_key = d[np.minimum(counts, 3)]
        contexts, first = np.unique(keys // self.vocab_size, return_index=True)
        starts = np.append(first, len(keys)).astype(np.int64)
        return OrderTable(keys, counts, d, np.concatenate([[0.0], np.cumsum(counts - per_key)]), contexts, starts,
                          np.add.reduceat(counts, first).astype(np.float64), np.add.reduceat(per_key, first))

    def _unigram(self) -> np.ndarray:
        """P_1 over every id (0 for <s>): what a context's unseen words are proportional to."""
        t = self.tables_[0]
        p = np.full(self.vocab_size, t.backoff[0] / t.totals[0] / (self.vocab_size - 1))
        p[t.keys] += t.kept(np.arange(len(t.keys))) / t.totals[0]
        p[BOS] = 0.0
        return p

    def _padded(self, docs: TokenDocs) -> tuple[np.ndarray, np.ndarray]:
        """Documents end to end, each as order - 1 <s>, its ids, </s>; and the positions of predicted tokens."""
        pad = self.order - 1
        shift = np.arange(len(docs), dtype=np.int64) * (pad + 1) + pad
        stream = np.full(docs.n_tokens + len(docs) * (pad + 1), BOS, dtype=np.int64)
        words = np.arange(docs.n_tokens, dtype=np.int64) + np.repeat(shift, docs.lengths)
        ends = docs.offsets[1:] + shift
        stream[words] = docs.ids
        stream[ends] = EOS
        predicted = np.sort(np.concatenate([words, ends]))
        return stream, predicted

    def _check_ids(self, docs: TokenDocs) -> None:
        if docs.n_tokens and (docs.ids.min() < 0 or docs.ids.max() >= self.vocab_size or (docs.ids == BOS).any()):
            raise ValueError(f"token ids must be in [0, {self.vocab_size}) and never <s> ({BOS})")

    # ------------------------------------------------------------------------------------------
    # Scoring

    def log_prob(self, docs: TokenDocs) -> np.ndarray:
        """Log-probability of each token and of each document's </s> (document order, </s> last)."""
        self._check_ids(docs)
        stream, predicted = self._padded(docs)
        history = np.stack([stream[predicted - j] for j in range(self.order - 1, 0, -1)], axis=1) \
            if self.order > 1 else np.empty((len(predicted), 0), dtype=np.int64)
        return np.log(self.prob(history, stream[predicted]))

    def prob(self, contexts: np.ndarray, words: np.ndarray) -> np.ndarray:
        """P(word | context) for rows of ``contexts`` (n, order - 1: the previous ids, oldest first)."""
        v = self.vocab_size
        p = np.full(len(words), 1.0 / (v - 1))
        for k, table in enumerate(self.tables_, start=1):
            context = self._context_keys(contexts, k)
            found, ci = table.find_contexts(context)
            has, ki = _find(table.keys, context * v + words)
            c = np.where(has, table.counts[ki], 0)
            kept = np.maximum(c - table.discounts[np.minimum(c, 3)], 0.0)
            p = np.where(found, (kept + table.backoff[ci] * p) / table.totals[ci], p)
        return np.where(words == BOS, 0.0, p)

    def next_distribution(self, context: np.ndarray) -> np.ndarray:
        """P(. | context) over the whole vocabulary, for one context (the last order - 1 ids, or fewer)."""
        history = np.full(self.order - 1, BOS, dtype=np.int64)
        context = np.asarray(context, dtype=np.int64)[max(0, len(context) - len(history)):]
        if len(history):
            history[len(history) - len(context):] = context
        words = np.arange(self.vocab_size)
        return self.prob(np.repeat(history[None, :], self.vocab_size, axis=0), words)

    def _context_keys(self, contexts: np.ndarray, k: int) -> np.ndarray:
        """Keys of the last k - 1 ids of each context row (0 for the unigram order)."""
        key = np.zeros(len(contexts), dtype=np.int64)
        for j in range(1, k):
            key += contexts[:, -j].astype(np.int64) * self.vocab_size ** (j - 1)
        return key

    # ------------------------------------------------------------------------------------------
    # Sampling

    def sample(self, n: int, *, rng: np.random.Generator, temperature: float = 1.0, max_tokens: int = 256,
               prompts: TokenDocs | None = None, watermark: GreenList | None = None,
               keys: np.ndarray | None = None) -> TokenDocs:
        """``n`` documents drawn token by token (all documents advance together) until </s> or ``max_tokens``.
        With ``watermark``, document i is marked with ``keys[i]`` (none where it is negative): each of its
        draws is kept or redrawn by ``GreenList.accept``, seeded by the token before it."""
        if not temperature > 0 or not np.isfinite(temperature):
            raise ValueError(f"temperature must be > 0, got {temperature}")
        if max_tokens < 1:
            raise ValueError(f"max_tokens must be >= 1, got {max_tokens}")
        if prompts is not None and len(prompts) != n:
            raise ValueError(f"{len(prompts)} prompts for {n} documents")
        if watermark is not None and (keys is None or len(keys) != n):
            raise ValueError(f"a watermark needs one key per document ({n})")
        contexts = self._start(n, prompts)
        previous = self._previous(n, prompts) if watermark is not None else None
        out = np.zeros((n, max_tokens), dtype=np.int32)
        lengths = np.zeros(n, dtype=np.int64)
        active = np.arange(n)
        step = self._next_words if temperature == 1.0 else lambda c, r: self._next_words_tempered(c, r, temperature)
        for position in range(max_tokens):
            if not len(active):
                break
            words = step(contexts[active], rng)
            if watermark is not None:
                words = self._marked(words, contexts[active], keys[active], previous[active], watermark, step, rng)
                previous[active] = words
            going = words != EOS
            out[active[going], position] = words[going]
            lengths[active[going]] += 1
            active = active[going]
            if self.order > 1:
                contexts[active] = np.concatenate([contexts[active, 1:], words[going, None]], axis=1)
        keep = np.arange(max_tokens)[None, :] < lengths[:, None]
        return TokenDocs(out[keep], np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))

    def _start(self, n: int, prompts: TokenDocs | None) -> np.ndarray:
        pad = self.order - 1
        contexts = np.full((n, pad), BOS, dtype=np.int64)
        if prompts is None or pad == 0:
            return contexts
        for j in range(1, pad + 1):  # the prompt's last pad ids, right-aligned
            has = prompts.lengths >= j
            contexts[has, pad - j] = prompts.ids[prompts.offsets[1:][has] - j]
        return contexts

    def _previous(self, n: int, prompts: TokenDocs | None) -> np.ndarray:
        """The token before each document's first word: its prompt's last, else <s>."""
        previous = np.full(n, BOS, dtype=np.int64)
        if prompts is not None:
            has = prompts.lengths > 0
            previous[has] = prompts.ids[prompts.offsets[1:][has] - 1]
        return previous

    @staticmethod
    def _marked(words: np.ndarray, contexts: np.ndarray, keys: np.ndarray, previous: np.ndarray,
                watermark: GreenList, step, rng: np.random.Generator) -> np.ndarray:
        """Draws of the green-list-biased distribution. A row whose draw was rejected draws several candidates
        at once, twice as many each pass (up to MAX_REDRAWS), and keeps the first accepted: the same law as
        redrawing one at a time, in a few passes rather than dozens when a context's likely words are red."""
        todo = np.flatnonzero(~watermark.accept(keys, previous, words, rng))
        size = 2
        while len(todo):
            rows = np.repeat(todo, size)
            candidates = step(contexts[rows], rng).reshape(len(todo), size)
            keep = watermark.accept(keys[rows], previous[rows], candidates.ravel(), rng).reshape(len(todo), size)
            done = keep.any(axis=1)
            words[todo[done]] = candidates[done, np.argmax(keep[done], axis=1)]
            todo, size = todo[~done], min(2 * size, MAX_REDRAWS)
        return words

    def _next_words(self, contexts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One word per row at temperature 1: the interpolation read as a mixture, from the highest order down."""
        words = np.full(len(contexts), -1, dtype=np.int64)
        undecided = np.arange(len(contexts))
        for k in range(self.order, 0, -1):
            table = self.tables_[k - 1]
            found, ci = table.find_contexts(self._context_keys(contexts[undecided], k))
            stay = found & (rng.random(len(undecided)) * table.totals[ci] < table.totals[ci] - table.backoff[ci])
            rows, ci = undecided[stay], ci[stay]
            low, high = table.kept_cum[table.starts[ci]], table.kept_cum[table.starts[ci + 1]]
            index = np.searchsorted(table.kept_cum, low + rng.random(len(rows)) * (high - low), side="right") - 1
            index = np.clip(index, table.starts[ci], table.starts[ci + 1] - 1)
            words[rows] = table.keys[index] % self.vocab_size
            undecided = undecided[~stay]
        uniform = rng.integers(0, self.vocab_size - 1, size=len(undecided))
        words[undecided] = uniform + (uniform >= BOS)
        unseen = np.flatnonzero(~self.seen_[words]) if not self.write_unseen else []
        if len(unseen):  # rejection: exact draws from p restricted to the training data's words
            words[unseen] = self._next_words(contexts[unseen], rng)
        return words

    def _next_words_tempered(self, contexts: np.ndarray, rng: np.random.Generator, temperature: float) -> np.ndarray:
        """One word per row from p^(1/T). Outside the words seen after the last id, p = G * P_1 with G the
        product of the higher orders' gammas, so p^(1/T) there is G^(1/T) times one shared vector; the seen
        words add p^(1/T) - (G P_1)^(1/T) >= 0. The row's weights are these two non-negative parts."""
        beta = 1.0 / temperature
        log_q, cum_q, lse_q = self._tempered_unigram(beta)
        b = len(contexts)
        log_g = np.zeros(b)
        info = []
        for k in range(2, self.order + 1):
            table = self.tables_[k - 1]
            found, ci = table.find_contexts(self._context_keys(contexts, k))
            gamma = np.where(found, table.backoff[ci] / table.totals[ci], 1.0)
            log_g += np.log(gamma)
            info.append((table, found, ci, gamma))
        row, flat, word, p = self._seen_words(contexts, info)
        log_dense = beta * log_g + lse_q
        lp = beta * np.log(p)
        top = log_dense.copy()
        filled = np.flatnonzero(np.diff(flat) > 0)
        if len(filled):
            top[filled] = np.maximum(top[filled], np.maximum.reduceat(lp, flat[filled]))
        dense = np.exp(log_dense - top)
        extra = np.maximum(np.exp(lp - top[row]) - np.exp(beta * log_g[row] + log_q[word] - top[row]), 0.0)
        total = dense + np.bincount(row, weights=extra, minlength=b)
        u = rng.random(b) * total
        words = np.searchsorted(cum_q, rng.random(b), side="right").astype(np.int64)
        seen = u >= dense
        if seen.any():
            cum = np.concatenate([[0.0], np.cumsum(extra)])
            r = np.flatnonzero(seen)
            index = np.searchsorted(cum, cum[flat[r]] + (u[r] - dense[r]), side="right") - 1
            words[r] = word[np.clip(index, flat[r], flat[r + 1] - 1)]
        return np.minimum(words, self.vocab_size - 1)

    def _seen_words(self, contexts: np.ndarray, info: list) -> tuple[np.ndarray, ...]:
        """The words each row's last id was seen before (a superset of every higher order's), with p(word | row).

        Returns (row of each candidate, start of each row's candidates (b + 1), candidate word, its probability).
        """
        b, v = len(contexts), self.vocab_size
        if not info:
            empty = np.empty(0, dtype=np.int64)
            return empty, np.zeros(b + 1, dtype=np.int64), empty, np.empty(0)
        bigram, found, ci, gamma = info[0]
        low = np.where(found, bigram.starts[ci], 0)
        sizes = np.where(found, bigram.starts[ci + 1] - low, 0)
        flat = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        row = np.repeat(np.arange(b), sizes)
        index = np.arange(flat[-1]) - flat[row] + low[row]
        word = bigram.keys[index] % v
        p = bigram.kept(index) / bigram.totals[ci[row]] + gamma[row] * self.unigram_[word]
        for table, found_k, ci_k, gamma_k in info[1:]:
            p *= gamma_k[row]
            rows = np.flatnonzero(found_k)
            lo, hi = table.starts[ci_k[rows]], table.starts[ci_k[rows] + 1]
            size = hi - lo
            r = np.repeat(rows, size)
            idx = np.arange(size.sum()) + np.repeat(lo - (np.cumsum(size) - size), size)
            w = table.keys[idx] % v
            at = np.searchsorted(bigram.keys, contexts[r, -1] * v + w) - low[r] + flat[r]
            p[at] += table.kept(idx) / table.totals[ci_k[r]]
        return row, flat, word, p

    def _tempered_unigram(self, beta: float) -> tuple[np.ndarray, np.ndarray, float]:
        """(beta log P_1, its normalised cumulative sum, its log-sum-exp), cached per temperature."""
        if beta not in self._tempered:
            unigram = self.unigram_ if self.write_unseen else np.where(self.seen_, self.unigram_, 0.0)
            with np.errstate(divide="ignore"):
                log_q = beta * np.log(unigram)
            top = log_q.max()
            q = np.exp(log_q - top)
            cum = np.cumsum(q)
            self._tempered[beta] = (log_q, cum / cum[-1], float(top + np.log(cum[-1])))
        return self._tempered[beta]
