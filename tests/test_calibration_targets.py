"""The targets file and the calibration file: the shipped ones load, and a bad one is refused in one line
naming the file and the row or field, before anything runs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ecosystem.calibration.settings import CalibrationError, load_calibration
from ecosystem.calibration.targets import COLUMNS, TargetsError, load_targets

REPO = Path(__file__).parents[1]
TARGETS = REPO / "data" / "targets.csv"
TINY = REPO / "scenarios" / "calibration" / "tiny.yaml"
GOOD = "wildai,2024-06,0.1,0.08,0.12,web.wildai_ai_token_share,calibration,Russell et al. 2026,published"


def _write(tmp_path: Path, *rows: str, header: str = ",".join(COLUMNS)) -> Path:
    path = tmp_path / "targets.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_shipped_targets_load_and_keep_the_wildai_series_as_published():
    targets = load_targets(TARGETS)
    wildai = {t.date: t for t in targets if t.series == "wildai"}
    with (REPO / "data" / "wildai_monthly_ai_share.csv").open(encoding="utf-8") as handle:
        published = list(csv.DictReader(handle))
    assert sorted(wildai) == sorted(row["month"] for row in published)
    for row in published:
        target = wildai[row["month"]]
        assert (target.value, target.low, target.high) == (float(row["ai_share"]), float(row["ai_share_lo95"]),
                                                           float(row["ai_share_hi95"]))
    assert all(t.source for t in targets) and {t.use for t in targets} == {"calibration", "held_out"}
    assert wildai["2024-06"].value == pytest.approx(0.101, abs=5e-4)


@pytest.mark.parametrize(("rows", "header", "message"), [
    ([GOOD], ",".join(c for c in COLUMNS if c != "high"), "missing column(s) high"),
    ([GOOD.replace("0.1,0.08,0.12", "1.4,0.08,1.5")], None, "value 1.4 is not a share in [0, 1]"),
    ([GOOD.replace("0.1,0.08,0.12", "0.2,0.08,0.12")], None, "value 0.2 is not within low 0.08 .. high 0.12"),
    ([GOOD.replace("web.wildai_ai_token_share", "web.wildai_share")], None, "unknown metric 'web.wildai_share'"),
    ([GOOD.replace("2024-06", "2024-13")], None, "date '2024-13' is not YYYY-MM"),
    ([GOOD.replace("2024-06", "June 2024")], None, "date 'June 2024' is not YYYY-MM"),
    ([GOOD, GOOD], None, "line 3: wildai 2024-06 is given twice"),
    ([GOOD.replace("calibration", "fit")], None, "use 'fit'"),
    ([GOOD.replace("0.1,0.08", "abc,0.08")], None, "value 'abc' is not a number"),
    ([GOOD.replace("Russell et al. 2026", "")], None, "source is empty"),
    ([], None, "no targets below the header"),
])
def test_a_bad_targets_file_is_refused_in_one_line(tmp_path, rows, header, message):
    path = _write(tmp_path, *rows, header=header or ",".join(COLUMNS))
    with pytest.raises(TargetsError) as refused:
        load_targets(path)
    assert message in str(refused.value) and str(path) in str(refused.value)
    assert "\n" not in str(refused.value)


def test_the_shipped_calibrations_load():
    for path in sorted((REPO / "scenarios" / "calibration").glob("*.yaml")):
        calibration = load_calibration(path)
        assert calibration.targets and all(t.use == "calibration" for t in calibration.targets)
        assert all(p.reason for p in calibration.file.parameters)


@pytest.mark.parametrize(("change", "message"), [
    (("population: 4", "population: 4\nparticles: 9"), "particles: unknown field"),
    (("low: 0.2, high: 0.9", "low: 0.9, high: 0.2"), "must be below high"),
    (("path: humans.assistant.human_edit", "path: humans.assistant.human_edit_share"), "parameters.0"),
    (("low: 0.2, high: 0.9", "low: 0.2, high: 1.5"), "parameters.0 (humans.assistant.human_edit=1.5)"),
    (("    integer: true\n", ""), "parameters.1 (farms.tokens_per_doc=945.584): farms.tokens_per_doc: Input should "
     "be a valid integer, got a number with a fractional part (got 945.5844122715713); set integer: true"),
    (("[wildai@2023-06, graphite@2023-11]", "[wildai@2023-07]"), "'wildai@2023-07' names no calibration row"),
    (("[wildai@2023-06, graphite@2023-11]", "[wildai]"), "2024-06 is outside the scenario"),
    (("file: ../../data/targets.csv", "file: missing.csv"), "missing.csv"),
])
def test_a_bad_calibration_file_is_refused_in_one_line(tmp_path, change, message):
    text = TINY.read_text(encoding="utf-8")
    assert change[0] in text
    text = text.replace(change[0], change[1]).replace("../baseline.yaml", str(REPO / "scenarios" / "baseline.yaml"))
    text = text.replace("../../data/targets.csv", str(TARGETS))
    path = tmp_path / "calibration.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CalibrationError) as refused:
        load_calibration(path)
    assert message in str(refused.value) and "\n" not in str(refused.value)
