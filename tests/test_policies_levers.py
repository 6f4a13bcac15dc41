"""Each policy lever moves its outcome the way its mechanism implies, over 10 common seeds.

Small scenarios derived from tests/data/tiny.yaml; paired one-sided Wilcoxon tests across seeds
(scipy.stats). Vendors sample at temperature 0.5 here, so their output differs enough from human text
for a classifier to find it at all (at 0.9 single-vector detectors are near chance, as the theory of
Sadasivan et al. predicts when machine and human distributions are close).
"""

from __future__ import annotations

import copy
import functools
import json

import polars as pl
import pytest
import yaml
from lever_runs import SEEDS, TINY, less, tiny

from ecosystem.config import validate_scenario
from ecosystem.experiments.run import simulate

pytestmark = pytest.mark.slow  # every lever over 10 seeds: left out of `make test-quick`

MANDATE = {"kind": "watermark_mandate", "start": "2020-06"}
REGISTRY = {"kind": "watermark_registry", "start": "2020-06"}
DETECTOR = {
    "name": "Sentinel",
    "start": "2021-06",
    "retrain_every": 3,
    "samples": 400,
    "public": True,
    "target_fpr": 0.05,
}


@functools.cache
def _runs(scenario_json: str) -> tuple[pl.DataFrame, ...]:
    """Metrics of one scenario on every seed; several tests read the same runs."""
    raw = json.loads(scenario_json)
    return tuple(simulate(validate_scenario(copy.deepcopy(raw)), seed=seed).metrics for seed in SEEDS)


def _outcome(raw: dict, metric: tuple[str, str, str], *, from_step: int = 20) -> list[float]:
    kind, entity, name = metric
    values = []
    for frame in _runs(json.dumps(raw, sort_keys=True, default=str)):
        rows = frame.filter(
            pl.col("kind") == kind,
            pl.col("entity") == entity,
            pl.col("metric") == name,
            pl.col("step") >= from_step,
        )
        values.append(float(rows["value"].mean()))
    return values


def test_a_mandate_with_a_registry_lowers_synthetic_training_data_more_at_higher_compliance():
    metric = ("vendor", "Early", "train_synthetic_share")
    none = _outcome(tiny(), metric)
    half = _outcome(tiny(policies=[dict(MANDATE, compliance=0.5, basis="output"), REGISTRY]), metric)
    full = _outcome(tiny(policies=[dict(MANDATE, compliance=1.0), REGISTRY]), metric)
    assert less(half, none) < 0.01
    assert less(full, half) < 0.01


def test_open_weights_leak_around_the_mandate():
    raw = tiny(policies=[MANDATE, REGISTRY])
    leaky = copy.deepcopy(raw)
    leaky["vendors"] = [dict(v, open_weights="2021-01") for v in leaky["vendors"]]
    leaky["farms"] = dict(leaky["farms"], open_weight_use=1.0)
    metric = ("vendor", "Early", "train_synthetic_share")
    assert less(_outcome(raw, metric), _outcome(leaky, metric)) < 0.01
    coverage = ("watermark", "watermark", "coverage")
    assert less(_outcome(leaky, coverage), _outcome(raw, coverage)) < 0.01


def test_detector_filtering_lowers_synthetic_kept_and_raises_human_discarded():
    plain = tiny(detectors=[DETECTOR])
    filtered = tiny(
        detectors=[DETECTOR],
        policies=[{"kind": "detector_filtering", "start": "2021-06", "detector": "Sentinel"}],
    )
    kept = ("crawler", "Early", "synthetic_kept")
    assert less(_outcome(filtered, kept), _outcome(plain, kept)) < 0.01
    discarded = ("crawler", "Early", "human_discarded")
    assert less(_outcome(plain, discarded), _outcome(filtered, discarded)) < 0.01


@pytest.mark.parametrize("temperature", [0.5, 0.9])
def test_detector_false_positives_fall_on_common_topic_human_pages_only_at_low_temperature(temperature):
    """Tempered models are mode-seeking, so synthetic text crowds the common topics and the detector
    learns that typical text looks synthetic: at tau = 0.5 human pages on common topics bear the false
    positives and rare-topic pages are rarely flagged (the analogue of detectors flagging low-perplexity
    human writing, Liang et al. 2023). At tau = 0.9 model text is close to human text everywhere and the
    difference is not shown (the condition the ledger states: detector_fpr_common_tau05 / _tau09)."""
    filtered = tiny(
        detectors=[DETECTOR],
        policies=[{"kind": "detector_filtering", "start": "2021-06", "detector": "Sentinel"}],
    )
    filtered["vendors"] = [dict(v, temperature=temperature) for v in filtered["vendors"]]
    tail = _outcome(filtered, ("detector", "Sentinel", "fpr_tail"))
    common = _outcome(filtered, ("detector", "Sentinel", "fpr_common"))
    if temperature < 0.7:
        assert less(tail, common) < 0.01
    else:
        assert less(tail, common) > 0.05


def test_evasion_lowers_detector_tpr_and_retraining_on_evasive_samples_recovers_part():
    farms = yaml.safe_load(TINY.read_text(encoding="utf-8"))["farms"]
    evading = dict(farms, evasion={"paraphrase_share": 0.5, "rejection_k": 4})
    tpr = ("detector", "Sentinel", "tpr_farm")
    honest = _outcome(tiny(detectors=[DETECTOR]), tpr, from_step=24)
    evaded = _outcome(tiny(detectors=[DETECTOR], farms=evading), tpr, from_step=24)
    retrained = _outcome(
        tiny(detectors=[dict(DETECTOR, adaptive=0.5)], farms=evading), tpr, from_step=24
    )
    assert less(evaded, honest) < 0.01
    assert less(evaded, retrained) < 0.01
    assert sum(retrained) < sum(honest)  # it recovers only part of what evasion took


def test_translation_strips_watermarks_more_than_paraphrase():
    """A translated page has nearly every token rewritten (He et al. 2024: cross-lingual attacks take
    watermark detection to chance), so fewer marks survive and more farm text reaches training."""
    farms = yaml.safe_load(TINY.read_text(encoding="utf-8"))["farms"]
    policies = [dict(MANDATE, compliance=1.0), REGISTRY]
    paraphrasing = tiny(policies=policies, farms=dict(farms, evasion={"paraphrase_share": 0.8}))
    translating = tiny(policies=policies, farms=dict(farms, evasion={"translate_share": 0.8}))
    survival = ("watermark", "watermark", "mean_survival")
    assert less(_outcome(translating, survival), _outcome(paraphrasing, survival)) < 0.01
    trained = ("vendor", "Early", "train_synthetic_share")
    assert less(_outcome(paraphrasing, trained), _outcome(translating, trained)) < 0.01


def test_crawler_opt_outs_raise_the_synthetic_share_of_what_crawlers_collect():
    opt_out = {"kind": "crawler_opt_out", "start": "2020-06", "final_share": 0.8, "months_to_half": 3}
    plain = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    plain["web"]["opt_out"]["final_share"] = 0.0
    with_policy = dict(copy.deepcopy(plain), policies=[opt_out])
    share = ("crawler", "Early", "synthetic_share")
    assert less(_outcome(plain, share), _outcome(with_policy, share)) < 0.01
