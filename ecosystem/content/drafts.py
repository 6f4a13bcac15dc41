"""A month of human writing, gathered from the writers and turned into documents in one pass."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ecosystem.content.documents import NO_KEY, DocumentStore, Origin
from ecosystem.content.reality import Reality

if TYPE_CHECKING:
    from ecosystem.agents.vendor import ModelVendor


class DraftBuffer:
    """Writers add what they decided to write; ``publish`` draws and renders it all vectorized."""

    def __init__(self) -> None:
        self._parts: list[tuple[int, np.ndarray, np.ndarray, ModelVendor | None]] = []
        self._signed: list[bool] = []

    def add(
        self, *, site: int, topics: np.ndarray, assisted: np.ndarray, assistant: ModelVendor | None,
        signed: bool = False,
    ) -> None:
        self._parts.append((site, topics, assisted, assistant))
        self._signed.append(signed)

    def publish(
        self,
        store: DocumentStore,
        reality: Reality,
        *,
        month: int,
        keep: float,
        keep_concentration: float,
        tokens_mean: int,
        rng: np.random.Generator,
        retopic: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
        mark: Callable[[ModelVendor, int], tuple[np.ndarray, np.ndarray]] | None = None,
    ) -> None:
        """``mark(vendor, n)`` gives the watermark key and survival of n outputs of the vendor's API.
        Each assisted document keeps its own share of the writer's draft, drawn from a Beta with mean
        ``keep`` and concentration ``keep_concentration``; it carries the mark only on the share of it the
        model wrote (1 - keep)."""
        if not self._parts:
            return
        parts = zip(self._parts, self._signed, strict=True)
        signed = np.concatenate([np.full(len(t), s, dtype=bool) for (_, t, _, _), s in parts])
        self._signed.clear()
        sites = np.concatenate([np.full(len(t), s) for s, t, _, _ in self._parts])
        topics = np.concatenate([t for _, t, _, _ in self._parts])
        assisted = np.concatenate([a for _, _, a, _ in self._parts])
        vendor_of = np.concatenate([np.full(len(t), -1 if v is None else v.index) for _, t, _, v in self._parts])
        assistants = {v.index: v for _, _, _, v in self._parts if v is not None}
        self._parts.clear()
        if retopic is not None:
            topics = retopic(topics, rng)

        vectors = reality.draw(topics, rng)
        lineage = np.zeros(len(topics))
        wm_key = np.full(len(topics), NO_KEY, dtype=np.int16)
        wm_survival = np.zeros(len(topics), dtype=np.float32)
        kept = np.ones(len(topics))
        kept[assisted] = _draw_keep(keep, keep_concentration, int(assisted.sum()), rng)
        for index, vendor in assistants.items():
            rows = assisted & (vendor_of == index)
            if rows.any():
                vectors[rows] = vendor.estimator.render(vectors[rows], keep=kept[rows], rng=rng)
                lineage[rows] = vendor.lineage
                if mark is not None:
                    keys, survival = mark(vendor, int(rows.sum()))
                    wm_key[rows], wm_survival[rows] = keys, survival * (1.0 - kept[rows])
        store.append(
            vectors,
            origin=np.where(assisted, Origin.ASSISTED, Origin.HUMAN),
            month=month,
            site=sites,
            tokens=np.maximum(1, rng.poisson(tokens_mean, size=len(topics))),
            vendor=np.where(assisted, vendor_of, -1),
            topic=topics,
            lineage=lineage,
            wm_key=wm_key,
            wm_survival=wm_survival,
            signed=signed,
            ai_share=1.0 - kept,
        )


def _draw_keep(mean: float, concentration: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Each assisted document's share kept from the writer's draft (degenerate Betas at 0 and 1)."""
    if mean <= 0.0 or mean >= 1.0:
        return np.full(n, mean)
    return rng.beta(mean * concentration, (1.0 - mean) * concentration, size=n)
