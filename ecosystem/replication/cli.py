"""Turn the ``ecosim replicate`` command line into an experiment's options (no printing, no exiting).

The command line has one spelling for what several experiments share (``--policy``, ``--estimator``)
and ``--option key=value`` for the rest; this module maps them onto each experiment's own keywords
and rejects, with a message naming the option, anything the chosen experiment does not take.
"""

from __future__ import annotations

from typing import Any

from ecosystem.replication.common import ReplicationError
from ecosystem.replication.registry import EXPERIMENTS, get_experiment


def options_from_cli(name: str, *, given: dict[str, Any], extra: list[str]) -> dict[str, Any]:
    """``given``: the named command-line options (None = not given); ``extra``: ``key=value`` strings."""
    accepted = get_experiment(name).defaults()
    options: dict[str, Any] = {}
    for flag, value in given.items():
        if value is None or value == []:
            continue
        key = _keyword(flag, accepted)
        if key is None:
            raise ReplicationError(f"--{flag.replace('_', '-')} does not apply to experiment {name!r}")
        if isinstance(value, list):  # repeatable flags; "a,b" counts as two values
            value = tuple(v.strip() for item in value for v in item.split(","))
            if key not in _PLURAL.values():
                if len(value) > 1:
                    raise ReplicationError(f"--{flag.replace('_', '-')} takes one value for {name!r}, "
                                           f"got {','.join(value)!r}")
                value = value[0]
        options[key] = value
    for item in extra:
        key, sep, raw = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in accepted:
            raise ReplicationError(f"--option {item!r}: expected KEY=VALUE with KEY one of "
                                   f"{', '.join(accepted)}")
        options[key] = _parse(raw.strip())
    return options


_PLURAL = {"policy": "policies", "estimator": "estimators"}  # experiments that compare several arms


def _keyword(flag: str, accepted: dict[str, Any]) -> str | None:
    for key in (flag, _PLURAL.get(flag)):
        if key in accepted:
            return key
    return None


def _parse(raw: str) -> Any:
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return raw


def describe_experiments() -> list[tuple[str, str, str, str]]:
    """(name, summary, reference, options with defaults) for every experiment."""
    rows = []
    for experiment in EXPERIMENTS.values():
        defaults = ", ".join(f"{k}={','.join(v) if isinstance(v, tuple) else v}"
                             for k, v in experiment.defaults().items())
        rows.append((experiment.name, experiment.summary, experiment.reference, defaults))
    return rows
