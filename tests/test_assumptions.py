"""What a scenario assumes beyond the reference, in words, with each lever's published source."""

from __future__ import annotations

import datetime as dt

from analysis.assumptions import differences, policy_starts

MANDATE = {"kind": "watermark_mandate", "start": "2024-01", "end": None, "compliance": 1.0, "basis": "vendors"}
REFERENCE = {"name": "ref", "seed": 0, "humans": {"writers": 100}, "vendors": [{"name": "Pioneer", "components": 8}],
             "policies": [MANDATE]}


def test_a_changed_policy_is_one_change_with_its_source_and_start():
    other = {**REFERENCE, "name": "half", "policies": [{**MANDATE, "compliance": 0.5}]}
    found = differences(REFERENCE, other)
    assert len(found) == 1
    assert found[0].text.startswith("changes the watermark mandate (compliance 1 -> 0.5): a watermark mandate "
                                    "from 2024-01")
    assert found[0].source.startswith("Kirchenbauer et al. 2023")
    assert policy_starts(REFERENCE, other) == [(dt.date(2024, 1, 1), "watermark mandate")]


def test_added_policies_and_changed_fields_are_listed_and_names_and_seeds_are_not():
    retention = {"kind": "data_retention", "start": "2025-06", "end": None, "months": 12}
    other = {**REFERENCE, "name": "x", "seed": 3, "humans": {"writers": 50},
             "vendors": [{"name": "Pioneer", "components": 4}], "policies": [MANDATE, retention]}
    texts = [d.text for d in differences(REFERENCE, other)]
    assert texts[0].startswith("adds a data retention from 2025-06 (months 12): vendors keep only the last months")
    assert "sets the human population's writers to 50 (reference: 100)" in texts
    assert "sets vendor Pioneer's components to 4 (reference: 8)" in texts
    assert len(texts) == 3
    assert policy_starts(REFERENCE, other) == [(dt.date(2025, 6, 1), "data retention")]
    assert differences(REFERENCE, REFERENCE) == [] and policy_starts(REFERENCE, REFERENCE) == []
