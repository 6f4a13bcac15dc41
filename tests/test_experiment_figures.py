"""Figures a policy reader can use: the heat map is centred on the base scenario and shows the seeds per
cell; time series mark each policy's start; every figure carries a caption line."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from analysis.experiment_figures import base_value, compare_figure, heatmap_figure


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
    assert "1.8\n(anchor)" in texts and "2.2\n(+0.4)" in texts
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
