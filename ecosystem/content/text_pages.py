"""Pages that carry text: what each new page of a text web says, and where its text places it.

Built only when some vendor is a language model (``model: ngram``). Every page gets text, in the order the
document store gets rows: a human page a training document of its topic; a language model's page (its own
or a farm's) what the model wrote when prompted with the first words of a training document of a topic
drawn from reality's weights, placed in the topic space by the static embedding of that text; an assisted
page the writer's draft up to its keep share, then the model's continuation of it, its vector the draft's
and the continuation's mixed at that share. A Gaussian vendor writes no words: its pages carry the training
document nearest their vector (what ``ecosim read`` shows). Human text draws from its own stream and each
vendor's writing from the vendor's, so text changes no vector, topic or crawl of any other component. A farm's
evasive edits still strip its marks, but its pages' vectors are their (unedited) text's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ecosystem.config import Scenario, TextPagesConfig
from ecosystem.content.page_text import PageTexts
from ecosystem.content.reality import Reality
from ecosystem.content.text_reality import TextWorld, build_text_reality
from ecosystem.content.web_text import WebText, build_web_text, join_docs
from ecosystem.learning.lm_measures import measure_language_model
from ecosystem.learning.ngram import KneserNeyLM
from ecosystem.learning.text_model import TextModel
from ecosystem.learning.tokens import TokenDocs

if TYPE_CHECKING:
    from ecosystem.agents.vendor import ModelVendor
    from ecosystem.randomness import RandomStreams


WRITE_BATCH = 1024  # pages a language model writes at once for farms and its own site


class TextPages:
    """The run's page texts (``texts``, aligned with the store's rows) and how new pages get theirs."""

    def __init__(self, world: TextWorld, text: WebText, config: TextPagesConfig, rng: np.random.Generator) -> None:
        self.world = world
        self.config = config
        self.text = text
        self.texts = PageTexts()
        self._rng = rng  # human pages' documents
        self._train_vectors = world.vectors[text.train]
        self._written: dict[int, tuple[int, TokenDocs, int]] = {}  # vendor -> (its generation, pages written, used)

    @classmethod
    def build(cls, scenario: Scenario, rngs: RandomStreams) -> TextPages:
        """The run's text world (the model takes its reality from it, built once) and its text."""
        config = scenario.text or TextPagesConfig()
        world = build_text_reality(scenario.reality, start=scenario.start, streams=rngs.reality_block)
        rng = rngs.text(-1)
        return cls(world, build_web_text(world, scenario.reality, config, rng), config, rng)

    @property
    def reality(self) -> Reality:
        return self.world.reality

    # ------------------------------------------------------------------------------------------
    # New pages

    def drafts(self, *, topics: np.ndarray, vendor_of: np.ndarray, kept: np.ndarray, draft_vectors: np.ndarray,
               vectors: np.ndarray, vendors: Sequence[ModelVendor]) -> np.ndarray:
        """Text of a month's human and assisted pages (in their row order); returns their vectors, those of a
        language model's assisted pages moved to its text."""
        drafts = self.text.human_text(topics, self._rng)
        parts, where = [drafts], np.arange(len(topics))
        vectors = vectors.copy()
        for index in np.unique(vendor_of[vendor_of >= 0]):
            rows = np.flatnonzero(vendor_of == index)
            vendor, draft = vendors[index], drafts.take(rows)
            keep = np.round(kept[rows] * draft.lengths).astype(np.int64)
            own = draft.heads(keep)
            if vendor.language_model is None:
                rewrite = self.nearest(vectors[rows])
            else:
                rewrite = self.write(vendor, len(rows), prompts=own)
                share = kept[rows, None]
                vectors[rows] = share * draft_vectors[rows] + (1.0 - share) * self.text.embed(rewrite)
            parts.append(join_docs(own, rewrite.heads(draft.lengths - keep)))
            where[rows] = sum(len(p) for p in parts[:-1]) + np.arange(len(rows))
        self.texts.append(TokenDocs.concat(parts).take(where))
        return vectors

    def generated(self, vendor: ModelVendor, vectors: np.ndarray, *, month: int) -> np.ndarray:
        """Text of ``len(vectors)`` pages a vendor's model makes (its own or a farm's); returns their vectors,
        a language model's placed by its text."""
        if vendor.language_model is None:
            self.texts.append(self.nearest(vectors))
            return vectors
        docs = self._take_written(vendor, len(vectors), month)
        self.texts.append(docs)
        return self.text.embed(docs)

    def _take_written(self, vendor: ModelVendor, n: int, month: int) -> TokenDocs:
        """``n`` pages of the vendor's current model. A model writes WRITE_BATCH pages at a time (all its farms'
        and its own calls draw from them in turn), since a batch costs about what one page costs."""
        generation = len(vendor.trained_at)
        held = self._written.get(vendor.index)
        if held is None or held[0] != generation or held[2] + n > len(held[1]):
            size = max(n, WRITE_BATCH)
            weights = self.reality.weights(month)
            topics = vendor.text_stream.choice(len(weights), size=size, p=weights)
            held = (generation, self.write(vendor, size, prompts=self.text.prompts(topics, vendor.text_stream)), 0)
        generation, written, used = held
        self._written[vendor.index] = (generation, written, used + n)
        return written.take(np.arange(used, used + n))

    def write(self, vendor: ModelVendor, n: int, *, prompts: TokenDocs) -> TokenDocs:
        """``n`` continuations of ``prompts`` by the vendor's language model, at its temperature."""
        return vendor.language_model.sample(n, rng=vendor.text_stream, temperature=vendor.config.temperature,
                                            max_tokens=self.text.page_tokens, prompts=prompts)

    def nearest(self, vectors: np.ndarray) -> TokenDocs:
        """The training document nearest each vector (a Gaussian model's page read as real text)."""
        points, train = np.atleast_2d(vectors), self._train_vectors
        sq = (points**2).sum(1)[:, None] - 2.0 * points @ train.T + (train**2).sum(1)[None]
        return self.text.docs.take(self.text.train[np.argmin(sq, axis=1)])

    # ------------------------------------------------------------------------------------------
    # Training text

    def training_text(self, rows: np.ndarray, licensed_topics: np.ndarray, *, rng: np.random.Generator,
                      store_size: int) -> TokenDocs:
        """The text of the pages at ``rows``, then of licensed human documents on ``licensed_topics``."""
        self.check_aligned(store_size)
        pages = self.texts.take(rows)
        return pages if not len(licensed_topics) else TokenDocs.concat([pages, self.text.human_text(
            licensed_topics, rng)])

    def check_aligned(self, store_size: int) -> None:
        if store_size != len(self.texts):
            raise RuntimeError(f"page texts out of step with the store: {len(self.texts)} texts for {store_size} "
                               "pages (a page was appended without its text)")

    def fit_language_model(self, vendor: ModelVendor, rows: np.ndarray,
                           licensed_topics: np.ndarray) -> tuple[TextModel, dict[str, float]]:
        """A vendor's n-gram model fitted on the text of its training pages (and licensed documents), and its
        measures on real text (``lm_measures``)."""
        text, rng = self.text, vendor.text_stream
        docs = self.training_text(rows, licensed_topics, rng=rng, store_size=vendor.model.store.size)
        model = KneserNeyLM(vocab_size=len(text.vocab), order=self.config.order).fit(docs)
        weights = self.reality.weights(vendor.model.month)
        topics = rng.choice(len(weights), size=self.config.probe_docs, p=weights)
        probe = model.sample(len(topics), rng=rng, temperature=vendor.config.temperature,
                             max_tokens=text.page_tokens, prompts=text.prompts(topics, rng))
        measures = measure_language_model(model, test=text.test_docs, train=text.train_docs, rare=text.rare,
                                          probe=probe)
        return model, measures
