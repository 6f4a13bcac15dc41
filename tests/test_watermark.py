"""The green-list z-test: false positives follow the threshold; power grows with tokens and survival."""

from __future__ import annotations

import numpy as np
from scipy import stats

from ecosystem.config import WatermarkConfig
from ecosystem.content.documents import NO_KEY
from ecosystem.learning.watermark import detect_marks, z_scores

CONFIG = WatermarkConfig()


def test_false_positive_rate_on_human_text_matches_the_normal_tail():
    rng = np.random.default_rng(1)
    n, threshold = 400_000, 2.5  # a lower threshold than 4 so the tail holds enough documents to count
    tokens = np.full(n, 2000)
    z = z_scores(tokens, np.zeros(n), np.zeros(n, dtype=bool), gamma=0.25, bias=0.2, rng=rng)
    expected = stats.norm.sf(threshold)
    observed = (z > threshold).mean()
    tolerance = 4 * np.sqrt(expected * (1 - expected) / n) + 0.002  # binomial noise + lattice of G
    assert abs(observed - expected) < tolerance


def test_at_threshold_four_false_positives_are_as_rare_as_the_normal_tail_says():
    rng = np.random.default_rng(2)
    n = 1_000_000
    keys = np.full(n, NO_KEY)
    flagged = detect_marks(keys, np.zeros(n), np.full(n, 800), held=np.array([0, 1]), config=CONFIG, rng=rng)
    # G is binomial: its exact tail beyond z = 4 (a little heavier than the normal one: skew)...
    gamma, tokens = CONFIG.gamma, 800
    g_cut = np.floor(gamma * tokens + 4.0 * np.sqrt(tokens * gamma * (1 - gamma)))
    per_key = stats.binom.sf(g_cut, tokens, gamma)
    expected = 2 * n * per_key  # two keys tested
    assert abs(flagged.sum() - expected) < 4 * np.sqrt(expected) + 3
    # ... and it is the one-sided p ~ 3e-5 the threshold stands for, within a factor of three
    assert stats.norm.sf(4.0) / 3 < per_key < 3 * stats.norm.sf(4.0)


def test_power_grows_with_tokens_and_with_survival():
    rng = np.random.default_rng(3)
    n = 4000

    def power(tokens: int, survival: float) -> float:
        keys = np.zeros(n, dtype=np.int16)
        found = detect_marks(
            keys, np.full(n, survival), np.full(n, tokens), held=np.array([0]), config=CONFIG, rng=rng
        )
        return float(found.mean())

    by_tokens = [power(t, 0.3) for t in (100, 400, 1600)]
    by_survival = [power(400, s) for s in (0.1, 0.3, 0.6)]
    assert by_tokens[0] < by_tokens[1] < by_tokens[2]
    assert by_survival[0] < by_survival[1] < by_survival[2]
    assert power(100, 1.0) > 0.5  # clean marked text is detectable in under 100 tokens (Piet et al.)


def test_without_the_key_a_marked_page_looks_unmarked():
    rng = np.random.default_rng(4)
    n = 20_000
    keys = np.full(n, 3, dtype=np.int16)
    found = detect_marks(keys, np.ones(n), np.full(n, 800), held=np.array([0]), config=CONFIG, rng=rng)
    assert found.mean() < 0.001
