"""With a text reality, what each vendor's model "writes" now beside what humans write, for the page.

Model samples and human draws from P are read the same way as ``ecosim read`` reads them: as their
nearest real documents of the corpus. A vendor's pages are drawn again only when it releases a new
model, so the panel changes when the model does. The draws use their own random stream, derived from
the run's seed, so reading never changes the run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecosystem.content.text_reality import build_text_reality
from ecosystem.experiments.reading import ReadDoc, _read
from ecosystem.model import EcosystemModel

PAGES = 3  # pages shown per vendor and for humans
READER_STREAM = 901  # spawn key of the panel's stream (``ecosim read`` uses 900)
HUMANS = "Humans"


@dataclass(frozen=True)
class Shelf:
    """Pages by writer (each released vendor, then humans), and the model generation they were read at."""

    pages: dict[str, tuple[ReadDoc, ...]]
    generations: dict[str, int]


class PageReader:
    """Reads a text-reality run's models; build it once per run (it rebuilds the run's text world)."""

    def __init__(self, model: EcosystemModel) -> None:
        scenario = model.scenario
        self.world = build_text_reality(scenario.reality, start=scenario.start, streams=model.rngs.reality_block)
        self.rng = np.random.default_rng(np.random.SeedSequence(model.seed_used, spawn_key=(READER_STREAM,)))

    def read(self, model: EcosystemModel, shelf: Shelf | None) -> Shelf:
        """The shelf after this month: vendors that released a new model since ``shelf`` are read again,
        and humans with them; ``shelf`` itself when no model changed."""
        pages = dict(shelf.pages) if shelf else {}
        generations = dict(shelf.generations) if shelf else {}
        changed = False
        for vendor in model.released_vendors():
            generation = len(vendor.trained_at)
            if generations.get(vendor.name) != generation:
                samples, _ = vendor.estimator.sample(PAGES, rng=self.rng)
                pages[vendor.name] = self._nearest(model, samples)
                generations[vendor.name] = generation
                changed = True
        if shelf is not None and not changed:
            return shelf
        reality = model.reality
        topics = self.rng.choice(reality.n_topics, size=PAGES, p=reality.weights(model.month))
        pages[HUMANS] = self._nearest(model, reality.draw(topics, self.rng))
        ordered = {name: pages[name] for name in [v.name for v in model.vendors] + [HUMANS] if name in pages}
        return Shelf(ordered, generations)

    def _nearest(self, model: EcosystemModel, points: np.ndarray) -> tuple[ReadDoc, ...]:
        """The points' nearest real documents, read exactly as ``ecosim read`` reads them."""
        return tuple(_read(self.world, model, points, model.month))
