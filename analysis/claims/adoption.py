"""Watermark adoption as vendors' decisions (watermark_adoption, docs/policies.md): whether voluntary marking takes
off and up to which marking cost (a one-way sweep's threshold), whether a reciprocal key registry tips it, what
fines do, what share of new synthetic pages is marked and what that does to collapse, whether the early adopter
is the first mover, and what adoption does to the late entrant's first training data.

The baseline arms run to the end of 2030 ("by 2030"): their measures read the run's last twelve months, so the
reduced runs (to 2025-05) measure the same thing earlier. The payoff scales are assumptions (no published
figure): the entries say what happens at the levels swept, not at a measured cost."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from analysis.claims.calibration import BASELINE_QUICK
from analysis.claims.first_movers import FM_POLLUTED, FM_QUICK
from analysis.claims.measures import difference, entrant_first_synthetic, excess_gap_last_year
from analysis.claims.model import Arm, Claim, Runs

COSTS = (0.0, 0.05, 0.1, 0.2)  # marking_cost levels of the one-way sweep (payoff units a month)
SHIPPED_COST = 0.1  # scenarios/policies/watermark_adoption.yaml's
FM_COST = 0.0  # on the first-mover web: where voluntary marking takes off, so who marks first can show
TAKEOFF = 0.5  # "takes off": at least half the deciding vendors mark, on average over the last year
_END = {"end": "2030-12"}


def _adoption(cost: float, start: str = "2023-01", **fields) -> dict:
    """A voluntary watermark_adoption as scenarios/policies/watermark_adoption.yaml sets it, at ``cost``."""
    return {"kind": "watermark_adoption", "start": start, "rationality": 20, "revise_per_month": 0.25,
            "benefit_per_share": 1.0, "marking_cost": cost, "user_avoidance": 0.05, **fields}


_REGISTRY = {"kind": "watermark_registry", "start": "2023-01", "reciprocal": True}
_FINES = {"fine": 1.0, "enforcement": 0.25}  # expected fine 0.25: above marking's net cost for every vendor


def cost_tag(cost: float) -> str:
    """The cost in hundredths, three digits: 0.05 -> "005"."""
    return f"{round(cost * 100):03d}"


def cost_arm(cost: float) -> str:
    return f"adopt_cost_{cost_tag(cost)}"


ARMS: dict[str, Arm] = {
    "adopt_none": Arm("baseline.yaml", _END, BASELINE_QUICK),
    **{cost_arm(c): Arm("baseline.yaml", {**_END, "policies+": [_adoption(c)]}, BASELINE_QUICK) for c in COSTS},
    "adopt_registry": Arm("baseline.yaml", {**_END, "policies+": [_adoption(SHIPPED_COST), _REGISTRY]},
                          BASELINE_QUICK),
    "adopt_fines": Arm("baseline.yaml", {**_END, "policies+": [_adoption(SHIPPED_COST, **_FINES)]}, BASELINE_QUICK),
    # The first-mover web: FirstMover alone for eight years, then LateEntrant (first_movers.py's fm_polluted); the
    # policy from FirstMover's entry, so each vendor decides from its own entry; marking free but for the users.
    "fm_adopt": Arm("first_mover.yaml", {**FM_POLLUTED, "policies+": [_adoption(FM_COST, "2020-01")]}, FM_QUICK),
    "fm_adopt_shared_keys": Arm("first_mover.yaml", {**FM_POLLUTED, "policies+": [
        _adoption(FM_COST, "2020-01"), {"kind": "watermark_registry", "start": "2020-01"}]}, FM_QUICK),
}

# ----------------------------------------------------------------------------------------------
# Measures of one seed's runs


def last_year_mean(arm: str, column: str) -> Callable[[Runs], float]:
    """A metric's mean over the run's last twelve months (0 where it was not written: nobody decided yet)."""
    def measure(runs: Runs) -> float:
        frame = runs[arm].sort("step")
        if column not in frame.columns:
            return 0.0
        return float(frame[column].tail(12).fill_null(0.0).mean())
    return measure


def takeoff_cost(arms: Sequence[tuple[float, str]], share: float = TAKEOFF) -> Callable[[Runs], float]:
    """The marking cost at which the last year's adoption share falls to ``share``: linear between the first
    level below it and the one before; the highest level swept if it never falls, the lowest if it never
    reaches ``share`` (the sweep's ends bound the answer)."""
    def measure(runs: Runs) -> float:
        costs = [c for c, _ in arms]
        shares = [last_year_mean(arm, "watermark.adoption_share")(runs) for _, arm in arms]
        if shares[0] < share:
            return costs[0]
        for i in range(1, len(costs)):
            if shares[i] < share:
                return float(np.interp(share, [shares[i], shares[i - 1]], [costs[i], costs[i - 1]]))
        return costs[-1]
    return measure


def marking_gap_last_year(arm: str, first: str, other: str) -> Callable[[Runs], float]:
    """Share of the run's last twelve months in which ``first`` marks, minus ``other``'s (months a vendor has not
    entered count as not marking). On the first-mover web these are the late entrant's first twelve months, so
    the two are compared over the same months, not over windows of different lengths."""
    return difference(last_year_mean(arm, f"vendor.{first}.marks"), last_year_mean(arm, f"vendor.{other}.marks"))


# ----------------------------------------------------------------------------------------------
# Claims

_HOLDS = ("baseline.yaml to 2030-12 with watermark_adoption from 2023-01 (rationality 20, a quarter of vendors "
          "reconsider a month, benefit 1 per share of a vendor's crawl its own model wrote, user_avoidance 0.05, no "
          "user market); measured over 2030")
_SHIPPED = f"marking_cost {SHIPPED_COST:g}, as scenarios/policies/watermark_adoption.yaml"
_FM_HOLDS = ("first_mover.yaml as first_mover_pollution_age0 (no user market), with watermark_adoption from 2020-01 "
             f"(marking_cost {FM_COST:g}, otherwise as scenarios/policies/watermark_adoption.yaml); FirstMover enters "
             "2020-01, LateEntrant 2028-01")
_ASSUMED = "payoff scales are assumptions (no published figure); other costs, benefits or noise may differ"

CLAIMS: tuple[Claim, ...] = (
    *(Claim(f"watermark_voluntary_adoption_cost_{cost_tag(c)}",
            f"With a marking cost of {c:g} and no regulator, {{effect}} of vendors mark their API output in 2030.",
            (cost_arm(c),), last_year_mean(cost_arm(c), "watermark.adoption_share"), "(share of vendors)",
            f"{_HOLDS}; marking_cost {c:g}", _ASSUMED) for c in COSTS),
    Claim("watermark_voluntary_takeoff_cost",
          f"Voluntary marking takes off (at least {TAKEOFF:.0%} of vendors mark in 2030) up to a marking cost of "
          "{effect} payoff units a month.",
          tuple(cost_arm(c) for c in COSTS), takeoff_cost([(c, cost_arm(c)) for c in COSTS]), "payoff units",
          f"{_HOLDS}; one-way sweep of marking_cost over {', '.join(f'{c:g}' for c in COSTS)}, linear between levels",
          f"bounded by the sweep's ends; {_ASSUMED}", digits=3),
    Claim("watermark_registry_tips_adoption",
          "A reciprocal key registry (members read each other's marks only while they mark) raises voluntary adoption "
          "in 2030 by {effect} of vendors.",
          (cost_arm(SHIPPED_COST), "adopt_registry"),
          difference(last_year_mean("adopt_registry", "watermark.adoption_share"),
                     last_year_mean(cost_arm(SHIPPED_COST), "watermark.adoption_share")),
          "(share of vendors)", f"{_HOLDS}; {_SHIPPED}; a registry of every vendor, reciprocal", _ASSUMED,
          direction=+1),
    Claim("watermark_fines_adoption",
          "With an expected fine of 0.25 a month (enforcement 0.25 x fine 1) {effect} of vendors mark in 2030.",
          ("adopt_fines",), last_year_mean("adopt_fines", "watermark.adoption_share"), "(share of vendors)",
          f"{_HOLDS}; {_SHIPPED}; fine 1, enforcement 0.25", _ASSUMED),
    *(Claim(f"watermark_marked_share_{name}",
            f"{words}, {{effect}} of new synthetic pages carry a surviving mark in 2030.",
            (arm,), last_year_mean(arm, "watermark.coverage"), "(share of new synthetic pages)",
            f"{_HOLDS}; {_SHIPPED}{extra}", "open weights are never marked; edits weaken marks")
      for name, arm, words, extra in (
          ("voluntary", cost_arm(SHIPPED_COST), "With voluntary adoption", ""),
          ("registry", "adopt_registry", "With voluntary adoption and a reciprocal registry", "; reciprocal registry"),
          ("fines", "adopt_fines", "With fines", "; fine 1, enforcement 0.25"))),
    Claim("watermark_fines_collapse",
          "Fines that make marking universal change the vendors' excess NLL in 2030 by {effect} against no policy "
          "(crawlers drop the marked pages they can detect, their own key only).",
          ("adopt_none", "adopt_fines"), excess_gap_last_year("adopt_fines", "adopt_none"), "nats",
          f"{_HOLDS}; {_SHIPPED}; fine 1, enforcement 0.25; mean over the five original vendors", "", direction=-1),
    Claim("watermark_early_adopter_first_mover",
          "In the late entrant's first year the first mover marks its output in {effect} more of the months than "
          "the late entrant (its own pages fill more of its crawl, so marking is worth more to it).",
          ("fm_adopt",), marking_gap_last_year("fm_adopt", "FirstMover", "LateEntrant"), "(share of months)",
          f"{_FM_HOLDS}; over the run's last year (2028-02 to 2029-01)",
          "at marking cost 0.1 neither marks much (watermark_voluntary_adoption_cost_010)", direction=+1),
    Claim("watermark_adoption_entrant_first_synthetic",
          "Voluntary adoption changes the synthetic share of the late entrant's first training set by {effect} "
          "(the marks the others choose are not its to read).",
          ("fm_polluted", "fm_adopt"),
          difference(entrant_first_synthetic("fm_adopt"), entrant_first_synthetic("fm_polluted")), "(share)",
          _FM_HOLDS, ""),
    Claim("watermark_shared_keys_entrant_first_synthetic",
          "With every vendor's keys shared (a registry that is not reciprocal), voluntary adoption changes the "
          "synthetic share of the late entrant's first training set by {effect}.",
          ("fm_polluted", "fm_adopt_shared_keys"),
          difference(entrant_first_synthetic("fm_adopt_shared_keys"), entrant_first_synthetic("fm_polluted")),
          "(share)", f"{_FM_HOLDS}; a registry of every vendor, not reciprocal (keys shared with every member)", "",
          direction=-1),
)
