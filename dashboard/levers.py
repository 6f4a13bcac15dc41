"""The dashboard's controls, as data: which levers a scenario offers, and how their values become
dotted-path overrides of the scenario file, validated exactly as the file itself is.

A lever never edits a Scenario object: every change goes back through ``load_scenario(path,
overrides=...)``, so a value the schema rejects gives the same one-line ``ScenarioError`` as a bad file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ecosystem.config import Scenario
from ecosystem.learning.data_policy import DataPolicy
from ecosystem.scenario_files import load_scenario

Kind = Literal["select", "float", "text", "check"]

SEED = "seed"
MANDATE_COMPLIANCE = "watermark_mandate.compliance"
MANDATE_START = "watermark_mandate.start"
DETECTOR_FILTERING = "detector_filtering"
FARM_COST = "farms.fixed_cost"
# The detector a scenario without one gets when the user turns detector filtering on.
ADDED_DETECTOR = "Detector"


@dataclass(frozen=True)
class Lever:
    """One control: its key in ``Recipe.settings``, a label, an input kind and its current value."""

    key: str
    label: str
    kind: Kind
    value: Any
    choices: tuple[str, ...] = ()
    low: float = 0.0
    high: float = 1.0
    step: float = 0.05


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


def overrides(base: Scenario, settings: dict[str, Any]) -> dict[str, Any]:
    """Dotted-path overrides for ``load_scenario`` from lever values. Policy levers rewrite the whole
    ``policies`` list (a list item cannot be added by path), keeping every policy they do not govern."""
    result = {key: value for key, value in settings.items() if key.startswith(("vendors.", "farms."))}
    if SEED in settings:
        result["seed"] = settings[SEED]
    policy_keys = (MANDATE_COMPLIANCE, MANDATE_START, DETECTOR_FILTERING)
    if any(key in settings for key in policy_keys):
        policies, detectors = _policies(base, {k: settings.get(k, base_value(base, k)) for k in policy_keys})
        result["policies"] = policies
        if detectors is not None:
            result["detectors"] = detectors
    return result


def _policies(base: Scenario, values: dict[str, Any]) -> tuple[list[dict], list[dict] | None]:
    dumped = [p.model_dump(mode="json") for p in base.policies]
    kept = [p for p in dumped if p["kind"] not in ("watermark_mandate", "detector_filtering")]
    mandate = next((p for p in dumped if p["kind"] == "watermark_mandate"), None)
    if values[MANDATE_COMPLIANCE] > 0:
        mandate = {**(mandate or {"kind": "watermark_mandate"}), "compliance": values[MANDATE_COMPLIANCE],
                   "start": values[MANDATE_START]}
        kept.append(mandate)
    detectors = None
    if values[DETECTOR_FILTERING]:
        filtering = next((p for p in dumped if p["kind"] == "detector_filtering"), None)
        if filtering is None:
            if not base.detectors:
                start = base.ai_start.strftime("%Y-%m")
                detectors = [{"name": ADDED_DETECTOR, "start": start}]
            name = base.detectors[0].name if base.detectors else ADDED_DETECTOR
            start = base.detectors[0].start if base.detectors else base.ai_start
            filtering = {"kind": "detector_filtering", "detector": name, "start": start.strftime("%Y-%m")}
        kept.append(filtering)
    return kept, detectors


def base_value(base: Scenario, key: str) -> Any:
    """A lever's value in the scenario file as written."""
    if key == SEED:
        return str(base.seed)
    mandate = next((p for p in base.policies if p.kind == "watermark_mandate"), None)
    if key == MANDATE_COMPLIANCE:
        return mandate.compliance if mandate else 0.0
    if key == MANDATE_START:
        return (mandate.start if mandate else base.ai_start).strftime("%Y-%m")
    if key == DETECTOR_FILTERING:
        return any(p.kind == "detector_filtering" for p in base.policies)
    if key == FARM_COST:
        return base.farms.fixed_cost
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
    detector = base.detectors[0].name if base.detectors else "a new detector"
    cost_high = max(2000.0, 3.0 * base.farms.fixed_cost)
    result += [
        Lever(MANDATE_COMPLIANCE, "Watermark mandate: compliance (0 = no mandate)", "float",
              recipe.value(MANDATE_COMPLIANCE), low=0.0, high=1.0, step=0.05),
        Lever(MANDATE_START, "Watermark mandate: start (YYYY-MM)", "text", recipe.value(MANDATE_START)),
        Lever(DETECTOR_FILTERING, f"Crawlers drop pages flagged by {detector}", "check",
              recipe.value(DETECTOR_FILTERING)),
        Lever(FARM_COST, "Content farm: monthly running cost ($)", "float", recipe.value(FARM_COST),
              low=0.0, high=cost_high, step=10.0),
        Lever(SEED, "Seed", "text", recipe.value(SEED)),
    ]
    return result
