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

Marks: by default a page's mark is its key and survival, tested as on a Gaussian web. With ``text.watermark``
the mark is in the words: a marked page's model text is written with its vendor's green list and a crawler's
watermark test counts green tokens in the page (``learning.green_list``).
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
from ecosystem.learning.green_list import GreenList
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

    def __init__(self, world: TextWorld, text: WebText, config: TextPagesConfig, rng: np.random.Generator, *,
                 green: GreenList | None = None, threshold: float = 4.0, per_topic: bool = False) -> None:
        self.world = world
        self.config = config
        self.text = text
        self.texts = PageTexts()
        self.green = green  # the watermark written into marked text (None: marks are not in the text)
        self.threshold = threshold  # z above which the green-list test flags a page
        self.per_topic = per_topic  # measure each language model on each topic too
        self._rng = rng  # human pages' documents
        self._train_vectors = world.vectors[text.train]
        # (vendor, marked) -> (its generation, pages written, used)
        self._written: dict[tuple[int, bool], tuple[int, TokenDocs, int]] = {}

    @classmethod
    def build(cls, scenario: Scenario, rngs: RandomStreams) -> TextPages:
        """The run's text world (the model takes its reality from it, built once) and its text."""
        config = scenario.text or TextPagesConfig()
        world = build_text_reality(scenario.reality, start=scenario.start, streams=rngs.reality_block)
        rng = rngs.text(-1)
        green = None if config.watermark is None else GreenList(scenario.watermark.gamma, config.watermark.delta)
        return cls(world, build_web_text(world, scenario.reality, config, rng), config, rng, green=green,
                   threshold=scenario.watermark.threshold, per_topic=scenario.metrics.per_topic)

    @property
    def reality(self) -> Reality:
        return self.world.reality

    # ------------------------------------------------------------------------------------------
    # New pages

    def drafts(self, *, topics: np.ndarray, vendor_of: np.ndarray, kept: np.ndarray, draft_vectors: np.ndarray,
               vectors: np.ndarray, vendors: Sequence[ModelVendor], keys: np.ndarray | None = None) -> np.ndarray:
        """Text of a month's human and assisted pages (in their row order); returns their vectors, those of a
        language model's assisted pages moved to its text. ``keys``: each page's watermark key (marked
        continuations are written with the green list when the text carries marks)."""
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
                marked = None if keys is None else keys[rows] == vendor.index
                rewrite = self.write(vendor, len(rows), prompts=own, marked=marked)
                share = kept[rows, None]
                vectors[rows] = share * draft_vectors[rows] + (1.0 - share) * self.text.embed(rewrite)
            parts.append(join_docs(own, rewrite.heads(draft.lengths - keep)))
            where[rows] = sum(len(p) for p in parts[:-1]) + np.arange(len(rows))
        self.texts.append(TokenDocs.concat(parts).take(where))
        return vectors

    def generated(self, vendor: ModelVendor, vectors: np.ndarray, *, month: int,
                  keys: np.ndarray | None = None) -> np.ndarray:
        """Text of ``len(vectors)`` pages a vendor's model makes (its own or a farm's); returns their vectors,
        a language model's placed by its text. ``keys``: each page's watermark key."""
        if vendor.language_model is None:
            self.texts.append(self.nearest(vectors))
            return vectors
        if self.green is None or keys is None:
            docs = self._take_written(vendor, len(vectors), month)
        else:
            marked = keys == vendor.index
            parts = [self._take_written(vendor, int((marked == m).sum()), month, marked=m) for m in (False, True)]
            docs = TokenDocs.concat(parts).take(np.argsort(np.argsort(marked, kind="stable"), kind="stable"))
        self.texts.append(docs)
        return self.text.embed(docs)

    def _take_written(self, vendor: ModelVendor, n: int, month: int, *, marked: bool = False) -> TokenDocs:
        """``n`` pages of the vendor's current model (``marked``: written with its green list). A model writes
        WRITE_BATCH pages at a time (all its farms' and its own calls draw from them in turn), since a batch
        costs about what one page costs."""
        if n == 0:
            return TokenDocs.empty()
        generation = len(vendor.trained_at)
        held = self._written.get((vendor.index, marked))
        if held is None or held[0] != generation or held[2] + n > len(held[1]):
            size = max(n, WRITE_BATCH)
            weights = self.reality.weights(month)
            topics = vendor.text_stream.choice(len(weights), size=size, p=weights)
            prompts = self.text.prompts(topics, vendor.text_stream)
            held = (generation, self.write(vendor, size, prompts=prompts,
                                           marked=np.ones(size, dtype=bool) if marked else None), 0)
        generation, written, used = held
        self._written[vendor.index, marked] = (generation, written, used + n)
        return written.take(np.arange(used, used + n))

    def write(self, vendor: ModelVendor, n: int, *, prompts: TokenDocs, marked: np.ndarray | None = None) -> TokenDocs:
        """``n`` continuations of ``prompts`` by the vendor's language model, at its temperature; those
        ``marked`` written with its green list when the text carries marks."""
        mark = {}
        if self.green is not None and marked is not None and marked.any():
            mark = {"watermark": self.green, "keys": np.where(marked, vendor.index, -1)}
        return vendor.language_model.sample(n, rng=vendor.text_stream, temperature=vendor.config.temperature,
                                            max_tokens=self.text.page_tokens, prompts=prompts, **mark)

    # ------------------------------------------------------------------------------------------
    # Marks in the text

    def flagged(self, rows: np.ndarray, keys: np.ndarray) -> np.ndarray:
        """Which pages at ``rows`` the green-list test with any of ``keys`` flags, read on their text."""
        return self.green.flagged(self.texts.take(rows), keys, self.threshold)

    def flagged_share(self, rows: np.ndarray, keys: np.ndarray) -> float | None:
        """Share of the pages at ``rows`` flagged (None for no pages)."""
        return float(self.flagged(rows, keys).mean()) if len(rows) else None

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
                           licensed_topics: np.ndarray) -> tuple[TextModel, dict[str, float], dict[str, float]]:
        """A vendor's n-gram model fitted on the text of its training pages (and licensed documents), and its
        measures on real text (``lm_measures``), and per topic (``topic_<k>_text_*``; empty unless the run
        measures topics)."""
        text, rng = self.text, vendor.text_stream
        docs = self.training_text(rows, licensed_topics, rng=rng, store_size=vendor.model.store.size)
        model = KneserNeyLM(vocab_size=len(text.vocab), order=self.config.order).fit(docs)
        weights = self.reality.weights(vendor.model.month)
        topics = rng.choice(len(weights), size=self.config.probe_docs, p=weights)
        probe = model.sample(len(topics), rng=rng, temperature=vendor.config.temperature,
                             max_tokens=text.page_tokens, prompts=text.prompts(topics, rng))
        topics = {"test_topics": text.topic[text.test], "train_topics": text.topic[text.train],
                  "n_topics": self.reality.n_topics} if self.per_topic else {}
        measures = measure_language_model(model, test=text.test_docs, train=text.train_docs, rare=text.rare,
                                          probe=probe, **topics)
        whole = {name: value for name, value in measures.items() if not name.startswith("topic_")}
        return model, whole, {name: value for name, value in measures.items() if name.startswith("topic_")}
