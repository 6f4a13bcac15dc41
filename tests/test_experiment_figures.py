"""Figures a policy reader can use: the heat map is centred on the base scenario and shows the seeds per
cell; time series mark each policy's start; every figure carries a caption line; every number drawn on a
figure is rounded by the one rule of analysis/rounding.py, so it reads as the brief's tables do."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from analysis.experiment_figures import base_value, compare_figure, forest_figure, heatmap_figure, one_way_figure
from analysis.rounding import with_interval
from analysis.wording import threshold_text
from ecosystem.experiments.one_way import Threshold, threshold


def grid_means() -> pl.DataFrame:
    return pl.DataFrame({"compliance": [0.0, 0.0, 0.5, 0.5], "fpr": [0.01, 0.05, 0.01, 0.05],
                         "nll": [2.0, 2.2, 1.8, 1.9], "runs": [3, 3, 3, 3]})


def test_the_heat_map_is_centred_on_the_base_scenarios_cell_and_shows_the_seeds():
    base = {"policies": [{"kind": "watermark_mandate", "compliance": 0.5}], "detectors": [{"name": "S", "fpr": 0.01}]}
    anchor = (base_value(base, "policies.0.compliance"), base_value(base, "detectors.S.fpr"))
    assert anchor == (0.5, 0.01)
    figure = heatmap_figure(grid_means(), x="compliance", y="fpr", outcome="nll", anchor=anchor,
                            anchor_name="the base scenario", worse="higher")
    image = figure.axes[0].images[0]
    low, high = image.norm.vmin, image.norm.vmax
    assert (low + high) / 2 == pytest.approx(1.8)  # centred on the base's 1.8...
    assert high - low == pytest.approx(0.8)  # ...and spread to the farthest cell (2.2)
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert "1.80\n(anchor)" in texts and "2.20\n(+0.400)" in texts  # three significant figures, no interval
    assert "3 seed(s) per cell" in figure.axes[0].get_title().replace("\n", " ")


def test_without_the_base_in_the_grid_the_corner_anchors_and_says_so():
    figure = heatmap_figure(grid_means(), x="compliance", y="fpr", outcome="nll", anchor=(1.0, 0.01))
    image = figure.axes[0].images[0]
    assert (image.norm.vmin + image.norm.vmax) / 2 == pytest.approx(2.0)
    colourbar_label = figure.axes[1].get_ylabel().replace("\n", " ")
    assert "centred on the grid's lowest corner" in colourbar_label


def test_time_series_mark_each_policy_start_and_carry_a_caption():
    dates = [dt.date(2024, m, 1) for m in range(1, 7)]
    bands = pl.DataFrame({"scenario": ["ref"] * 6 + ["policy"] * 6, "date": dates * 2,
                          "mean": [1.0] * 12, "ci_low": [0.9] * 12, "ci_high": [1.1] * 12})
    figure = compare_figure(bands, order=["ref", "policy"], title="excess NLL", ylabel="nats", worse="higher",
                            starts=[(dt.date(2024, 3, 1), "watermark mandate")], note="ref vs policy; seeds 0-2")
    ax = figure.axes[0]
    assert any(t.get_text().replace("\n", " ") == "watermark mandate from 2024-03" for t in ax.texts)
    assert "(higher is worse)" in ax.get_title().replace("\n", " ")
    assert any("ref vs policy; seeds 0-2" in t.get_text() for t in figure.texts)
    assert ax.get_lines()[0].get_color() == "#000000"  # the reference is solid black


def test_heat_map_numbers_and_levels_are_plain_and_rounded_by_the_one_rule():
    """A mean of millions and a level of 0.00001 were drawn "2.35e+06" and "1e-05"; a change "+1.2e+05"."""
    means = pl.DataFrame({"fpr": [0.00001, 0.00001, 0.05, 0.05], "cost": [20, 2000, 20, 2000],
                          "docs": [2345678.9, 2468013.5, 2222222.2, 2300000.0], "runs": [3] * 4})
    figure = heatmap_figure(means, x="fpr", y="cost", outcome="docs", anchor=(0.00001, 20))
    ax = figure.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "2,350,000\n(anchor)" in texts and "2,470,000\n(+122,000)" in texts
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.00001", "0.05"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["20", "2,000"]
    assert not any("e+" in t or "e-" in t for t in texts)


def summary_rows() -> pl.DataFrame:
    return pl.DataFrame({
        "outcome": ["nll", "nll"], "label": ["excess NLL", "excess NLL"], "unit": ["nats", "nats"],
        "worse": ["higher", "higher"], "scenario": ["ref", "policy"], "n": [3, 3], "mean": [2.0, 1.95],
        "ci_low": [1.8, 1.7], "ci_high": [2.2, 2.2], "diff": [0.0, -0.05082], "diff_low": [0.0, -0.1318],
        "diff_high": [0.0, 0.03015], "rel": [0.0, -2.51234], "rel_low": [0.0, -6.54321], "rel_high": [0.0, 1.49876]})


def test_the_forest_plot_writes_each_change_as_the_briefs_table_does():
    """The forest plot drew the bars only; each row now reads "-2.5% [-6.5%, +1.5%]", the table's string."""
    figure = forest_figure(summary_rows(), reference="ref")
    right = [t.get_text() for axis in figure.axes[0].child_axes for t in axis.get_yticklabels()]
    assert right == ["-2.5% [-6.5%, +1.5%]"]
    assert right[0] == with_interval(-2.51234, -6.54321, 1.49876, sign=True, suffix="%")


def test_a_threshold_is_written_by_the_one_rule():
    """Its level and interval were written with three significant figures each, in scientific notation past
    a thousand ("1.23e+03 (95% interval 1e+03 to 1.5e+03)")."""
    found = Threshold(percent=10.0, rises=False, level=1234.5678, low=1000.0, high=1500.0, swept=(0.0, 3000.0))
    assert threshold_text(found, "cost") == "falls by 10% at cost = 1,230 (95% interval 1,000 to 1,500)"
    beyond = Threshold(percent=50.0, rises=True, level=0.8612, low=0.3771, high=None, swept=(0.0, 1.0))
    assert threshold_text(beyond, "compliance") == "rises by 50% at compliance = 0.86 (95% interval 0.38 to beyond 1)"
    missed = Threshold(percent=10.0, rises=True, level=None, low=None, high=None, swept=(0.0, 0.00001))
    assert threshold_text(missed, "fpr") == "a 10% change is not reached in the range swept (fpr 0 to 0.00001)"


def test_the_one_way_figure_marks_where_the_change_reaches_its_percent():
    levels = ["0.0", "0.25", "0.5", "0.75", "1.0"]
    rel = [0.0, 2.27, -4.32, -7.78, -12.9]
    one_way = pl.DataFrame({"outcome": ["nll"] * 5, "level": levels, "mean": [1.65, 1.69, 1.58, 1.53, 1.44],
                            "ci_low": [1.5] * 5, "ci_high": [1.8] * 5, "rel": rel,
                            "rel_low": [0.0, -8.8, -11.1, -13.1, -24.2], "rel_high": [0.0, 13.4, 2.5, -2.5, -1.7]})
    found = threshold(one_way, "nll", percent=10)
    figure = one_way_figure(one_way, parameter="compliance", outcome="nll", change=10, found=found)
    change_panel = figure.axes[1]
    assert change_panel.get_title(loc="left").replace("\n", " ") == threshold_text(found, "compliance")
    assert "compliance = 0.86 (95% interval" in change_panel.get_title(loc="left").replace("\n", " ")
    assert change_panel.get_ylabel() == "change from compliance = 0 [%]"  # the level "0.0" as a setting
    assert found.level in [line.get_xdata()[0] for line in change_panel.get_lines() if line.get_linestyle() == ":"]
