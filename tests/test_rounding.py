"""The brief's one rounding rule: an estimate and its interval to the second significant figure of the
interval's half-width, in plain notation (no ``e+06``, no ``-0``)."""

from __future__ import annotations

import pytest

from analysis.rounding import single, with_interval


@pytest.mark.parametrize(("numbers", "shown"), [
    ((2.292e6, 1.898e5, 4.394e6), "2,300,000 [200,000, 4,400,000]"),
    ((0.01695, -0.108, 0.1419), "0.02 [-0.11, 0.14]"),
    ((0.9153, 0.7406, 1.09), "0.92 [0.74, 1.09]"),
    ((0.0001614, -0.0005332, 0.0008561), "0.00016 [-0.00053, 0.00086]"),
    ((-0.00001, -0.2, 0.2), "0.00 [-0.20, 0.20]"),
])
def test_an_estimate_keeps_the_digits_its_interval_supports(numbers, shown):
    assert with_interval(*numbers) == shown


def test_percentages_carry_their_sign_and_numbers_without_an_interval_keep_three_figures():
    assert with_interval(0.0176, -0.058, 0.094, sign=True, suffix="%") == "+0.018% [-0.058%, +0.094%]"
    assert (single(1.23456e-7), single(123456.7), single(0.0)) == ("0.000000123", "123,000", "0")
    assert with_interval(0.5, None, None) == "0.500" and with_interval(None, 0.1, 0.2) == ""
