"""How the first-mover pollution penalty depends on how synthetic the training crawls are: the polluted
first-mover web with a Common-Crawl-like crawl made of 5, 10, 20, 40 and 80% pages new since the last crawl
(``web.crawl.fresh_share``; the rest are re-crawled older pages, by site rank), which every vendor crawler
takes. A low fresh share means mostly older, pre-AI pages; 0.8 is the engine's default. Per level, the late
entrant's penalty at age 0 beside the synthetic share of the training set it assumes;
``python -m analysis.crawl_share_figure`` draws the one against the other."""

from __future__ import annotations

from analysis.claims.first_movers import FM_POLLUTED, FM_QUICK
from analysis.claims.measures import entrant_first_synthetic, late_minus_first
from analysis.claims.model import Arm, Claim

LEVELS = (0.05, 0.1, 0.2, 0.4, 0.8)  # web.crawl.fresh_share: the share of each crawl that is new pages


def level_tag(level: float) -> str:
    """The level in percent, three digits: 0.1 -> "010"."""
    return f"{round(level * 100):03d}"


def arm_name(level: float) -> str:
    return f"fm_fresh_{level_tag(level)}"


def penalty_id(level: float) -> str:
    return f"first_mover_pollution_age0_fresh_{level_tag(level)}"


def synthetic_id(level: float) -> str:
    return f"entrant_first_crawl_synthetic_fresh_{level_tag(level)}"


# Every level is set explicitly, so a change to the baseline's own fresh share (its calibration) moves
# first_mover_pollution_age0 but not these.
ARMS: dict[str, Arm] = {
    arm_name(level): Arm("first_mover.yaml", {**FM_POLLUTED, "web.crawl.fresh_share": level}, FM_QUICK)
    for level in LEVELS
}


def _holds(level: float) -> str:
    return f"as first_mover_pollution_age0, with web.crawl.fresh_share = {level:g}"


def _crawl(level: float) -> str:
    return f"When {level:.0%} of each crawl is pages new since the last crawl (the rest older pages)"


CLAIMS: tuple[Claim, ...] = tuple(
    claim for level in LEVELS for claim in (
        Claim(penalty_id(level),
              f"{_crawl(level)}, the late entrant's first model is worse than the first mover's by {{effect}} of "
              "excess NLL.",
              (arm_name(level),), late_minus_first(arm_name(level), "excess_nll", 0), "nats", _holds(level), "",
              direction=+1),
        Claim(synthetic_id(level),
              f"{_crawl(level)}, the late entrant's first training set is {{effect}} synthetic.",
              (arm_name(level),), entrant_first_synthetic(arm_name(level)), "(share)", _holds(level), ""),
    )
)
