"""Named topics a model lost, and when: from a per-topic history of Q-mass / P-mass at each retraining."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ecosystem.experiments.reading import TopicHistory

LOST_BELOW = 0.1  # a topic is lost while the model gives it under a tenth of its mass in reality


@dataclass(frozen=True)
class TopicLoss:
    name: str
    weight: float  # the topic's weight in reality
    lost_on: dt.date  # the retraining from which the model kept it below the threshold


def topic_losses(history: TopicHistory, *, threshold: float = LOST_BELOW) -> list[TopicLoss]:
    """Topics below ``threshold`` at the last retraining, each with the first retraining from which it
    stayed below, earliest first (ties: rarest first)."""
    if not len(history.ratios):
        return []
    below = history.ratios < threshold  # NaN (not yet existing) counts as not below
    losses = []
    for k in np.flatnonzero(below[-1]):
        held = np.flatnonzero(~below[:, k])
        since = held[-1] + 1 if len(held) else 0
        losses.append(TopicLoss(history.names[k], float(history.weights[k]), history.dates[since]))
    return sorted(losses, key=lambda t: (t.lost_on, t.weight))


def describe_losses(history: TopicHistory, *, threshold: float = LOST_BELOW) -> str:
    """One line, e.g. ``lost by 2025-12: json (2023-04), gzip (2024-08)``, or that nothing was lost."""
    if not history.dates:
        return "no model released yet"
    end = f"{history.dates[-1]:%Y-%m}"
    losses = topic_losses(history, threshold=threshold)
    if not losses:
        return f"by {end}: no topic lost (every topic keeps at least {threshold:.0%} of its mass)"
    return f"lost by {end}: " + ", ".join(f"{t.name} ({t.lost_on:%Y-%m})" for t in losses)
