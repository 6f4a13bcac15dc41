"""The published figures a calibration fits or is checked against: one CSV file, validated before use.

Columns: ``series`` (a short name, e.g. wildai), ``date`` (YYYY-MM: that month; YYYY: the year's mean),
``value`` with its interval ``low`` .. ``high`` (the published 95% interval, or the range the project assumed,
said in ``note``), ``metric`` (the observation metric that measures it as the study did), ``use``
(``calibration`` or ``held_out``), ``source`` and ``note``. Every refusal is one line naming the file and row.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

from ecosystem.config import ScenarioError
from ecosystem.metric_table import SHARE, find, split_name

COLUMNS = ("series", "date", "value", "low", "high", "metric", "use", "source", "note")
USES = ("calibration", "held_out")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


class TargetsError(ScenarioError):
    """A targets file that cannot be used; the message is one line."""


@dataclass(frozen=True)
class Target:
    series: str
    date: str  # YYYY-MM, or YYYY for the year's mean
    value: float
    low: float
    high: float
    metric: str
    use: str
    source: str
    note: str

    @property
    def key(self) -> str:
        """The summary statistic's name: ``wildai@2024-06``."""
        return f"{self.series}@{self.date}"

    @property
    def outcome(self) -> str:
        """The outcome that simulates it (``METRIC@DATE``, the grammar of ``--outcome``)."""
        return f"{self.metric}@{self.date}"


def load_targets(path: str | Path) -> list[Target]:
    """Every row of a targets file, checked; refuses the file with one line at its first problem."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise TargetsError(f"{path}: cannot be read as CSV ({getattr(err, 'strerror', None) or err})") from None
    if not rows:
        raise TargetsError(f"{path}: empty; the first line names the columns {', '.join(COLUMNS)}")
    header = [name.strip() for name in rows[0]]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise TargetsError(f"{path}: missing column(s) {', '.join(missing)}; the columns are {', '.join(COLUMNS)}")
    targets, seen = [], set()
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise TargetsError(f"{path}: line {line}: {len(row)} fields, the header has {len(header)}")
        target = _target(dict(zip(header, (cell.strip() for cell in row), strict=True)), where=f"{path}: line {line}")
        if (target.series, target.date) in seen:
            raise TargetsError(f"{path}: line {line}: {target.series} {target.date} is given twice; keep one row")
        seen.add((target.series, target.date))
        targets.append(target)
    if not targets:
        raise TargetsError(f"{path}: no targets below the header")
    return targets


def _target(cells: dict[str, str], *, where: str) -> Target:
    for name in ("series", "date", "metric", "use", "source"):
        if not cells[name]:
            raise TargetsError(f"{where}: {name} is empty")
    found = _DATE.match(cells["date"])
    if found is None or (found.group(2) is not None and not 1 <= int(found.group(2)) <= 12):
        raise TargetsError(f"{where}: date {cells['date']!r} is not YYYY-MM (one month) or YYYY (the year's mean)")
    if cells["use"] not in USES:
        raise TargetsError(f"{where}: use {cells['use']!r}; give one of {', '.join(USES)}")
    parts = split_name(cells["metric"])
    row = None if parts is None else find(parts.kind, parts.metric)
    if row is None:
        raise TargetsError(f"{where}: unknown metric {cells['metric']!r}; give an observation metric of "
                           "docs/design.md, e.g. web.wildai_ai_token_share")
    numbers = {name: _number(cells[name], name=name, where=where) for name in ("value", "low", "high")}
    if row.unit == SHARE:
        for name, number in numbers.items():
            if not 0.0 <= number <= 1.0:
                raise TargetsError(f"{where}: {name} {number} is not a share in [0, 1] ({cells['metric']} is a share)")
    if not numbers["low"] <= numbers["value"] <= numbers["high"]:
        raise TargetsError(f"{where}: value {numbers['value']} is not within low {numbers['low']} .. high "
                           f"{numbers['high']}")
    return Target(series=cells["series"], date=cells["date"], metric=cells["metric"], use=cells["use"],
                  source=cells["source"], note=cells["note"], **numbers)


def _number(text: str, *, name: str, where: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise TargetsError(f"{where}: {name} {text!r} is not a number") from None
    if not math.isfinite(number):
        raise TargetsError(f"{where}: {name} {text!r} is not a finite number")
    return number
