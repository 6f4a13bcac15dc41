"""First movers: a late entrant against the first mover, on a polluted web, a clean one and with drift, and the
user lead the market gives the first mover."""

from __future__ import annotations

from analysis.claims.measures import difference, entrant_first_synthetic, late_minus_first, share_gap
from analysis.claims.model import Arm, Claim

_CLEAN_WEB = {  # nothing synthetic is ever published: no farms, no assistants, no vendor output
    "farms.candidates_per_month": 0, "humans.assistant.innovation": 0.0, "humans.assistant.imitation": 0.0,
    "vendors.Pioneer.publish_per_month": 0,
}
_NO_DRIFT = {"reality.drift.new_topics_per_year": 0}
_NO_MARKET = {"market.users": 0}
# The reduced version moves the late entrant to 2021 so that ages 0, 12 and 24 fit in five short years.
FM_QUICK = {"humans.writers": 60, "reality.test_per_topic": 40, "metrics.model_samples": 1000,
             "vendors.LateEntrant.entry": "2021-01", "end": "2023-01"}

FM_POLLUTED = {**_NO_DRIFT, **_NO_MARKET, "end": "2029-01"}  # the polluted web, as farm_share varies it

ARMS: dict[str, Arm] = {
    "fm_polluted": Arm("first_mover.yaml", FM_POLLUTED, FM_QUICK),
    "fm_clean": Arm("first_mover.yaml", {**_NO_DRIFT, **_NO_MARKET, **_CLEAN_WEB, "end": "2029-01"}, FM_QUICK),
    "fm_clean_drift": Arm("first_mover.yaml", {**_NO_MARKET, **_CLEAN_WEB, "end": "2029-01"}, FM_QUICK),
    "fm_market": Arm("first_mover.yaml", {"end": "2031-01"}, {**FM_QUICK, "end": "2024-01"}),
    "fm_market_equal": Arm("first_mover.yaml", {"end": "2031-01", "market.quality_sensitivity": 0.0},
                           {**FM_QUICK, "end": "2024-01"}),
}

CLAIMS: tuple[Claim, ...] = (
    Claim("first_mover_pollution_age0",
          "On a polluted web, a late entrant's first model is worse than the first mover's first model by "
          "{effect} of excess NLL (same age, equal training size, same reality).",
          ("fm_polluted",), late_minus_first("fm_polluted", "excess_nll", 0),
          "nats", "first_mover.yaml, entries 2020-01 and 2028-01; drift off (same reality); no user market "
          "(no revenue, no licences); equal train_size 4,000; tau = 0.9; replace",
          "a clean web gives no gap (first_mover_clean_age0); with drift on the gap also carries new topics "
          "(first_mover_drift_age0)", direction=+1),
    Claim("first_mover_pollution_age12",
          "A year later (age 12 months, second model) the late entrant is still worse by {effect} of excess NLL.",
          ("fm_polluted",), late_minus_first("fm_polluted", "excess_nll", 12),
          "nats", "as first_mover_pollution_age0", "", direction=+1),
    Claim("first_mover_clean_age0",
          "On a web where nothing synthetic is published, the late entrant's first model differs from the first "
          "mover's by {effect} of excess NLL (the counterfactual control).",
          ("fm_clean",), late_minus_first("fm_clean", "excess_nll", 0),
          "nats", "as first_mover_pollution_age0, with no farms, no assistants and no vendor output", ""),
    Claim("first_mover_drift_age0",
          "Drift alone (new topics, a clean web) makes the late entrant's first model differ by {effect} of "
          "excess NLL.",
          ("fm_clean_drift",), late_minus_first("fm_clean_drift", "excess_nll", 0),
          "nats", "clean web; one new topic a year from 2019; no user market", ""),
    Claim("entrant_first_crawl_synthetic",
          "The late entrant's first training set is {effect} synthetic.",
          ("fm_polluted",), entrant_first_synthetic("fm_polluted"),
          "(share)", "as first_mover_pollution_age0", "", digits=2),
    *(claim for months in (12, 24, 36) for claim in (
        Claim(f"user_share_gap_{months}",
              f"{months} months after the late entrant arrives, the first mover leads in users by {{effect}}.",
              ("fm_market",), share_gap("fm_market", months),
              "(share of users)", "first_mover.yaml as shipped: users re-choose 10% a month by quality with a "
              "switching cost 1.5; revenue buys crawl pages and licences; drift on", "", direction=+1),
        Claim(f"user_share_inertia_{months}",
              f"With users blind to quality (equal-quality counterfactual) the lead {months} months on is {{effect}}: "
              "inertia alone.",
              ("fm_market_equal",), share_gap("fm_market_equal", months),
              "(share of users)", f"as user_share_gap_{months} with quality_sensitivity 0", "", direction=+1),
        Claim(f"user_share_quality_{months}",
              f"{months} months on, the part of the first mover's user lead that quality earns, net of inertia on "
              "the same seeds, is {effect}.",
              ("fm_market", "fm_market_equal"),
              difference(share_gap("fm_market", months), share_gap("fm_market_equal", months)),
              "(share of users)", f"user_share_gap_{months} minus user_share_inertia_{months}, seed by seed; the "
              "quality part includes drift and the data revenue buys", "", direction=+1),
    )),
)
