"""Adoption as a choice: logit dynamics on the payoff of adopting a practice (marking output, signing pages).

Each month an agent gets a chance to revise (probability ``revise``); when it does, it adopts with the
binary-logit probability 1 / (1 + exp(-rationality * gain)), where ``gain`` is the payoff of adopting minus
the payoff of not adopting, from terms the agent can see. This is the logit revision protocol of evolutionary
game theory (Blume 1993; Sandholm 2010, ch. 6): the choice rule is McFadden's (1974) conditional logit, whose
noise is the quantal response of McKelvey and Palfrey (1995), and a term in the share of others who adopt
gives the social-interactions logit of Brock and Durlauf (2001), which can tip. ``rationality`` -> infinity is
a best reply; 0 is a coin toss. Revising only sometimes is the inertia that makes who adopts first an outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


@dataclass(frozen=True)
class Payoff:
    """The terms of one adoption decision, in payoff units a month (a positive ``gain`` favours adopting)."""

    private_benefit: float = 0.0  # what adopting earns the agent itself
    network_benefit: float = 0.0  # what it earns from others who adopt (a registry's shared keys)
    cost: float = 0.0  # what adopting costs (quality, tooling)
    user_cost: float = 0.0  # users lost to competitors who have not adopted
    expected_fine: float = 0.0  # enforcement probability x fine, paid only by those who do not adopt

    @property
    def gain(self) -> float:
        return self.private_benefit + self.network_benefit - self.cost - self.user_cost + self.expected_fine

    def as_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)} | {"gain": self.gain}


def adopt_probability(gain: np.ndarray | float, *, rationality: float) -> np.ndarray:
    """The binary logit: the probability that an agent revising its choice adopts."""
    return 0.5 * (1.0 + np.tanh(0.5 * rationality * np.asarray(gain, dtype=np.float64)))  # overflow-free


def revise(adopted: np.ndarray, gain: np.ndarray, *, revise_share: float, rationality: float,
           rng: np.random.Generator) -> np.ndarray:
    """One month of logit revision: who adopts after it. Every agent takes two draws whether it revises or
    not, so the stream moves the same way whatever is chosen (reproducible and comparable across settings)."""
    adopted = np.asarray(adopted, dtype=bool)
    draws = rng.random((2, len(adopted)))
    revising = draws[0] < revise_share
    chosen = draws[1] < adopt_probability(gain, rationality=rationality)
    return np.where(revising, chosen, adopted)
