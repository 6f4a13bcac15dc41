"""The watermark edit model reproduces the published detection rates it is calibrated to.

Each published figure is simulated through the engine's own code (``draw_edits`` then
``detect_marks``) on ``N`` pages. A simulated rate may differ from the published one by the fit's
allowance (the 95% sampling error of a rate measured on the source's 1,000 documents) plus four
standard errors of the simulation itself.
"""

from __future__ import annotations

import numpy as np
import pytest

from ecosystem.config import EvasionConfig, WatermarkConfig
from ecosystem.learning.edit_calibration import (
    FIGURES,
    Figure,
    calibrate,
    calibration_table,
    engine_calibration,
    expected_detection,
    sampling_tolerance,
    threshold,
)
from ecosystem.learning.edits import EDIT_MODEL, EditKind, EditModel, draw_edits
from ecosystem.learning.watermark import detect_marks

N = 20_000
CONFIG = WatermarkConfig()


@pytest.fixture(scope="module")
def rows():
    return {row.figure.label: row for row in calibration_table(engine_calibration(), documents=N, seed=11)}


def simulation_error(rate: float) -> float:
    return 4 * np.sqrt(max(rate * (1 - rate), 0.01) / N)


RATES = [f for f in FIGURES if not f.auc and not f.published_text]


@pytest.mark.parametrize("figure", RATES, ids=[f.label for f in RATES])
def test_each_published_detection_rate_is_reproduced(rows, figure: Figure):
    simulated = rows[figure.label].simulated
    allowed = sampling_tolerance(figure.published) + simulation_error(figure.published)
    assert abs(simulated - figure.published) < allowed, (figure.label, simulated, figure.published)


def test_clean_marked_text_is_detected_within_100_tokens(rows):
    """Piet et al.: the median clean page is detected in fewer than 100 tokens."""
    assert rows["none (clean marked text)"].simulated > 0.5 + simulation_error(0.5)


def test_the_cross_lingual_attack_takes_detection_to_chance(rows):
    """He et al.: AUC near 0.5; the null standard error of an AUC on N + N pages is sqrt((2N + 1) / 12 N^2)."""
    auc = rows["cross-lingual attack (translate_strength 1)"].simulated
    assert abs(auc - 0.5) < 4 * np.sqrt((2 * N + 1) / (12 * N * N))


def test_a_default_paraphrase_no_longer_leaves_almost_every_long_page_detectable():
    """The defect: with survival 1 - 0.5 for every page, 99% of 800-token pages stayed detectable after a
    paraphrase, against the ~50% the sources report. The engine's paraphrase now leaves about half."""
    rng = np.random.default_rng(5)
    evasion = EvasionConfig(paraphrase_share=1.0)
    kept = draw_edits(evasion, N, rng=rng).mark_kept
    test = CONFIG.model_copy(update={"threshold": threshold(1e-5, CONFIG)})  # as in Kirchenbauer et al. 2024
    found = detect_marks(np.zeros(N, dtype=np.int16), kept, np.full(N, 800), held=np.array([0]), config=test, rng=rng)
    assert abs(found.mean() - 0.50) < sampling_tolerance(0.5) + simulation_error(0.5)
    old = detect_marks(np.zeros(N, dtype=np.int16), np.full(N, 0.5), np.full(N, 800), held=np.array([0]),
                       config=test, rng=rng)
    assert old.mean() > 0.95  # what the previous model gave: the check above fails on it


def test_detection_after_paraphrase_still_grows_with_length():
    """z ~ s sqrt(T) (Kirchenbauer et al. 2024): a paraphrased mark becomes detectable with more text, so
    the fitted spread must not make detection flat in the length."""
    model, strength = EDIT_MODEL, EvasionConfig().paraphrase_strength
    rates = [expected_detection(EditKind.PARAPHRASE, strength, t, 4.0, model, CONFIG) for t in (200, 800, 3200)]
    assert rates[0] + 0.1 < rates[1] and rates[1] + 0.1 < rates[2]


def test_the_engine_runs_the_fitted_constants():
    fitted, defaults = calibrate(), EvasionConfig()
    assert abs(EDIT_MODEL.context_exponent - fitted.model.context_exponent) < 0.01
    assert abs(EDIT_MODEL.spread - fitted.model.spread) < 0.1
    assert abs(defaults.paraphrase_strength - fitted.paraphrase_strength) < 0.005
    assert abs(defaults.translate_strength - fitted.translate_strength) < 0.005


def test_the_fit_recovers_a_known_edit_model():
    """Figures generated from a known model (exact rates) give back its context exponent and means."""
    truth = EditModel(context_exponent=1.6, spread=40.0)
    means = {EditKind.PARAPHRASE: 0.3, EditKind.TRANSLATION: 0.6}
    synthetic = []
    for f in FIGURES:
        if f.auc or f.kind == EditKind.NONE:
            continue
        tokens = 149 if f.tokens is None else f.tokens
        z = threshold(f.fpr, CONFIG)
        strength = f.strength if f.strength is not None else means[f.kind]
        rate = expected_detection(f.kind, strength, tokens, z, truth, CONFIG)
        synthetic.append(Figure(f.label, f.kind, f.strength, rate, f.tokens, f.fpr, f.setting, f.source))
    baseline = next(f for f in synthetic if f.kind == EditKind.SYNONYM_SWAP and f.strength == 0.0)
    assert abs(baseline.published - 0.92) < 0.01  # the derived vendor length stays 149 tokens
    fitted = calibrate(CONFIG, tuple(synthetic))
    assert abs(fitted.model.context_exponent - 1.6) < 0.05
    assert abs(fitted.paraphrase_strength - 0.3) < 0.03
    assert abs(fitted.translate_strength - 0.6) < 0.03


def test_farms_and_adaptive_detectors_get_the_calibrated_edits():
    """``evasive_output`` (farms' pages and detectors' adaptive samples) draws edits from the calibrated
    model: the mark each page keeps averages E[(1 - r)^c] over the fitted Beta, and unedited pages keep
    theirs whole and do not move."""
    from types import SimpleNamespace

    from ecosystem.agents.farm import evasive_output
    from ecosystem.learning.edit_calibration import rewritten_quantiles

    evasion = EvasionConfig(paraphrase_share=0.5, translate_share=0.25, synonym_share=0.25)
    dim = 3

    class Estimator:
        def sample(self, n, *, rng):
            return np.zeros((n, dim)), np.zeros(n, dtype=int)

    model = SimpleNamespace(scenario=SimpleNamespace(farms=SimpleNamespace(evasion=evasion),
                                                     reality=SimpleNamespace(dim=dim)))
    vendor = SimpleNamespace(estimator=Estimator())
    vectors, edits = evasive_output(model, [vendor], N, detector=None, rng=np.random.default_rng(8), with_edits=True)
    shares = np.bincount(edits.kind, minlength=4) / N
    assert np.allclose(shares, [0.0, 0.5, 0.25, 0.25], atol=4 * np.sqrt(0.25 / N))
    for kind, strength in [(EditKind.PARAPHRASE, evasion.paraphrase_strength),
                           (EditKind.TRANSLATION, evasion.translate_strength)]:
        rows = edits.kind == kind
        expected = EDIT_MODEL.mark_kept(rewritten_quantiles(kind, strength, EDIT_MODEL)).mean()
        spread = edits.mark_kept[rows].std()
        assert abs(edits.mark_kept[rows].mean() - expected) < 4 * spread / np.sqrt(rows.sum())
    swapped = edits.kind == EditKind.SYNONYM_SWAP
    assert np.allclose(edits.mark_kept[swapped], 0.9**EDIT_MODEL.context_exponent)
    moved = np.linalg.norm(vectors, axis=1) > 0
    assert np.array_equal(moved, edits.rewritten > 0)


def test_one_edit_per_page_counts_synonym_swaps():
    with pytest.raises(ValueError, match="synonym_share"):
        EvasionConfig(paraphrase_share=0.6, translate_share=0.2, synonym_share=0.3)


def test_the_watermark_section_is_rewritten_in_place_and_other_sections_are_kept(tmp_path):
    from ecosystem.learning.edit_calibration import BEGIN, END, write_watermark_section

    doc = tmp_path / "calibration.md"
    doc.write_text("# Calibration\n\n## Detectors\nkept above\n", encoding="utf-8")
    write_watermark_section(doc, documents=200)
    doc.write_text(doc.read_text(encoding="utf-8") + "\n## Market\nkept below\n", encoding="utf-8")
    write_watermark_section(doc, documents=300, seed=1)
    text = doc.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and text.count(END) == 1 and text.count("## Watermarks") == 1
    assert "kept above" in text and "kept below" in text and "300 pages per row" in text
