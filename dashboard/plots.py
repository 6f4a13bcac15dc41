"""The dashboard's figures, drawn from a ``Snapshot`` with the run figures' labels and vendor styles.

Figures are built with matplotlib's object API (``Figure``, no pyplot), so pages drawing in several
threads share no global state; each is rendered once per month to a small PNG.
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from analysis.style import line_styles, metric_label, vendor_style
from dashboard.snapshot import Snapshot
from ecosystem.experiments.catalogue import METRICS
from ecosystem.web.graph import SiteKind

WIDTH, HEIGHT, DPI = 5.6, 4.2, 80  # about the size of a grid card of the page
LEGEND_SPACE = 0.08  # share of a figure's height kept under its plots for the legend, which hides no line
KIND_COLOURS = {SiteKind.HUMAN: "#0072B2", SiteKind.FARM: "#D55E00", SiteKind.VENDOR: "#009E73"}


def png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})  # a page, not an archive
    return buffer.getvalue()


def draw_all(snapshot: Snapshot) -> dict[str, bytes]:
    """Every figure of the page as PNG bytes, by key."""
    return {key: png(draw(snapshot)) for key, draw in FIGURES.items()}


def _figure(title: str, rows: int = 1, *, legend: bool = False) -> tuple[Figure, list]:
    fig = Figure(figsize=(WIDTH, HEIGHT))
    fig.suptitle(title, fontsize=10, x=0.02, ha="left")
    # fixed margins: a layout engine costs more than the drawing
    fig.subplots_adjust(left=0.1, right=0.97, top=0.86 if rows == 1 else 0.84,
                        bottom=0.08 + (LEGEND_SPACE if legend else 0.0), hspace=0.35)
    axes = fig.subplots(rows, 1, squeeze=False, sharex=True)[:, 0]
    for ax in axes:
        ax.grid(True, color="0.88")
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=8)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    return fig, list(axes)


def _panel(ax, kind: str, metric: str) -> None:
    """The panel's plain-language label and unit, from the metric catalogue the run figures use."""
    info = METRICS[(kind, metric)]
    ax.set_title(f"{info.label} [{info.unit}]", fontsize=8, loc="left")


def _year(date: dt.date) -> float:
    """Months as decimal years: date axes cost more to tick than the drawing itself."""
    return date.year + (date.month - 1) / 12


def _months(snapshot: Snapshot) -> np.ndarray:
    return np.array([_year(d) for d in snapshot.dates])


def _finish(ax, snapshot: Snapshot, *, legend: bool = True) -> None:
    """The whole scenario on the x axis (lines grow to the right), a hint before the first month."""
    ax.set_xlim(_year(snapshot.start), _year(snapshot.end) + 1 / 12)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    if not snapshot.dates:
        ax.text(0.5, 0.5, "press Step or Play", transform=ax.transAxes, ha="center", color="0.4")
    if legend:
        _legend(ax)


def _legend(ax, **kwargs) -> None:
    """The axes' legend at the bottom of the figure, under the x axis, where it covers no data."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.figure.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=min(3, len(handles)),
                         frameon=False, fontsize=7, **kwargs)


def synthetic_share_figure(snapshot: Snapshot) -> Figure:
    fig, (ax,) = _figure("Machine-made share of the web", legend=True)
    styles = line_styles()
    for name in ("web.synthetic_share_new", "web.synthetic_share"):
        ax.plot(_months(snapshot), snapshot.get(name), label=metric_label(name, unit=False), **next(styles))
    ax.set_ylim(0, 1)
    ax.set_title("share (0-1)", fontsize=8, loc="left")
    _finish(ax, snapshot)
    return fig


def vendor_figure(snapshot: Snapshot) -> Figure:
    """Each vendor's excess NLL and tail-mass ratio; a tick marks each retraining."""
    fig, axes = _figure("Vendor models against reality (| = retraining)", rows=2, legend=True)
    months = _months(snapshot)
    for ax, metric in zip(axes, ("excess_nll", "tail_kept"), strict=True):
        for vendor in snapshot.vendors:
            values = snapshot.get(f"vendor.{vendor}.{metric}")
            if np.isnan(values).all():
                continue
            style = vendor_style(vendor)
            ax.plot(months, values, label=vendor, **style)
            retrained = snapshot.get(f"vendor.{vendor}.retrained") > 0
            ax.plot(months[retrained], values[retrained], linestyle="none", marker="|", markersize=9,
                    color=style["color"])
        _panel(ax, "vendor", metric)
    axes[1].axhline(1.0, color="0.5", linewidth=0.8)
    for ax in axes:
        _finish(ax, snapshot, legend=ax is axes[0])
    return fig


def farm_figure(snapshot: Snapshot) -> Figure:
    fig, axes = _figure("Content farms and their pages", rows=2)
    months = _months(snapshot)
    styles = line_styles()
    axes[0].plot(months, snapshot.get("farms.count"), **next(styles))
    _panel(axes[0], "farms", "count")
    axes[1].step(months, snapshot.get("farms.pages_new"), where="mid", **next(styles))
    axes[1].set_title("pages the farms published this month [pages]", fontsize=8, loc="left")
    for ax in axes:
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        _finish(ax, snapshot)
    return fig


def web_graph_figure(snapshot: Snapshot) -> Figure:
    """The top-ranked sites placed by topic, coloured by kind, sized by search rank, with their links."""
    graph = snapshot.graph
    fig, (ax,) = _figure(f"The web: top {len(graph.rank)} of {graph.total_sites} sites by rank", legend=True)
    ax.set_title("placed by topic, sized by rank", fontsize=8, loc="left")
    ax.grid(False)
    ax.set_xticks([])
    ax.set_yticks([])
    if len(graph.edges):
        ax.add_collection(LineCollection(graph.xy[graph.edges], colors="0.85", linewidths=0.4, zorder=1))
    size = 8 + 400 * graph.rank / max(graph.rank.max(), 1e-12) if len(graph.rank) else []
    for kind, colour in KIND_COLOURS.items():
        mine = graph.kind == kind
        if mine.any():
            ax.scatter(graph.xy[mine, 0], graph.xy[mine, 1], s=size[mine], color=colour, alpha=0.75,
                       edgecolors="white", linewidths=0.4, label=f"{kind.name.lower()} sites", zorder=2)
    _legend(ax, markerscale=0.5)
    return fig


FIGURES = {
    "synthetic_share": synthetic_share_figure,
    "vendors": vendor_figure,
    "farms": farm_figure,
    "web_graph": web_graph_figure,
}
