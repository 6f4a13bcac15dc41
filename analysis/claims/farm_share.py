"""How the web-level findings depend on the farm share: the baseline web and the first-mover web with farms
publishing 45, 60 (shipped) and 90 pages a month, the farm share and the synthetic share of the crawls beside
the collapse and first-mover effects. Farm entry is a decision on each farm's drawn running cost, so the share
moves smoothly with these economics instead of jumping between farms and none."""

from __future__ import annotations

from collections.abc import Callable

from analysis.claims.calibration import BASELINE_QUICK
from analysis.claims.first_movers import FM_POLLUTED, FM_QUICK
from analysis.claims.measures import (
    crawlers_window_mean,
    entrant_first_synthetic,
    excess_gap_last_month,
    late_minus_first,
    window_mean,
)
from analysis.claims.model import SCENARIOS, VENDORS, Arm, Claim, Runs
from ecosystem.scenario_files import load_scenario

# Pages a farm publishes a month: baseline.yaml's (calibrated) and three quarters and one and a half times it.
_SHIPPED = int(load_scenario(SCENARIOS / "baseline.yaml").farms.docs_per_month)
_DOCS = (round(0.75 * _SHIPPED), _SHIPPED, round(1.5 * _SHIPPED))
FARM_LEVELS = (_DOCS[0], _DOCS[2])  # the levels beside the calibrated one, each with its own entries
_WINDOW = ("2024-06", "2025-06")


def _web(docs: int) -> str:
    """The baseline web's arm; at the shipped value, the ledger's own baseline run."""
    return "baseline" if docs == _SHIPPED else f"farms_web_{docs}"


def _fm(docs: int) -> str:
    """The polluted first-mover web's arm; at the shipped value, first_mover_pollution_age0's run."""
    return "fm_polluted" if docs == _SHIPPED else f"farms_fm_{docs}"


ARMS: dict[str, Arm] = {
    **{_web(d): Arm("baseline.yaml", {"end": "2025-06", "farms.docs_per_month": d}, BASELINE_QUICK)
       for d in _DOCS if d != _SHIPPED},
    **{_fm(d): Arm("first_mover.yaml", {**FM_POLLUTED, "farms.docs_per_month": d}, FM_QUICK)
       for d in _DOCS if d != _SHIPPED},
}


def _farm_share(arm: str) -> Callable[[Runs], float]:
    return lambda runs: window_mean(runs[arm], "farms.share_new", *_WINDOW)


def _web_holds(docs: int) -> str:
    return f"baseline.yaml to 2025-06 with farms.docs_per_month = {docs}; mean over 2024-06 to 2025-06"


def _fm_holds(docs: int) -> str:
    return f"as first_mover_pollution_age0, with farms.docs_per_month = {docs}"


CLAIMS: tuple[Claim, ...] = tuple(
    claim for docs in _DOCS for claim in (
        Claim(f"farm_share_{docs}",
              f"With farms publishing {docs} pages a month, farms write {{effect}} of new pages.",
              (_web(docs),), _farm_share(_web(docs)), "(share of new pages)", _web_holds(docs), ""),
        Claim(f"farm_crawl_synthetic_{docs}",
              f"With farms publishing {docs} pages a month, {{effect}} of the pages the vendors' crawlers keep are "
              "machine-made.",
              (_web(docs),), crawlers_window_mean(_web(docs), "synthetic_share", *_WINDOW), "(share)",
              _web_holds(docs), ""),
        Claim(f"first_mover_pollution_age0_farms_{docs}",
              f"With farms publishing {docs} pages a month, the late entrant's first model is worse than the first "
              "mover's by {effect} of excess NLL.",
              (_fm(docs),), late_minus_first(_fm(docs), "excess_nll", 0), "nats", _fm_holds(docs), "", direction=+1),
        Claim(f"entrant_first_crawl_synthetic_farms_{docs}",
              f"With farms publishing {docs} pages a month, the late entrant's first training set is {{effect}} "
              "synthetic.",
              (_fm(docs),), entrant_first_synthetic(_fm(docs)),
              "(share)", _fm_holds(docs), ""),
    )
) + tuple(
    Claim(f"farm_excess_effect_{docs}",
          f"Farms publishing {docs} rather than {_SHIPPED} pages a month change the vendors' excess NLL in June 2025 "
          "by {effect}.",
          (_web(docs), _web(_SHIPPED)), excess_gap_last_month(_web(docs), _web(_SHIPPED), VENDORS),
          "nats (mean over the baseline's vendors)", _web_holds(docs), "")
    for docs in _DOCS if docs != _SHIPPED
)
