"""The dashboard's controls, as data: which levers a scenario offers, and how their values become
dotted-path overrides of the scenario file, validated exactly as the file itself is.

A lever never edits a Scenario object: every change goes back through ``load_scenario(path,
overrides=...)``, so a value the schema rejects gives the same one-line ``ScenarioError`` as a bad file.

The policy controls are built from the policy levers' declarations (``ecosystem.policies.LEVERS``): the
name, description, fields and ranges each lever declares. ``POLICY_CONTROLS`` holds only what a
declaration does not say (which levers the page offers, and through which field), so offering another
policy lever is one entry there, not a new control.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from annotated_types import Ge, Gt, Le, Lt

from ecosystem.config import Scenario
from ecosystem.learning.data_policy import DataPolicy
from ecosystem.policies import LEVERS
from ecosystem.scenario_files import load_scenario

Kind = Literal["select", "float", "text", "check"]

SEED = "seed"
FARM_COST = "farms.fixed_cost"
# The detector a scenario without one gets when the user turns on a policy that must name a detector.
ADDED_DETECTOR = "Detector"
SLIDER_STEPS = 20  # a policy slider moves in twentieths of its declared range (0.05 for a share)


@dataclass(frozen=True)
class PolicyControl:
    """How the page offers one declared policy lever: what its declaration does not say."""

    amount: str | None = None  # a number field shown as a slider, whose 0 removes the policy; None: a check box
    start: bool = False  # its start month is a control too (else: its detector's start, or the AI start)


POLICY_CONTROLS: dict[str, PolicyControl] = {
    "watermark_mandate": PolicyControl(amount="compliance", start=True),
    "detector_filtering": PolicyControl(),
}


@dataclass(frozen=True)
class Lever:
    """One control: its key in ``Recipe.settings``, a label, an input kind and its current value; ``help``
    says what it does (a policy lever's declared description)."""

    key: str
    label: str
    kind: Kind
    value: Any
    choices: tuple[str, ...] = ()
    low: float = 0.0
    high: float = 1.0
    step: float = 0.05
    help: str = ""


@dataclass(frozen=True)
class Recipe:
    """A scenario file plus the user's lever values; ``scenario`` is the validated result."""

    path: Path
    base: Scenario  # the file as written, without any lever
    settings: dict[str, Any] = field(default_factory=dict)
    scenario: Scenario | None = None

    @classmethod
    def from_file(cls, path: str | Path) -> Recipe:
        """Raises ScenarioError (one line) if the file is not a valid scenario."""
        base = load_scenario(path)
        return cls(Path(path), base, {}, base)

    def with_setting(self, key: str, value: Any) -> Recipe:
        """The recipe with one lever moved, validated; raises ScenarioError and changes nothing if the
        resulting scenario is invalid."""
        settings = {**self.settings, key: value}
        scenario = load_scenario(self.path, overrides=overrides(self.base, settings))
        return Recipe(self.path, self.base, settings, scenario)

    def value(self, key: str) -> Any:
        return self.settings.get(key, base_value(self.base, key))


# Policy levers: keys, values and controls, from their declarations

def switch_key(kind: str) -> str:
    """The control that turns a policy on: its amount field (``watermark_mandate.compliance``) or its kind."""
    amount = POLICY_CONTROLS[kind].amount
    return f"{kind}.{amount}" if amount else kind


def start_key(kind: str) -> str:
    return f"{kind}.start"


def policy_keys() -> list[str]:
    keys = [switch_key(kind) for kind in POLICY_CONTROLS]
    return keys + [start_key(kind) for kind, control in POLICY_CONTROLS.items() if control.start]


def lever_name(kind: str) -> str:
    """``watermark_mandate`` -> "Watermark mandate"."""
    return kind.replace("_", " ").capitalize()


def field_range(kind: str, name: str) -> tuple[float, float]:
    """A number field's declared bounds (``Share``: 0 to 1)."""
    low = high = None
    for bound in LEVERS[kind].config.model_fields[name].metadata:
        if isinstance(bound, Ge | Gt):
            low = float(bound.ge if isinstance(bound, Ge) else bound.gt)
        elif isinstance(bound, Le | Lt):
            high = float(bound.le if isinstance(bound, Le) else bound.lt)
    if low != 0.0 or high is None:
        raise ValueError(f"{kind}.{name} declares no range from 0 (got {low} to {high}): it cannot be a slider "
                         "whose 0 removes the policy")
    return low, high


def _detector_fields(kind: str) -> list[str]:
    """The fields a policy of this kind must fill with a detector's name."""
    config = LEVERS[kind].config
    return [name for name, info in config.model_fields.items()
            if info.is_required() and config.references.get(name) == "detector"]


def _new_policy(base: Scenario, kind: str) -> dict:
    """A policy of this kind with its declared defaults, naming the detector it must name (see
    ``_detector``) and starting with that detector, or else at the AI start."""
    required = {name for name, info in LEVERS[kind].config.model_fields.items() if info.is_required()}
    unfilled = required - {"kind", "start", *_detector_fields(kind)}
    if unfilled:
        raise ValueError(f"the dashboard cannot offer {kind}: it does not know what to put in {sorted(unfilled)}")
    policy = {"kind": kind, "start": base.ai_start.strftime("%Y-%m")}
    if _detector_fields(kind):
        policy |= dict.fromkeys(_detector_fields(kind), _detector(base, kind))
        if base.detectors:
            policy["start"] = base.detectors[0].start.strftime("%Y-%m")
    return policy


def _detector(base: Scenario, kind: str) -> str:
    """The detector a policy of this kind names: the scenario's policy's, else the scenario's first
    detector, else the one the dashboard adds."""
    policy = _first(base, kind)
    if policy is not None:
        return getattr(policy, _detector_fields(kind)[0])
    return base.detectors[0].name if base.detectors else ADDED_DETECTOR


def _first(base: Scenario, kind: str):
    return next((p for p in base.policies if p.kind == kind), None)


def _policies(base: Scenario, values: dict[str, Any]) -> tuple[list[dict], list[dict] | None]:
    """The scenario's policies with the offered levers as the controls say, in the order of
    ``POLICY_CONTROLS`` after every policy they do not govern; and the detectors, if one must be added."""
    kept = [p.model_dump(mode="json") for p in base.policies if p.kind not in POLICY_CONTROLS]
    for kind, control in POLICY_CONTROLS.items():
        if not values[switch_key(kind)]:  # 0 or off: no such policy
            continue
        existing = _first(base, kind)
        policy = existing.model_dump(mode="json") if existing else _new_policy(base, kind)
        if control.amount:
            policy[control.amount] = values[switch_key(kind)]
        if control.start:
            policy["start"] = values[start_key(kind)]
        kept.append(policy)
    named = {p[name] for p in kept for name in _detector_fields(p["kind"])}
    detectors = None
    if ADDED_DETECTOR in named and not base.detectors:
        detectors = [{"name": ADDED_DETECTOR, "start": base.ai_start.strftime("%Y-%m")}]
    return kept, detectors


def _policy_value(base: Scenario, key: str) -> Any:
    kind = key.split(".")[0]
    policy = _first(base, kind)
    if key == start_key(kind):
        return (policy.start if policy else base.ai_start).strftime("%Y-%m")
    amount = POLICY_CONTROLS[kind].amount
    if amount:
        return getattr(policy, amount) if policy else 0.0
    return policy is not None


def policy_levers(recipe: Recipe) -> list[Lever]:
    """The offered policy levers' controls, labelled from their declarations."""
    result = []
    for kind, control in POLICY_CONTROLS.items():
        lever, name = LEVERS[kind], lever_name(kind)
        key = switch_key(kind)
        if control.amount:
            low, high = field_range(kind, control.amount)
            info = lever.config.model_fields[control.amount]
            title = info.title or control.amount.replace("_", " ")
            result.append(Lever(key, f"{name}: {title} (0 = off)", "float", recipe.value(key), low=low, high=high,
                                step=(high - low) / SLIDER_STEPS, help=lever.description))
        else:
            named = _detector(recipe.base, kind) if _detector_fields(kind) else None
            by = "" if named is None else f" (with {named if recipe.base.detectors else 'a new detector'})"
            result.append(Lever(key, f"{name}{by}", "check", recipe.value(key), help=lever.description))
        if control.start:
            result.append(Lever(start_key(kind), f"{name}: start (YYYY-MM)", "text", recipe.value(start_key(kind))))
    return result


# Every lever

def overrides(base: Scenario, settings: dict[str, Any]) -> dict[str, Any]:
    """Dotted-path overrides for ``load_scenario`` from lever values. Policy levers rewrite the whole
    ``policies`` list (a list item cannot be added by path), keeping every policy they do not govern."""
    result = {key: value for key, value in settings.items() if key.startswith(("vendors.", "farms."))}
    if SEED in settings:
        result["seed"] = settings[SEED]
    keys = policy_keys()
    if any(key in settings for key in keys):
        policies, detectors = _policies(base, {k: settings.get(k, base_value(base, k)) for k in keys})
        result["policies"] = policies
        if detectors is not None:
            result["detectors"] = detectors
    return result


def base_value(base: Scenario, key: str) -> Any:
    """A lever's value in the scenario file as written."""
    if key == SEED:
        return str(base.seed)
    if key == FARM_COST:
        return base.farms.fixed_cost
    if key.split(".")[0] in POLICY_CONTROLS:
        return _policy_value(base, key)
    _, name, attribute = key.split(".")
    vendor = next(v for v in base.vendors if v.name == name)
    value = getattr(vendor, attribute)
    return str(value) if attribute == "data_policy" else value


def levers(recipe: Recipe) -> list[Lever]:
    """The controls a scenario offers, with the recipe's current values."""
    base = recipe.base
    result = []
    for vendor in base.vendors:
        key = f"vendors.{vendor.name}"
        result.append(Lever(f"{key}.data_policy", f"{vendor.name}: training data", "select",
                            recipe.value(f"{key}.data_policy"), choices=tuple(p.value for p in DataPolicy)))
        result.append(Lever(f"{key}.temperature", f"{vendor.name}: sampling temperature", "float",
                            recipe.value(f"{key}.temperature"), low=0.1, high=2.0, step=0.05))
    cost_high = max(2000.0, 3.0 * base.farms.fixed_cost)
    result += policy_levers(recipe)
    result += [
        Lever(FARM_COST, "Content farm: monthly running cost ($)", "float", recipe.value(FARM_COST),
              low=0.0, high=cost_high, step=10.0),
        Lever(SEED, "Seed", "text", recipe.value(SEED)),
    ]
    return result
