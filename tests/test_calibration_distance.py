"""The calibration's distance: each statistic in units of its standard error, the published one (floored at the
calibration's resolution for a share) combined with the simulator's own noise over the seeds a particle averages."""

from __future__ import annotations

import math

import pytest

from ecosystem.calibration.smc import Z95, Standardized
from ecosystem.calibration.targets import Target


def _target(key_date: str, value: float, half_width: float, metric: str = "web.wildai_ai_token_share") -> Target:
    return Target(series="wildai", date=key_date, value=value, low=value - half_width, high=value + half_width,
                  metric=metric, use="calibration", source="s", note="n")


def test_a_statistic_one_published_standard_error_off_is_at_distance_one():
    target = _target("2024-06", 0.10, Z95 * 0.01)  # standard error 0.01
    distance = Standardized([target])
    assert distance({"wildai@2024-06": 0.11}, {"wildai@2024-06": 0.10}) == pytest.approx(1.0)


def test_a_shares_error_is_floored_at_the_resolution_but_a_length_is_not():
    share = _target("2022-06", 0.002, Z95 * 0.0005)
    length = _target("2024-06", 1000.0, Z95 * 0.001, metric="web.wildai_ai_doc_tokens")
    distance = Standardized([share, length], resolution=0.01)
    assert distance.scale["wildai@2022-06"] == pytest.approx(0.01)
    assert distance.scale["wildai@2024-06"] == pytest.approx(0.001)


def test_the_simulators_noise_adds_to_the_published_error_and_shrinks_with_the_seeds_averaged():
    target = _target("2024-06", 0.10, Z95 * 0.01)
    noise = {"wildai@2024-06": 0.04}
    one = Standardized([target], noise=noise, seeds=1)
    four = Standardized([target], noise=noise, seeds=4)
    assert one.scale["wildai@2024-06"] == pytest.approx(math.hypot(0.01, 0.04))
    assert four.scale["wildai@2024-06"] == pytest.approx(math.hypot(0.01, 0.02))
    observed, simulated = {"wildai@2024-06": 0.10}, {"wildai@2024-06": 0.15}
    assert four(simulated, observed) > one(simulated, observed)  # less noise: the same miss counts more
