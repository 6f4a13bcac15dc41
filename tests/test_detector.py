"""Detector thresholds are calibrated on held-out human text, and their rates are measured."""

from __future__ import annotations

import numpy as np
import pytest

from ecosystem.learning.detector import TextDetector


def _human(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.normal(size=(n, 4))


def _machine(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.normal(scale=0.6, size=(n, 4))  # sampled at a low temperature: narrower than human text


@pytest.mark.parametrize("classifier", ["logistic", "gradient_boosting"])
@pytest.mark.parametrize("target", [0.01, 0.05])
def test_false_positive_rate_on_fresh_human_text_is_near_the_target(classifier, target):
    rng = np.random.default_rng(5)
    detector = TextDetector(classifier=classifier, target_fpr=target, validation_share=0.5)
    detector.fit(_human(4000, rng), _machine(2000, rng), rng=rng)
    fresh = detector.flag(_human(20_000, rng)).mean()
    n_val = 2000  # the threshold is a quantile of 2000 validation scores: allow its sampling error
    tolerance = 4 * np.sqrt(target * (1 - target) / n_val) + 0.002
    assert abs(fresh - target) < tolerance
    assert detector.flag(_machine(5000, rng)).mean() > fresh  # it detects something


def test_a_looser_threshold_trades_false_positives_for_power():
    rng = np.random.default_rng(6)
    detector = TextDetector(target_fpr=0.01).fit(_human(3000, rng), _machine(1500, rng), rng=rng)
    human, machine = _human(10_000, rng), _machine(10_000, rng)
    strict, loose = detector.threshold_for(0.01), detector.threshold_for(0.1)
    assert loose < strict
    assert detector.flag(machine, threshold=loose).mean() > detector.flag(machine, threshold=strict).mean()
    assert detector.flag(human, threshold=loose).mean() > detector.flag(human, threshold=strict).mean()
