"""The ledger's catalogue: every theme's arms in one table and its claims in one tuple, assembled once, with the
checks that an arm or an id is declared only once and that every claim's arms exist."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from analysis.claims import (
    adoption,
    calibration,
    collapse,
    crawl_share,
    detectors,
    farm_share,
    first_movers,
    mechanisms,
    text,
    text_models,
    text_web,
)
from analysis.claims.model import Arm, Claim, Replication
from analysis.claims.replications import REPLICATIONS


def merge_arms(*themes: Mapping[str, Arm]) -> dict[str, Arm]:
    """The themes' arms in one table; an arm name two themes declare is refused."""
    repeated = sorted(name for name, count in Counter(name for arms in themes for name in arms).items() if count > 1)
    if repeated:
        raise ValueError(f"arms declared twice: {', '.join(repeated)}")
    return {name: arm for arms in themes for name, arm in arms.items()}


def check_claims(claims: Sequence[Claim], arms: Mapping[str, Arm],
                 replications: Sequence[Replication | Claim]) -> tuple[Claim, ...]:
    """The claims, once no id in the ledger (claims, and replications and other entries measured in process)
    repeats and every arm they use exists."""
    ids = Counter([c.id for c in claims] + [r.id for r in replications])
    repeated = sorted(claim_id for claim_id, count in ids.items() if count > 1)
    if repeated:
        raise ValueError(f"ledger ids used twice: {', '.join(repeated)}")
    missing = sorted({a for c in claims for a in c.arms} - arms.keys())
    if missing:
        raise ValueError(f"claims use arms no theme declares: {', '.join(missing)}")
    return tuple(claims)


ARMS: dict[str, Arm] = merge_arms(collapse.ARMS, first_movers.ARMS, detectors.ARMS, calibration.ARMS,
                                  mechanisms.ARMS, text.ARMS, farm_share.ARMS, crawl_share.ARMS,
                                  adoption.ARMS, text_web.ARMS)

# In the order claims.md lists them: the order the entries joined the ledger.
CLAIMS: tuple[Claim, ...] = check_claims((
    *collapse.CLAIMS,
    *first_movers.CLAIMS,
    *detectors.CLAIMS,
    *calibration.OBSERVED,
    *mechanisms.VERIFIERS,
    *mechanisms.WHO_LOSES,
    *mechanisms.QUALITY_FILTER,
    *calibration.FORECASTS,
    *calibration.DISPLACED_SHARES,
    *mechanisms.DISPLACEMENT,
    *mechanisms.SHARED_CRAWL,
    *text.CLAIMS,
    *farm_share.CLAIMS,
    *crawl_share.CLAIMS,
    *adoption.CLAIMS,
    *text_web.CLAIMS,
), ARMS, (*REPLICATIONS, *text_models.CLAIMS))
