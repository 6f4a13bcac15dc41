"""A month of human writing, gathered from the writers and turned into documents in one pass."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ecosystem.content.documents import NO_KEY, DocumentStore, Origin, PageKind
from ecosystem.content.reality import Reality

if TYPE_CHECKING:
    from ecosystem.agents.vendor import ModelVendor
    from ecosystem.config import HumansConfig
    from ecosystem.content.text_pages import TextPages


def tokens_by_kind(humans: HumansConfig) -> np.ndarray:
    """Mean tokens of a human page of each ``PageKind`` (a kind nobody writes keeps the articles' length)."""
    tokens = np.full(len(PageKind), humans.tokens_mean)
    if humans.qa is not None:
        tokens[PageKind.QA] = humans.qa.tokens_mean
    if humans.other is not None:
        tokens[PageKind.OTHER] = humans.other.tokens_mean
    return tokens


def keep_by_kind(humans: HumansConfig) -> np.ndarray:
    """Mean share of an assisted draft its writer keeps, for a page of each ``PageKind``."""
    keep = np.full(len(PageKind), humans.assistant.human_edit)
    if humans.other is not None and humans.other.human_edit is not None:
        keep[PageKind.OTHER] = humans.other.human_edit
    return keep


class DraftBuffer:
    """Writers add what they decided to write; ``publish`` draws and renders it all vectorized."""

    def __init__(self) -> None:
        self._parts: list[dict[str, np.ndarray]] = []

    def add(
        self, *, sites: np.ndarray, topics: np.ndarray, assisted: np.ndarray, vendor: np.ndarray, signed: np.ndarray,
        kinds: np.ndarray,
    ) -> None:
        """Drafts, one entry per document: its site, topic, whether an assistant helps write it, that
        assistant's vendor index (ignored where not assisted), whether the writer signs it and its PageKind."""
        self._parts.append({"sites": sites, "topics": topics, "assisted": assisted, "vendor": vendor,
                            "signed": signed, "kinds": kinds})

    def publish(
        self,
        store: DocumentStore,
        vendors: Sequence[ModelVendor],
        reality: Reality,
        *,
        month: int,
        keep: np.ndarray,
        keep_concentration: float,
        tokens_mean: np.ndarray,
        rng: np.random.Generator,
        retopic: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
        mark: Callable[[ModelVendor, int], tuple[np.ndarray, np.ndarray]] | None = None,
        text: TextPages | None = None,
    ) -> None:
        """``vendors[i]`` is the vendor of index i. ``mark(vendor, n)`` gives the watermark key and survival
        of n outputs of the vendor's API. Each assisted document keeps its own share of the writer's draft,
        drawn from a Beta with mean ``keep[k]`` for a page of kind k and concentration ``keep_concentration``; it
        carries the mark only on the share of it the model wrote (1 - keep). A page of kind k is ``tokens_mean[k]``
        tokens long on average. With ``text`` every page also gets its text (``TextPages.drafts``)."""
        if not self._parts:
            return
        column = {name: np.concatenate([part[name] for part in self._parts]) for name in self._parts[0]}
        self._parts.clear()
        sites, topics, assisted, signed = column["sites"], column["topics"], column["assisted"], column["signed"]
        kinds = column["kinds"]
        vendor_of = np.where(assisted, column["vendor"], -1)
        if not len(topics):
            return
        if retopic is not None:
            topics = retopic(topics, rng)

        lengths = tokens_mean[kinds]
        vectors = reality.draw(topics, rng)
        lineage = np.zeros(len(topics))
        wm_key = np.full(len(topics), NO_KEY, dtype=np.int16)
        wm_survival = np.zeros(len(topics), dtype=np.float32)
        kept = np.ones(len(topics))
        kept[assisted] = _draw_keep(keep[kinds[assisted]], keep_concentration, rng)
        draft_vectors = vectors.copy() if text is not None else None
        for index in np.unique(vendor_of[assisted]):
            vendor, rows = vendors[index], vendor_of == index
            vectors[rows] = vendor.estimator.render(vectors[rows], keep=kept[rows], rng=rng)
            lineage[rows] = vendor.lineage
            if mark is not None:
                keys, survival = mark(vendor, int(rows.sum()))
                wm_key[rows], wm_survival[rows] = keys, survival * (1.0 - kept[rows])
        if text is not None:  # the pages' text; a language model's rewrite moves its pages to it
            vectors = text.drafts(topics=topics, vendor_of=vendor_of, kept=kept, draft_vectors=draft_vectors,
                                  vectors=vectors, vendors=vendors, keys=wm_key)
        store.append(
            vectors,
            origin=np.where(assisted, Origin.ASSISTED, Origin.HUMAN),
            month=month,
            site=sites,
            tokens=np.maximum(1, rng.poisson(lengths, size=len(topics))),
            vendor=vendor_of,
            topic=topics,
            lineage=lineage,
            wm_key=wm_key,
            wm_survival=wm_survival,
            signed=signed,
            ai_share=1.0 - kept,
            kind=kinds,
        )


def _draw_keep(mean: np.ndarray, concentration: float, rng: np.random.Generator) -> np.ndarray:
    """Each assisted document's share kept from the writer's draft, around its own mean (degenerate Betas at 0
    and 1 draw nothing)."""
    kept = mean.astype(np.float64)
    drawn = (mean > 0.0) & (mean < 1.0)
    if drawn.any():
        kept[drawn] = rng.beta(mean[drawn] * concentration, (1.0 - mean[drawn]) * concentration)
    return kept
