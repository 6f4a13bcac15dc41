"""Every policy lever, in the order of the scenario schema's ``policies:`` union. A new lever is one
module in this package, added here."""

from __future__ import annotations

from ecosystem.policies import (
    crawler_opt_out,
    data_retention,
    detector_filtering,
    farm_ranking_penalty,
    human_data_license,
    provenance_signing,
    watermark_adoption,
    watermark_mandate,
    watermark_registry,
)
from ecosystem.policies.base import Lever

LEVERS: dict[str, Lever] = {
    lever.kind: lever
    for lever in (
        watermark_mandate.LEVER,
        watermark_registry.LEVER,
        detector_filtering.LEVER,
        crawler_opt_out.LEVER,
        provenance_signing.LEVER,
        human_data_license.LEVER,
        data_retention.LEVER,
        farm_ranking_penalty.LEVER,
        watermark_adoption.LEVER,
    )
}
POLICY_CONFIGS = tuple(lever.config for lever in LEVERS.values())
