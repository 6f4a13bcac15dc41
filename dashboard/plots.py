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

WIDTH, HEIGHT, DPI = 5.6, 3.3, 80
KIND_COLOURS = {SiteKind.HUMAN: "#0072B2", SiteKind.FARM: "#D55E00", SiteKind.VENDOR: "#009E73"}


def png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def draw_all(snapshot: Snapshot) -> dict[str, bytes]:
    """Every figure of the page as PNG bytes, by key."""
    return {key: png(draw(snapshot)) for key, draw in FIGURES.items()}


def _figure(rows: int = 1) -> tuple[Figure, list]:
    fig = Figure(figsize=(WIDTH, HEIGHT))  # fixed margins: a layout engine costs more than the drawing
    fig.subplots_adjust(left=0.12, right=0.98, top=0.9, bottom=0.1, hspace=0.25)
    axes = fig.subplots(rows, 1, squeeze=False, sharex=True)[:, 0]
    for ax in axes:
        ax.grid(True, color="0.88")
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=7)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    return fig, list(axes)


def _year(date: dt.date) -> float:
    """Months as decimal years: date axes cost more to tick than the drawing itself."""
    return date.year + (date.month - 1) / 12


def _months(snapshot: Snapshot) -> np.ndarray:
    return np.array([_year(d) for d in snapshot.dates])


def _axis_label(kind: str, metric: str) -> str:
    info = METRICS[(kind, metric)]
    return f"{info.label} [{info.unit}]"


def _finish(ax, snapshot: Snapshot) -> None:
    """The whole scenario on the x axis (lines grow to the right), a hint before the first month."""
    ax.set_xlim(_year(snapshot.start), _year(snapshot.end) + 1 / 12)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    if not snapshot.dates:
        ax.text(0.5, 0.5, "press Step or Play", transform=ax.transAxes, ha="center", color="0.4")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, fontsize=6, ncol=3)


def synthetic_share_figure(snapshot: Snapshot) -> Figure:
    fig, (ax,) = _figure()
    styles = line_styles()
    for name in ("web.synthetic_share_new", "web.synthetic_share"):
        ax.plot(_months(snapshot), snapshot.get(name), label=metric_label(name, unit=False), **next(styles))
    ax.set_ylim(0, 1)
    ax.set_ylabel("share (0-1)", fontsize=7)
    ax.set_title("Machine-made share of the web", fontsize=9)
    _finish(ax, snapshot)
    return fig


def vendor_figure(snapshot: Snapshot) -> Figure:
    """Each vendor's excess NLL and tail-mass ratio; a tick marks each retraining."""
    fig, axes = _figure(2)
    months = _months(snapshot)
    for ax, metric in zip(axes, ("excess_nll", "tail_mass_ratio"), strict=True):
        for vendor in snapshot.vendors:
            values = snapshot.get(f"vendor.{vendor}.{metric}")
            if np.isnan(values).all():
                continue
            style = vendor_style(vendor)
            ax.plot(months, values, label=vendor, **style)
            retrained = snapshot.get(f"vendor.{vendor}.retrained") > 0
            ax.plot(months[retrained], values[retrained], linestyle="none", marker="|", markersize=9,
                    color=style["color"])
        ax.set_ylabel(_axis_label("vendor", metric), fontsize=6)
    axes[1].axhline(1.0, color="0.5", linewidth=0.8)
    axes[0].set_title("Vendor models against reality (| = retraining)", fontsize=9)
    for ax in axes:
        _finish(ax, snapshot)
    return fig


def farm_figure(snapshot: Snapshot) -> Figure:
    fig, axes = _figure(2)
    months = _months(snapshot)
    styles = line_styles()
    axes[0].plot(months, snapshot.get("farms.count"), **next(styles))
    axes[0].set_ylabel(_axis_label("farms", "count"), fontsize=6)
    axes[1].step(months, snapshot.get("farms.pages_new"), where="mid", **next(styles))
    axes[1].set_ylabel("farm pages published [pages / month]", fontsize=6)
    axes[0].set_title("Content farms and their pages", fontsize=9)
    for ax in axes:
        _finish(ax, snapshot)
    return fig


def web_graph_figure(snapshot: Snapshot) -> Figure:
    """The top-ranked sites placed by topic, coloured by kind, sized by search rank, with their links."""
    fig, (ax,) = _figure()
    graph = snapshot.graph
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
    ax.set_title(f"The web: top {len(graph.rank)} of {graph.total_sites} sites by rank, placed by topic",
                 fontsize=9)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, fontsize=6, loc="upper right")
    return fig


FIGURES = {
    "synthetic_share": synthetic_share_figure,
    "vendors": vendor_figure,
    "farms": farm_figure,
    "web_graph": web_graph_figure,
}
