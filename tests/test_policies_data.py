"""Data levers move what vendors and crawlers keep the way their mechanisms imply, over 10 common
seeds (tiny scenario variants, paired one-sided Wilcoxon tests): provenance signing, human data
licences, data retention, and a search ranking penalty for flagged sites."""

from __future__ import annotations

import pytest
import yaml
from lever_runs import TINY, less, outcomes, tiny

pytestmark = pytest.mark.slow  # every data lever over 10 seeds: left out of `make test-quick`

DETECTOR = {"name": "Sentinel", "start": "2021-06", "retrain_every": 3, "samples": 400, "target_fpr": 0.05}
SIGNING = {"kind": "provenance_signing", "start": "2020-06", "final_share": 0.8, "months_to_half": 3,
           "signed_weight": 4.0}
FILTERING = {"kind": "detector_filtering", "start": "2021-06", "detector": "Sentinel", "target_fpr": 0.05}


def test_signing_raises_the_human_share_crawlers_keep_and_spares_signed_humans_from_the_detector():
    share, discarded = ("crawler", "Early", "synthetic_share"), ("crawler", "Early", "human_discarded")
    runs = outcomes({
        "plain": tiny(detectors=[DETECTOR], policies=[FILTERING]),
        "signed": tiny(detectors=[DETECTOR], policies=[FILTERING, SIGNING]),
    }, [share, discarded])
    # Crawlers prefer signed pages, and only human writers sign: fewer synthetic pages are kept.
    assert less(runs["signed"][share], runs["plain"][share]) < 0.01
    # Signed pages skip the detector, so fewer human pages are wrongly thrown away.
    assert less(runs["signed"][discarded], runs["plain"][discarded]) < 0.01


def test_a_human_data_licence_lowers_the_licensees_synthetic_training_share_and_excess_nll():
    licence = {"kind": "human_data_license", "start": "2020-06", "budget_per_month": 100, "price_per_doc": 1.0,
               "vendors": ["Early"]}
    synthetic, excess = ("vendor", "Early", "train_synthetic_share"), ("vendor", "Early", "excess_nll")
    licensed = ("vendor", "Early", "train_licensed")
    runs = outcomes({"plain": tiny(), "licensed": tiny(policies=[licence])}, [synthetic, excess, licensed])
    assert all(n > 0 for n in runs["licensed"][licensed])
    assert less(runs["licensed"][synthetic], runs["plain"][synthetic]) < 0.01
    assert less(runs["licensed"][excess], runs["plain"][excess]) < 0.01


def test_data_retention_leaves_an_accumulating_vendor_more_synthetic_and_deeper_lineage_data():
    retention = {"kind": "data_retention", "start": "2020-06", "months": 6}
    synthetic, lineage = ("vendor", "Late", "train_synthetic_share"), ("vendor", "Late", "lineage_depth")
    runs = outcomes({"plain": tiny(), "retained": tiny(policies=[retention])}, [synthetic, lineage])
    # Late accumulates: forgetting old (pre-AI, human) pages leaves the recent, more synthetic ones.
    assert less(runs["plain"][synthetic], runs["retained"][synthetic]) < 0.01
    assert less(runs["plain"][lineage], runs["retained"][lineage]) < 0.01


def test_a_ranking_penalty_on_flagged_sites_means_fewer_farms_and_fewer_farm_pages_crawled():
    penalty = {"kind": "farm_ranking_penalty", "start": "2021-06", "detector": "Sentinel", "penalty": 0.9}
    # Farms near break-even: with tiny's $20 a month every candidate is profitable, demoted or not.
    marginal = dict(yaml.safe_load(TINY.read_text(encoding="utf-8"))["farms"], fixed_cost=3000)
    farms, kept = ("farms", "farms", "count"), ("crawler", "Early", "synthetic_share")
    runs = outcomes({
        "plain": tiny(detectors=[DETECTOR], farms=marginal),
        "penalised": tiny(detectors=[DETECTOR], farms=marginal, policies=[penalty]),
    }, [farms, kept], from_step=24)
    assert less(runs["penalised"][farms], runs["plain"][farms]) < 0.01
    assert less(runs["penalised"][kept], runs["plain"][kept]) < 0.01
