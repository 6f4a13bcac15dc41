"""Calibration: the simulated web against published measurements at their dates (AI-written pages, AI share of
tokens, writing displaced by assistants)."""

from __future__ import annotations

import datetime as dt

from analysis.claims.measures import value_at
from analysis.claims.model import Arm, Claim

# Published series of AI share of new web text: WildAI (Russell et al. 2026, arXiv 2609.40295: AI share of tokens
# in a monthly 5,000-document Common Crawl sample; the last two are the paper's forecasts) and Graphite 2025
# (share of new articles more than half AI-written).
WILDAI_TOKENS = {"2024-06": 0.101, "2025-06": 0.161, "2026-06": 0.275, "2026-08": 0.311}
WILDAI_FORECAST = {"2027-12": 0.423, "2028-12": 0.507}
GRAPHITE_PAGES = {"2022-10": 0.05, "2023-11": 0.39, "2024-11": 0.50, "2025-05": 0.52}

# The baseline web's reduced version, which the arms built on baseline.yaml share.
BASELINE_QUICK = {"humans.writers": 60, "end": "2025-05", "reality.test_per_topic": 40, "metrics.model_samples": 1000}
# The baseline's assistant use (assisted_share, human_edit) and adoption were set to meet these page shares.
_TUNED = "baseline.yaml, whose assistant use and adoption were tuned to these figures"
DISPLACEMENT_HOLDS = ("displacement.yaml: baseline.yaml with writers leaving documents to assistants by how well "
                      "the best model answers their topic (immediate 0.17, with_adoption 0.33)")

ARMS: dict[str, Arm] = {
    # per-topic rows only add metrics (the who-loses entries read them), so one run serves both
    "baseline": Arm("baseline.yaml", {"end": "2025-06", "metrics.per_topic": True}, BASELINE_QUICK),
    "displacement": Arm("displacement.yaml", {"end": "2025-06"}, BASELINE_QUICK),
}

PAGE_SHARES: tuple[Claim, ...] = (
    Claim("calibration_ai_written_2023_11",
          "Pages more than half AI-written make up {effect} of new pages in Nov 2023.",
          ("baseline",), value_at("baseline", "web.ai_written_share_new", "2023-11"),
          "(share)", _TUNED, "", fitted=True, published="~39% (Graphite 2025)"),
    Claim("calibration_ai_written_2024_11",
          "Pages more than half AI-written make up {effect} of new pages in Nov 2024.",
          ("baseline",), value_at("baseline", "web.ai_written_share_new", "2024-11"),
          "(share)", _TUNED, "", fitted=True, published="~50% (Graphite 2025)"),
    Claim("calibration_ai_written_2025_05",
          "Pages more than half AI-written make up {effect} of new pages in May 2025.",
          ("baseline",), value_at("baseline", "web.ai_written_share_new", "2025-05"),
          "(share)", _TUNED, "", fitted=True, published="~52%, flat since mid-2024 (Graphite 2025)"),
    Claim("calibration_ai_any_2025_04",
          "Pages with any AI-written text make up {effect} of new pages in April 2025.",
          ("baseline",), value_at("baseline", "web.ai_any_share_new", "2025-04"),
          "(share)", _TUNED, "", fitted=True, published="74% mixed + 2.5% pure AI = 76.5% (Ahrefs 2025)"),
)



def token_share_id(date: str) -> str:
    """The id of the entry comparing the AI share of tokens in month ``date`` (YYYY-MM) with WildAI's."""
    return f"calibration_ai_tokens_{date.replace('-', '_')}"


TOKEN_SHARES: tuple[Claim, ...] = tuple(
    Claim(token_share_id(date),
          f"Model-written tokens make up {{effect}} of new pages' tokens in {dt.date.fromisoformat(date + '-01'):%b %Y}"
          + (" (against a published forecast)." if date in WILDAI_FORECAST else "."),
          ("quality_none",), value_at("quality_none", "web.ai_token_share_new", date),
          "(share)", "baseline.yaml (calibrated on page shares, not on tokens); web.ai_token_share_new", "",
          published=f"{share:.1%} (Russell et al. 2026, WildAI{', forecast' if date in WILDAI_FORECAST else ''})")
    for date, share in {**WILDAI_TOKENS, **WILDAI_FORECAST}.items()
)

DISPLACED_SHARES: tuple[Claim, ...] = (
    Claim("calibration_displaced_2023_05",
          "Writers leave {effect} of their would-be documents to assistants in May 2023.",
          ("displacement",), value_at("displacement", "humans.displaced_share", "2023-05"),
          "(share)", DISPLACEMENT_HOLDS, "", fitted=True,
          published="-16% Stack Overflow posts after ChatGPT (del Rio-Chanona et al. 2023)"),
    Claim("calibration_displaced_2024_06",
          "Writers leave {effect} of their would-be documents to assistants in June 2024.",
          ("displacement",), value_at("displacement", "humans.displaced_share", "2024-06"),
          "(share)", DISPLACEMENT_HOLDS, "", fitted=True,
          published="growing to ~25% (del Rio-Chanona et al. 2023)"),
)
