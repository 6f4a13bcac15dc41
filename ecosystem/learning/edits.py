"""What a farm's edits leave of a watermark: paraphrase, translation and synonym swaps.

A green-list mark lives in tokens and in the token before each (it seeds the green list). An edit
rewrites a share r of a page's tokens; a token keeps its mark only if neither it nor its predecessor
was rewritten, so the surviving share of the mark is s = (1 - r) ** c, with c near 2 for a one-token
context (fitted: ``context_exponent``). Synonym swaps touch exactly the share of words asked for.
A paraphrase or a translation is a rewrite whose depth varies from page to page (a paraphraser keeps
some passages nearly verbatim and recasts others), so each page's r is drawn from a Beta with the
edit's strength as mean and concentration ``spread``. The constants are fitted to published detection
rates by ``ecosystem.learning.edit_calibration.calibrate`` (docs/calibration.md, "Watermarks").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from ecosystem.config import EvasionConfig


class EditKind(IntEnum):
    NONE = 0
    PARAPHRASE = 1
    TRANSLATION = 2
    SYNONYM_SWAP = 3


@dataclass(frozen=True)
class EditModel:
    """How the rewritten share of a page, and what survives of its mark, are drawn."""

    context_exponent: float  # c in s = (1 - r) ** c: a rewrite breaks its token's mark and the next one's
    spread: float  # Beta concentration of a paraphrase's or translation's per-page rewritten share

    def rewritten_share(self, kind: EditKind, strength: float, n: int, rng: np.random.Generator) -> np.ndarray:
        """Per-page share of tokens rewritten by ``n`` edits of one kind at mean ``strength``."""
        if kind == EditKind.SYNONYM_SWAP or strength <= 0.0 or strength >= 1.0:
            return np.full(n, float(strength))
        return rng.beta(strength * self.spread, (1.0 - strength) * self.spread, size=n)

    def mark_kept(self, rewritten: np.ndarray) -> np.ndarray:
        """Share of a page's marked tokens that still carry the mark after the edit."""
        return (1.0 - np.clip(rewritten, 0.0, 1.0)) ** self.context_exponent


# Fitted by ecosystem.learning.edit_calibration.calibrate(); tests/test_edits_calibration.py re-runs the
# fit and checks these values (and EvasionConfig's default strengths) against it.
EDIT_MODEL = EditModel(context_exponent=2.20, spread=10.8)


@dataclass(frozen=True)
class Edits:
    """One edit (or none) per page: its kind, the share of tokens it rewrote and of the mark it kept."""

    kind: np.ndarray
    rewritten: np.ndarray
    mark_kept: np.ndarray


def draw_edits(
    config: EvasionConfig, n: int, *, rng: np.random.Generator, model: EditModel = EDIT_MODEL
) -> Edits:
    """Which of ``n`` pages get which edit (shares from ``config``, one edit per page) and its depth."""
    u = rng.random(n)
    bounds = np.cumsum([config.paraphrase_share, config.translate_share, config.synonym_share])
    kind = np.where(u < bounds[-1], np.searchsorted(bounds, u, side="right") + 1, EditKind.NONE).astype(np.int8)
    strengths = {
        EditKind.PARAPHRASE: config.paraphrase_strength,
        EditKind.TRANSLATION: config.translate_strength,
        EditKind.SYNONYM_SWAP: config.synonym_strength,
    }
    rewritten = np.zeros(n)
    for edit, strength in strengths.items():
        rows = kind == edit
        rewritten[rows] = model.rewritten_share(edit, strength, int(rows.sum()), rng)
    return Edits(kind=kind, rewritten=rewritten, mark_kept=model.mark_kept(rewritten))
