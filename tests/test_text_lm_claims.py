"""The ledger's language-model entries: measured in process over seeds, read from the right cells of the tables,
and written to the ledger like every other entry."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from analysis.claims.catalogue import CLAIMS as RUN_CLAIMS
from analysis.claims.ledger import write_ledger
from analysis.claims.planning import QUICK_SEEDS
from analysis.claims.text_models import CLAIMS, at_end, at_round, cell, measure_text_models


@pytest.fixture(scope="module")
def entries():
    """Every entry on the quick seeds: the sample corpus, 2 and 3 generations (about 15 s on an idle machine)."""
    return measure_text_models(quick=True)


@pytest.mark.slow
def test_every_entry_is_measured_on_every_quick_seed(entries):
    assert [e.claim.id for e in entries] == [c.id for c in CLAIMS]
    for entry in entries:
        assert len(entry.values) == len(QUICK_SEEDS) and np.isfinite(entry.values).all(), entry.claim.id
        assert entry.verdict in {"holds", "contradicted", "not shown", "measured"}
    assert not {c.id for c in CLAIMS} & {c.id for c in RUN_CLAIMS}


@pytest.mark.slow
def test_entries_are_written_to_the_ledger(entries, tmp_path):
    frame = write_ledger(entries, docs=tmp_path, readme=None)
    assert frame.height == len(CLAIMS) and set(frame["seed"].list.len()) == {len(QUICK_SEEDS)}
    text = (tmp_path / "claims.md").read_text(encoding="utf-8")
    assert "## `text_lm_perplexity_replace`" in text and "published: +52% (GPT-2 replication, 4 rounds)" in text


def _table(arm: str, values: list[float], quantity: str = "perplexity_change") -> pl.DataFrame:
    return pl.DataFrame({"arm": arm, "generation": np.arange(len(values)), "quantity": quantity, "mean": values})


def test_measures_read_the_arm_and_generation_they_name():
    runs = {"long": pl.concat([_table("replace", [0.0, 1, 2, 3, 4, 5, 6]), _table("accumulate", [0.0] * 7)]),
            "short": pl.concat([_table("keep-10", [0.0, 10, 20, 30, 40]), _table("fresh-50", [0.0, 0, 0, 0, 1])])}
    assert at_round("replace", "perplexity_change")(runs) == 4  # generation 4 of the long run
    assert at_end("replace", "perplexity_change")(runs) == 6
    assert at_round("keep-10", "perplexity_change")(runs) == 40
    assert cell("fresh-50", "perplexity_change", 4)(runs) == 1
    short = {**runs, "long": _table("replace", [0.0, 1, 2])}  # the quick version's runs end before generation 4
    assert at_round("replace", "perplexity_change")(short) == 2
    order = next(c for c in CLAIMS if c.id == "text_lm_order_keep10")
    assert order.measure(runs) == 4 - 40
