"""The one rounding rule of the brief (tables, answer sentence, figure annotations): an estimate and its
interval are shown to the decimal place of the second significant figure of the interval's half-width, so
no digit is printed that seed noise does not support; a number without an interval keeps three significant
figures. Numbers are written in plain notation with thousands separators, never ``2.3e+06``."""

from __future__ import annotations

import math

FALLBACK_FIGURES = 3  # significant figures of a number that has no interval to bound its precision
MAX_DECIMALS = 12


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def decimals_for(low: float | None, high: float | None, value: float | None = None) -> int:
    """Decimal places (negative: rounding to tens, hundreds...) that an interval's half-width supports,
    or that keep ``value`` at three significant figures when there is no interval of positive width."""
    if _finite(low) and _finite(high) and high > low:
        return min(MAX_DECIMALS, 1 - math.floor(math.log10((high - low) / 2)))
    if _finite(value) and value != 0:
        return min(MAX_DECIMALS, FALLBACK_FIGURES - 1 - math.floor(math.log10(abs(value))))
    return 0


def plain(value: float, decimals: int, *, sign: bool = False) -> str:
    """``value`` rounded to ``decimals`` places in plain notation ("2,300,000", "0.00016"; never "-0")."""
    rounded = round(value, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{rounded:{'+' if sign else ''},.{max(decimals, 0)}f}"


def estimate(value: float | None, low: float | None, high: float | None, *, sign: bool = False,
             suffix: str = "") -> tuple[str, str, str]:
    """(value, low, high) as strings rounded by the one rule (``suffix``: "%" for percentages)."""
    if not _finite(value):
        return "", "", ""
    places = decimals_for(low, high, value)
    shown = [plain(v, places, sign=sign) + suffix if _finite(v) else "" for v in (value, low, high)]
    return shown[0], shown[1], shown[2]


def with_interval(value: float | None, low: float | None, high: float | None, *, sign: bool = False,
                  suffix: str = "") -> str:
    """"0.92 [0.74, 1.09]"; without an interval just the value, at three significant figures."""
    shown, lo, hi = estimate(value, low, high, sign=sign, suffix=suffix)
    return f"{shown} [{lo}, {hi}]" if lo and hi else shown


def single(value: float | None, *, sign: bool = False) -> str:
    """A number with no interval, at three significant figures, in plain notation."""
    return estimate(value, None, None, sign=sign)[0]


def setting(value: object) -> str:
    """A value someone chose (a scenario's setting, a sweep's level), not an estimate: shown as given, up to
    six significant figures, in plain notation without trailing zeros ("0.005", "1,150", "0.00001")."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return str(value)
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    places = decimals_for(None, None, value) + 3  # three figures more than an estimate without interval keeps
    return plain(value, places).rstrip("0").rstrip(".")
