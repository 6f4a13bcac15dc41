"""Calibration: the simulated web against published measurements at their dates (AI-written pages, AI share of
tokens, writing displaced by assistants)."""

from __future__ import annotations

import datetime as dt

from analysis.claims.measures import value_at
from analysis.claims.model import REPO, Arm, Claim
from ecosystem.calibration.targets import Target, load_targets

# WildAI's forecasts (Russell et al. 2026, arXiv 2609.40295): not measurements, so not in data/targets.csv.
WILDAI_FORECAST = {"2027-12": 0.423, "2028-12": 0.507}
TARGETS = REPO / "data" / "targets.csv"
# The web's calibrations in the order they were fitted: farm economics (web_2024), the Q&A community (web_2025),
# then the writers, the rest of a crawl and the crawl (web_2027) with the others held
CALIBRATIONS = ("scenarios/calibration/web_2024.yaml", "scenarios/calibration/web_2025.yaml",
                "scenarios/calibration/web_2027.yaml")
MARKET_CALIBRATION = "scenarios/calibration/market_2025.yaml"

# The reduced baseline web that arms built on baseline.yaml share in the test version.
BASELINE_QUICK = {"humans.writers": 60, "end": "2025-05", "reality.test_per_topic": 40, "metrics.model_samples": 1000}
DISPLACEMENT_HOLDS = ("displacement.yaml: baseline.yaml with article writers too leaving documents to assistants by "
                      "how well the best model answers their topic (immediate 0.17, with_adoption 0.33: a what-if)")

ARMS: dict[str, Arm] = {
    # per-topic rows only add metrics (the who-loses entries read them), so one run serves both
    "baseline": Arm("baseline.yaml", {"end": "2025-06", "metrics.per_topic": True}, BASELINE_QUICK),
    "displacement": Arm("displacement.yaml", {"end": "2025-06"}, BASELINE_QUICK),
    "measured_web": Arm("baseline.yaml", {"end": "2028-12"}, {**BASELINE_QUICK, "end": "2028-12"}),
}

# Each series as a reader would say what it measures; the published rows are data/targets.csv's.
_SAYS = {
    "wildai": "WildAI's measure of the simulated crawl (AI share of its tokens) reads {effect} in {month}.",
    "wildai_ai_length": "A crawled document WildAI's detector calls AI is {effect} long in {month}.",
    "wildai_human_length": "A crawled document WildAI's detector calls human is {effect} long in {month}.",
    "graphite": "Graphite's measure (new articles its detector calls more than half AI-written) reads {effect} "
                "in {month}.",
    "ahrefs": "Ahrefs' measure (new pages with any AI text) reads {effect} in {month}.",
    "similarweb": "Similarweb's measure (the first-entering vendor's share of chatbot users) reads {effect} in "
                  "{month}.",
}
_LEDGER_DATES = {"wildai": ("2022-06", "2023-06", "2024-06", "2025-01", "2025-06", "2026-01", "2026-06", "2026-08")}
_HOLDS = (f"scenarios/baseline.yaml, calibrated ({', then '.join(CALIBRATIONS)}) to WildAI's token shares and AI "
          "document lengths, "
          "Graphite's and Ahrefs' page shares and Stack Overflow's questions at once, and its user market "
          f"({MARKET_CALIBRATION}) to Similarweb's first-mover share; each series observed as it was measured "
          "(ecosystem/observations.py)")


def observed_id(target: Target) -> str:
    """The ledger id of the entry holding the simulated web against a published figure."""
    return f"calibration_{target.series}_{target.date.replace('-', '_')}"


def _month(date: str) -> str:
    return f"{dt.date.fromisoformat(date + '-01'):%b %Y}"


def _observed(target: Target) -> Claim:
    share = target.high <= 1.0
    published = (f"{target.value:.1%} [{target.low:.1%}, {target.high:.1%}]" if share else
                 f"{target.value:.0f} [{target.low:.0f}, {target.high:.0f}] tokens")
    use = "fitted by the calibration" if target.use == "calibration" else "held out of the calibration"
    return Claim(observed_id(target), _SAYS[target.series].format(effect="{effect}", month=_month(target.date)),
                 ("measured_web",), value_at("measured_web", target.metric, target.date),
                 "(share)" if share else "tokens", _HOLDS, "", published=f"{published} ({target.source}); {use}",
                 digits=3 if share else 0, fitted=target.use == "calibration",
                 target=None if target.use == "calibration" else target)


OBSERVED: tuple[Claim, ...] = tuple(
    _observed(t) for t in load_targets(TARGETS)
    if t.series in _SAYS and len(t.date) == 7 and t.date in _LEDGER_DATES.get(t.series, (t.date,))
)

FORECASTS: tuple[Claim, ...] = tuple(
    Claim(f"calibration_wildai_forecast_{date.replace('-', '_')}",
          f"WildAI's measure of the simulated crawl reads {{effect}} in {_month(date)} (against a published "
          "forecast).", ("measured_web",), value_at("measured_web", "web.wildai_ai_token_share", date),
          "(share)", _HOLDS, "", published=f"{share:.1%} (forecast, Russell et al. 2026, WildAI)", digits=3)
    for date, share in WILDAI_FORECAST.items()
)

# del Rio-Chanona et al. 2023 measured Stack Overflow's fall against other platforms (difference in differences):
# a second design beside the yearly counts the calibration fits, compared here, never fitted.
DISPLACED_SHARES: tuple[Claim, ...] = (
    Claim("calibration_stackoverflow_2023_05",
          "A Q&A community still asks {effect} of the questions it would ask without assistants in May 2023.",
          ("measured_web",), value_at("measured_web", "humans.stackoverflow_question_share", "2023-05"),
          "(share)", _HOLDS, "", digits=3,
          published="-16% Stack Overflow posts after ChatGPT, against other platforms (del Rio-Chanona et al. 2023)"),
    Claim("calibration_stackoverflow_2024_06",
          "A Q&A community still asks {effect} of the questions it would ask without assistants in June 2024.",
          ("measured_web",), value_at("measured_web", "humans.stackoverflow_question_share", "2024-06"),
          "(share)", _HOLDS, "", digits=3, published="growing to ~25% (del Rio-Chanona et al. 2023)"),
)
