"""Human writers: publish from their own topic preferences, and may adopt an AI assistant.

Each writer is a Mesa agent, but its state lives in columns of a ``WriterTable`` and a month's
decisions are taken for all writers at once with array operations: at a web a hundred times the
baseline there are tens of thousands of writers, and a Python call per writer would cost more than
everything else in the month.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ecosystem.content.documents import PageKind
from ecosystem.randomness import choose, choose_per_row
from ecosystem.web.graph import NEVER

if TYPE_CHECKING:
    from ecosystem.agents.vendor import ModelVendor
    from ecosystem.model import EcosystemModel

NO_ASSISTANT = -1


class WriterTable:
    """Every writer's state as columns, one row per writer in the order they arrived.

    ``assistant`` holds the index of the vendor whose assistant the writer adopted (``NO_ASSISTANT``
    before that); ``signs_from`` the month from which it signs what it publishes (provenance policy);
    ``qa`` whether it writes in a Q&A community rather than articles.
    """

    def __init__(self, n_topics: int) -> None:
        self.site = np.empty(0, dtype=np.int64)
        self.preferences = np.empty((0, n_topics))
        self.rate = np.empty(0)
        self.assistant = np.empty(0, dtype=np.int64)
        self.signs_from = np.empty(0, dtype=np.int64)
        self.qa = np.empty(0, dtype=bool)
        self.qa_activity = 1.0  # a Q&A community's recent questions against a world without assistants

    def __len__(self) -> int:
        return len(self.rate)

    def add(self, sites: np.ndarray, preferences: np.ndarray, rates: np.ndarray, *,
            qa_share: float = 0.0) -> np.ndarray:
        """New writers; returns their rows. Every (1 / ``qa_share``)-th writer, in the order writers arrive,
        writes in a Q&A community: a share with no random draw, so a scenario without Q&A draws as before."""
        first, n = len(self), len(rates)
        rows = np.arange(first, first + n)
        self.qa = np.concatenate([self.qa, np.floor((rows + 1) * qa_share) > np.floor(rows * qa_share)])
        self.site = np.concatenate([self.site, sites])
        self.preferences = np.concatenate([self.preferences, preferences])
        self.rate = np.concatenate([self.rate, rates])
        self.assistant = np.concatenate([self.assistant, np.full(n, NO_ASSISTANT, dtype=np.int64)])
        self.signs_from = np.concatenate([self.signs_from, np.full(n, NEVER, dtype=np.int64)])
        return rows

    def adoption(self) -> float:
        """Share of writers who use an assistant."""
        return float((self.assistant != NO_ASSISTANT).mean()) if len(self) else 0.0

    def write_month(self, model: EcosystemModel) -> None:
        """This month's writing by every writer, handed to ``model.drafts``.

        Each writer writes ``Poisson(rate)`` documents on topics drawn from its own preferences. Adoption
        of an assistant follows Bass diffusion: each month a non-adopter adopts with hazard
        p + q * (share of writers who already adopted) and picks a released vendor by a logit on quality.
        An adopter writes ``assisted_share`` of its documents with that vendor's assistant.
        """
        config, rng = model.scenario.humans, model.rngs.humans
        if config.stop is not None and model.month >= model.scenario.month_index(config.stop):
            return
        self._consider_assistants(model, rng)
        writer_of = np.repeat(np.arange(len(self)), rng.poisson(self.rate))  # one entry per document
        topics = choose_per_row(rng, self.preferences, writer_of)
        if config.displacement is not None or config.qa is not None:
            written = self._not_displaced(model, topics, self.qa[writer_of], rng)
            writer_of, topics = writer_of[written], topics[written]
        vendor = self.assistant[writer_of]
        assisted = (vendor != NO_ASSISTANT) & (rng.random(len(topics)) < config.assistant.assisted_share)
        model.drafts.add(sites=self.site[writer_of], topics=topics, assisted=assisted, vendor=vendor,
                         signed=model.month >= self.signs_from[writer_of],
                         kinds=np.where(self.qa[writer_of], PageKind.QA, PageKind.ARTICLE).astype(np.int8))

    def _consider_assistants(self, model: EcosystemModel, rng: np.random.Generator) -> None:
        bass = model.scenario.humans.assistant
        if model.month < model.scenario.month_index(bass.start):
            return
        vendors, p = model.vendor_choice()
        if not vendors:
            return  # no model to assist with yet
        hazard = bass.innovation + bass.imitation * model.assistant_adoption
        adopts = (self.assistant == NO_ASSISTANT) & (rng.random(len(self)) < hazard)
        chosen = choose(rng, p, int(adopts.sum()))
        self.assistant[adopts] = np.array([v.index for v in vendors])[chosen]

    def _not_displaced(self, model: EcosystemModel, topics: np.ndarray, qa: np.ndarray,
                       rng: np.random.Generator) -> np.ndarray:
        """Which documents are still written once assistants answer what some of them would have said: articles
        by ``humans.displacement``, a Q&A community's questions by ``humans.qa.displacement`` and, with a
        community effect, by how active the community still is."""
        humans = model.scenario.humans
        if model.month < model.scenario.month_index(humans.assistant.start):
            return np.ones(len(topics), dtype=bool)

        def use(config) -> float:
            if config is None:
                return 0.0
            return min(1.0, config.immediate + config.with_adoption * model.assistant_adoption)

        use_by_doc = use(humans.displacement) if humans.qa is None else np.where(qa, use(humans.qa.displacement),
                                                                                 use(humans.displacement))
        answered = use_by_doc * model.assistant_answers()[topics]
        community = humans.qa is not None and humans.qa.community_elasticity > 0
        if community:
            asked = self.qa_activity ** humans.qa.community_elasticity
            answered = np.where(qa, 1.0 - (1.0 - answered) * asked, answered)
        written = rng.random(len(topics)) >= answered
        model.displaced_docs += int((~written).sum())
        model.qa_displaced += int((~written & qa).sum())
        if community and qa.any():
            weight = 1.0 / humans.qa.community_memory
            self.qa_activity += weight * (float(written[qa].mean()) - self.qa_activity)
        return written


class HumanWriter(mesa.Agent):
    """One human writer: a row of the model's ``WriterTable``, read and written through these attributes."""

    model: EcosystemModel

    def __init__(self, model: EcosystemModel, *, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def site(self) -> int:
        return int(self.model.writers.site[self.row])

    @property
    def preferences(self) -> np.ndarray:
        return self.model.writers.preferences[self.row]

    @property
    def rate(self) -> float:
        return float(self.model.writers.rate[self.row])

    @property
    def assistant(self) -> ModelVendor | None:
        index = self.model.writers.assistant[self.row]
        return None if index == NO_ASSISTANT else self.model.vendors[index]

    @property
    def signs_from(self) -> int:
        return int(self.model.writers.signs_from[self.row])

    @signs_from.setter
    def signs_from(self, month: int) -> None:
        self.model.writers.signs_from[self.row] = month
