"""The dashboard's figures: their legends sit under the plots, where they hide no line or point (issue
24: they were drawn inside the plot area, over the lines)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("solara", reason="the dashboard extra is not installed")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from dashboard.levers import Recipe  # noqa: E402
from dashboard.live import LiveModel, Session  # noqa: E402
from dashboard.plots import FIGURES  # noqa: E402

TINY = Path(__file__).parent / "data" / "tiny.yaml"
LEGENDS = {"synthetic_share": 1, "vendors": 1, "farms": 0, "web_graph": 1}  # legends each figure has


@pytest.fixture(scope="module")
def snapshot():
    """tests/data/tiny.yaml after 30 months: both vendors released, farms in business."""
    live = LiveModel(Session(Recipe.from_file(TINY)))
    for _ in range(30):
        live.step()
    live.wait(timeout=300)
    assert live.snapshot.months_done == 30 and live.error is None
    return live.snapshot


def test_every_figure_is_checked():
    assert set(LEGENDS) == set(FIGURES)


@pytest.mark.parametrize("key", sorted(FIGURES))
def test_legends_sit_under_the_plots(snapshot, key):
    fig = FIGURES[key](snapshot)
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    legends = fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    assert len(legends) == LEGENDS[key]
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            assert not box.overlaps(ax.get_window_extent(renderer)), f"{key}: the legend covers a plot"
            assert box.y1 <= ax.get_tightbbox(renderer).y0, f"{key}: the legend is not under the axis labels"
