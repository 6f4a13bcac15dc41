"""The real text behind a text web: the corpus as token ids, its training and held-out split per topic, the
rare words, and the static embedding that places any text in the reality's space.

Human pages carry training documents of their topic (the held-out split is never published: it is what
language models are scored on); a model is prompted with the first words of a training document of the
page's topic. Every document is cut to the text a page carries: its first ``page_tokens`` tokens, ending at
the last full sentence among them when there is one.
The corpus's ids and the words' MiniLM vectors depend only on the corpus, so they are made once per process
(and the word vectors cached on disk); the split and the embedding's fit are the run's.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ecosystem.config import RealityConfig, TextPagesConfig
from ecosystem.content.embedding import embed_texts
from ecosystem.content.text_reality import TextWorld
from ecosystem.learning.static_embedding import Agreement, StaticEmbedding, agreement
from ecosystem.learning.tokens import SPECIALS, TokenDocs, Vocabulary

RARE_SHARE = 0.1  # the rare words: this share of the words in the training split, seen least often there
WORD_TOKENS = 16  # word pieces MiniLM reads of one word
SENTENCE_ENDS = (".", "!", "?")


def clip_to_sentences(docs: TokenDocs, limit: int, stops: np.ndarray) -> TokenDocs:
    """Each document's first ``limit`` tokens, cut after the last sentence end (an id in ``stops``) among them
    when that keeps at least half of them: a page that ends mid-sentence would teach a model to end documents
    after any word."""
    index = np.arange(docs.n_tokens, dtype=np.int64)
    position = index - np.repeat(docs.offsets[:-1], docs.lengths)
    ends = np.flatnonzero(np.isin(docs.ids, stops) & (position < limit))  # sorted: the documents' in order
    doc_of_end = np.repeat(np.arange(len(docs)), docs.lengths)[ends]
    last = np.full(len(docs), -1, dtype=np.int64)
    last[doc_of_end] = position[ends]  # later ends overwrite earlier ones: each document's last
    keep = np.where((docs.lengths > limit) & (last + 1 >= limit // 2), last + 1, np.minimum(docs.lengths, limit))
    return docs.heads(keep)


def join_docs(first: TokenDocs, second: TokenDocs) -> TokenDocs:
    """Document i of ``first`` followed by document i of ``second``."""
    lengths = first.lengths + second.lengths
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    ids = np.empty(offsets[-1], dtype=np.int32)
    position = np.arange(offsets[-1], dtype=np.int64) - np.repeat(offsets[:-1], lengths)
    in_first = position < np.repeat(first.lengths, lengths)
    ids[in_first] = first.ids
    ids[~in_first] = second.ids
    return TokenDocs(ids, offsets)


@dataclass(frozen=True)
class WebText:
    vocab: Vocabulary
    docs: TokenDocs  # every kept corpus document (TextWorld order), cut to page_tokens
    topic: np.ndarray  # its reality topic
    train: np.ndarray  # indices of the training documents, sorted by topic
    topic_starts: np.ndarray  # topic k's training documents are train[topic_starts[k]:topic_starts[k + 1]]
    test: np.ndarray  # indices of the held-out documents
    rare: np.ndarray  # ids of the rare words
    embedding: StaticEmbedding
    prompt_tokens: int
    page_tokens: int

    def pick(self, topics: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A training document of each topic (uniformly among the topic's)."""
        low, high = self.topic_starts[topics], self.topic_starts[topics + 1]
        return self.train[low + np.floor(rng.random(len(topics)) * (high - low)).astype(np.int64)]

    def human_text(self, topics: np.ndarray, rng: np.random.Generator) -> TokenDocs:
        return self.docs.take(self.pick(topics, rng))

    def prompts(self, topics: np.ndarray, rng: np.random.Generator) -> TokenDocs:
        return self.human_text(topics, rng).heads(self.prompt_tokens)

    def embed(self, docs: TokenDocs) -> np.ndarray:
        return self.embedding.transform(docs)

    @cached_property
    def train_docs(self) -> TokenDocs:
        return self.docs.take(self.train)

    @cached_property
    def test_docs(self) -> TokenDocs:
        return self.docs.take(self.test)

    def agreement(self, world: TextWorld) -> Agreement:
        """The static embedding against full MiniLM (both reduced) on the held-out documents."""
        return agreement(self.embed(self.test_docs), world.vectors[self.test], self.topic[self.test],
                         world.reality.mixture(0).responsibilities)


def build_web_text(world: TextWorld, reality: RealityConfig, config: TextPagesConfig,
                   rng: np.random.Generator) -> WebText:
    """The run's text: ``rng`` splits each topic's documents into training and held-out ones."""
    vocab, docs, word_vectors = _corpus_text(world.corpus, tuple(world.rows.tolist()), config.page_tokens,
                                             reality.model, reality.cache)
    topic = np.asarray(world.topic, dtype=np.int64)
    held = np.zeros(len(topic), dtype=bool)
    for k in range(int(topic.max()) + 1):
        members = np.flatnonzero(topic == k)
        n = min(max(1, int(round(config.test_share * len(members)))), len(members) - 1)
        held[rng.permutation(members)[:n]] = True
    train = np.flatnonzero(~held)
    train = train[np.argsort(topic[train], kind="stable")]
    starts = np.searchsorted(topic[train], np.arange(int(topic.max()) + 2))
    counts = np.bincount(docs.take(train).ids, minlength=len(vocab))
    seen = np.flatnonzero(counts > 0)
    seen = seen[seen >= len(SPECIALS)]
    by_rarity = seen[np.lexsort((-seen, counts[seen]))]  # rarest first (ties: the later id, rarer overall)
    rare = np.sort(by_rarity[:max(1, int(round(RARE_SHARE * len(seen))))])
    embedding = StaticEmbedding.fit(word_vectors, docs.take(train), world.vectors[train])
    return WebText(vocab, docs, topic, train, starts, np.flatnonzero(held), rare, embedding, config.prompt_tokens,
                   config.page_tokens)


@functools.lru_cache(maxsize=2)
def _corpus_text(corpus, rows: tuple[int, ...], page_tokens: int, model: str | None,
                 cache: str | None) -> tuple[Vocabulary, TokenDocs, np.ndarray]:
    """The vocabulary of the kept documents, the documents cut to pages, and each word's MiniLM vector."""
    texts = [corpus.texts[i] for i in rows]
    vocab = Vocabulary.build(texts)
    stops = np.array([i for i, word in enumerate(vocab.words) if word in SENTENCE_ENDS], dtype=np.int32)
    docs = clip_to_sentences(vocab.encode(texts), page_tokens, stops)
    words = list(vocab.words)
    digest = hashlib.sha256("\n".join(["static-word-vectors", *words]).encode("utf-8")).hexdigest()
    vectors = embed_texts(words, corpus_hash=digest, model=model, max_tokens=WORD_TOKENS, cache=cache)
    return vocab, docs, np.asarray(vectors, dtype=np.float64)
