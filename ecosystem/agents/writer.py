"""Human writers: publish from their own topic preferences, and may adopt an AI assistant."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ecosystem.randomness import choose
from ecosystem.web.graph import NEVER

if TYPE_CHECKING:
    from ecosystem.agents.vendor import ModelVendor
    from ecosystem.config import DisplacementConfig
    from ecosystem.model import EcosystemModel


class HumanWriter(mesa.Agent):
    """Writes ``Poisson(rate)`` documents a month on topics drawn from its own preferences.

    Adoption of an assistant follows Bass diffusion: each month a non-adopter adopts with hazard
    p + q * (share of writers who already adopted). An adopter writes ``assisted_share`` of its
    documents with the assistant of the vendor it chose.
    """

    model: EcosystemModel

    def __init__(self, model: EcosystemModel, *, site: int, preferences: np.ndarray, rate: float) -> None:
        super().__init__(model)
        self.site = site
        self.preferences = preferences
        self.rate = rate
        self.assistant: ModelVendor | None = None
        self.signs_from = NEVER  # month from which it signs what it publishes (provenance policy)
        model.policies.new_writer(self)

    def write(self) -> None:
        model = self.model
        config = model.scenario.humans
        rng = model.rngs.humans
        if config.stop is not None and model.month >= model.scenario.month_index(config.stop):
            return
        self._consider_assistant(rng)
        n = rng.poisson(self.rate)
        if n == 0:
            return
        topics = choose(rng, self.preferences, n)
        if config.displacement is not None:
            topics = self._not_displaced(topics, config.displacement, rng)
            n = len(topics)
            if n == 0:
                return
        assisted = np.zeros(n, dtype=bool)
        if self.assistant is not None:
            assisted = rng.random(n) < config.assistant.assisted_share
        model.drafts.add(site=self.site, topics=topics, assisted=assisted, assistant=self.assistant,
                         signed=model.month >= self.signs_from)

    def _not_displaced(self, topics: np.ndarray, config: DisplacementConfig, rng: np.random.Generator) -> np.ndarray:
        """The documents still written once assistants answer what some of them would have said."""
        model = self.model
        if model.month < model.scenario.month_index(model.scenario.humans.assistant.start):
            return topics
        use = min(1.0, config.immediate + config.with_adoption * model.assistant_adoption)
        answered = use * model.assistant_answers()[topics]
        written = rng.random(len(topics)) >= answered
        model.displaced_docs += int((~written).sum())
        return topics[written]

    def _consider_assistant(self, rng: np.random.Generator) -> None:
        bass = self.model.scenario.humans.assistant
        if self.assistant is not None or self.model.month < self.model.scenario.month_index(bass.start):
            return
        if not self.model.released_vendors():
            return  # no model to assist with yet
        hazard = bass.innovation + bass.imitation * self.model.assistant_adoption
        if rng.random() < hazard:
            self.assistant = self.model.choose_vendor(rng)
