"""The claims catalogue refuses an arm declared twice, a ledger id used twice and a claim on an undeclared arm."""

from __future__ import annotations

import math

import pytest

from analysis.claims.catalogue import check_claims, merge_arms
from analysis.claims.model import Arm, Claim, Replication


def _claim(claim_id: str, *arms: str) -> Claim:
    return Claim(claim_id, "{effect}", arms, lambda runs: math.nan, "", "", "")


def test_an_arm_declared_by_two_themes_is_refused():
    assert list(merge_arms({"a": Arm("x.yaml")}, {"b": Arm("y.yaml")})) == ["a", "b"]
    with pytest.raises(ValueError, match="arms declared twice: a"):
        merge_arms({"a": Arm("x.yaml")}, {"a": Arm("y.yaml")})


def test_an_id_used_twice_or_an_undeclared_arm_is_refused():
    arms = {"a": Arm("x.yaml")}
    assert [c.id for c in check_claims([_claim("one", "a"), _claim("two", "a")], arms, [])] == ["one", "two"]
    with pytest.raises(ValueError, match="ledger ids used twice: one"):
        check_claims([_claim("one", "a"), _claim("one", "a")], arms, [])
    with pytest.raises(ValueError, match="ledger ids used twice: one"):
        check_claims([_claim("one", "a")], arms, [Replication("one", "gaussian", "", "")])
    with pytest.raises(ValueError, match="arms no theme declares: b"):
        check_claims([_claim("one", "a", "b")], arms, [])
