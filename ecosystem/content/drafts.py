"""A month of human writing, gathered from the writers and turned into documents in one pass."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ecosystem.content.documents import DocumentStore, Origin
from ecosystem.content.reality import Reality

if TYPE_CHECKING:
    from ecosystem.agents.vendor import ModelVendor


class DraftBuffer:
    """Writers add what they decided to write; ``publish`` draws and renders it all vectorized."""

    def __init__(self) -> None:
        self._parts: list[tuple[int, np.ndarray, np.ndarray, ModelVendor | None]] = []

    def add(self, *, site: int, topics: np.ndarray, assisted: np.ndarray, assistant: ModelVendor | None) -> None:
        self._parts.append((site, topics, assisted, assistant))

    def publish(
        self,
        store: DocumentStore,
        reality: Reality,
        *,
        month: int,
        keep: float,
        tokens_mean: int,
        rng: np.random.Generator,
        retopic: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
    ) -> None:
        if not self._parts:
            return
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
        for index, vendor in assistants.items():
            rows = assisted & (vendor_of == index)
            if rows.any():
                vectors[rows] = vendor.estimator.render(vectors[rows], keep=keep, rng=rng)
                lineage[rows] = vendor.lineage
        store.append(
            vectors,
            origin=np.where(assisted, Origin.ASSISTED, Origin.HUMAN),
            month=month,
            site=sites,
            tokens=np.maximum(1, rng.poisson(tokens_mean, size=len(topics))),
            vendor=np.where(assisted, vendor_of, -1),
            topic=topics,
            lineage=lineage,
        )
