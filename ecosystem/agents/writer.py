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
    ``kind`` the ``PageKind`` of its pages: articles, a Q&A community's posts or the rest of a crawl's pages.
    """

    def __init__(self, n_topics: int) -> None:
        self.site = np.empty(0, dtype=np.int64)
        self.preferences = np.empty((0, n_topics))
        self.rate = np.empty(0)
        self.assistant = np.empty(0, dtype=np.int64)
        self.signs_from = np.empty(0, dtype=np.int64)
        self.kind = np.empty(0, dtype=np.int8)
        self.qa_activity = 1.0  # a Q&A community's recent questions against a world without assistants

    def __len__(self) -> int:
        return len(self.rate)

    @property
    def qa(self) -> np.ndarray:
        """Whether each writer writes in a Q&A community."""
        return self.kind == PageKind.QA

    def add(self, sites: np.ndarray, preferences: np.ndarray, rates: np.ndarray, *,
            qa_share: float = 0.0, other_share: float = 0.0) -> np.ndarray:
        """New writers; returns their rows. Every (1 / ``qa_share``)-th writer, in the order writers arrive,
        writes in a Q&A community, and every (1 / ``other_share``)-th of the rest writes non-article pages:
        shares with no random draw, so a scenario without them draws as before."""
        first, n = len(self), len(rates)
        rows = np.arange(first, first + n)
        qa = _every_nth(rows, qa_share)
        not_qa_before = int((self.kind != PageKind.QA).sum())
        not_qa_order = not_qa_before + np.cumsum(~qa) - 1  # each writer's place among those outside Q&A
        other = ~qa & _every_nth(not_qa_order, other_share)
        kind = np.where(qa, PageKind.QA, np.where(other, PageKind.OTHER, PageKind.ARTICLE)).astype(np.int8)
        self.kind = np.concatenate([self.kind, kind])
        self.site = np.concatenate([self.site, sites])
        self.preferences = np.concatenate([self.preferences, preferences])
        self.rate = np.concatenate([self.rate, rates])
        self.assistant = np.concatenate([self.assistant, np.full(n, NO_ASSISTANT, dtype=np.int64)])
        self.signs_from = np.concatenate([self.signs_from, np.full(n, NEVER, dtype=np.int64)])
        return rows

    def adoption(self, group: np.ndarray | None = None) -> float:
        """Share of the writers of articles and Q&A posts (or of ``group``, a mask) who use an assistant."""
        group = self.kind != PageKind.OTHER if group is None else group
        return float((self.assistant[group] != NO_ASSISTANT).mean()) if group.any() else 0.0

    def write_month(self, model: EcosystemModel) -> None:
        """This month's writing by every writer, handed to ``model.drafts``.

        Each writer writes ``Poisson(rate)`` documents on topics drawn from its own preferences. Adoption
        of an assistant follows Bass diffusion: each month a non-adopter adopts with hazard
        p + q * (share of writers who already adopted) and picks a released vendor by a logit on quality.
        An adopter writes ``assisted_share`` of its documents with that vendor's assistant. Writers of
        non-article pages (``humans.other``) have their own start, p, q and assisted share.
        """
        config, rng = model.scenario.humans, model.rngs.humans
        if config.stop is not None and model.month >= model.scenario.month_index(config.stop):
            return
        self._consider_assistants(model, rng)
        writer_of = np.repeat(np.arange(len(self)), rng.poisson(self.rate))  # one entry per document
        topics = choose_per_row(rng, self.preferences, writer_of)
        kinds = self.kind[writer_of]
        if config.displacement is not None or config.qa is not None:
            written = self._not_displaced(model, topics, kinds, rng)
            writer_of, topics, kinds = writer_of[written], topics[written], kinds[written]
        vendor = self.assistant[writer_of]
        assisted_share = config.assistant.assisted_share
        if config.other is not None:
            assisted_share = np.where(kinds == PageKind.OTHER, config.other.assisted_share, assisted_share)
        assisted = (vendor != NO_ASSISTANT) & (rng.random(len(topics)) < assisted_share)
        model.drafts.add(sites=self.site[writer_of], topics=topics, assisted=assisted, vendor=vendor,
                         signed=model.month >= self.signs_from[writer_of], kinds=kinds)

    def _consider_assistants(self, model: EcosystemModel, rng: np.random.Generator) -> None:
        bass, other = model.scenario.humans.assistant, model.scenario.humans.other
        started = model.month >= model.scenario.month_index(bass.start)
        others_started = other is not None and model.month >= model.scenario.month_index(other.start or bass.start)
        if not started and not others_started:
            return
        vendors, p = model.vendor_choice()
        if not vendors:
            return  # no model to assist with yet
        hazard = bass.innovation + bass.imitation * model.assistant_adoption if started else 0.0
        if other is not None:
            others = self.kind == PageKind.OTHER
            others_hazard = other.innovation + other.imitation * self.adoption(others) if others_started else 0.0
            hazard = np.where(others, others_hazard, hazard)
        adopts = (self.assistant == NO_ASSISTANT) & (rng.random(len(self)) < hazard)
        chosen = choose(rng, p, int(adopts.sum()))
        self.assistant[adopts] = np.array([v.index for v in vendors])[chosen]

    def _not_displaced(self, model: EcosystemModel, topics: np.ndarray, kinds: np.ndarray,
                       rng: np.random.Generator) -> np.ndarray:
        """Which documents are still written once assistants answer what some of them would have said: articles
        by ``humans.displacement``, a Q&A community's questions by ``humans.qa.displacement`` and, with a
        community effect, by how active the community still is. An assistant answers no one's need for a shop
        or a listing: non-article pages are all written."""
        humans = model.scenario.humans
        if model.month < model.scenario.month_index(humans.assistant.start):
            return np.ones(len(topics), dtype=bool)

        def use(config) -> float:
            if config is None:
                return 0.0
            return min(1.0, config.immediate + config.with_adoption * model.assistant_adoption)

        qa = kinds == PageKind.QA
        use_by_doc = use(humans.displacement) if humans.qa is None else np.where(qa, use(humans.qa.displacement),
                                                                                 use(humans.displacement))
        answered = use_by_doc * model.assistant_answers()[topics]
        if humans.other is not None:
            answered = np.where(kinds == PageKind.OTHER, 0.0, answered)
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


def _every_nth(positions: np.ndarray, share: float) -> np.ndarray:
    """Whether each position is one of every (1 / ``share``)-th, counting from the first: a share with no draw."""
    return np.floor((positions + 1) * share) > np.floor(positions * share)
