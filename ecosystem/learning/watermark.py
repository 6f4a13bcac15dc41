"""The green-list watermark test (Kirchenbauer et al., ICML 2023), vectorized over documents.

A marked generator favours a keyed "green" share ``gamma`` of the vocabulary, so marked text has more
green tokens than the ``gamma T`` expected by chance. A holder of the key counts green tokens G in a
document of T tokens and computes z = (G - gamma T) / sqrt(T gamma (1 - gamma)). Edits (a farm's
paraphrase, translation or synonym swaps, ``ecosystem.learning.edits``; a human rewriting an assisted
draft) leave a fraction s of the marked tokens; the expected green fraction is then gamma + s * bias.
G is drawn binomially over the document's tokens, so detection power grows with the surviving length
(z scales as s sqrt(T)) and false positives follow the threshold.
"""

from __future__ import annotations

import numpy as np

from ecosystem.config import WatermarkConfig
from ecosystem.content.documents import NO_KEY


def z_scores(
    tokens: np.ndarray,
    survival: np.ndarray,
    keyed: np.ndarray,
    *,
    gamma: float,
    bias: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """z of the green-list test per document. ``keyed``: the tester holds the key that marked it
    (without the key, the green list is just another random subset: G ~ Binomial(T, gamma))."""
    tokens = np.asarray(tokens, dtype=np.int64)
    p = gamma + np.where(keyed, np.clip(survival, 0.0, 1.0) * bias, 0.0)
    green = rng.binomial(tokens, p)
    return (green - gamma * tokens) / np.sqrt(np.maximum(tokens, 1) * gamma * (1.0 - gamma))


def detect_marks(
    keys: np.ndarray,
    survival: np.ndarray,
    tokens: np.ndarray,
    *,
    held: np.ndarray,
    config: WatermarkConfig,
    rng: np.random.Generator,
) -> np.ndarray:
    """Which documents a holder of the keys ``held`` finds marked (z above the threshold).

    A holder tests every document with each key it holds; unmarked documents and documents marked with
    a key it does not hold can still cross the threshold by chance (the false positives)."""
    keys = np.asarray(keys)
    flagged = np.zeros(len(keys), dtype=bool)
    for key in np.asarray(held, dtype=np.int64):
        keyed = (keys == key) & (key != NO_KEY)
        z = z_scores(tokens, survival, keyed, gamma=config.gamma, bias=config.green_bias, rng=rng)
        flagged |= z > config.threshold
    return flagged
