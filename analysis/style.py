"""One plotting style for every figure, and one fixed look per name across all figures and runs.

``vendor_style(name)`` gives a vendor (or a scenario) the same colour, dash and marker in every figure:
known names come from a table, any other name from a hash of the name, never from its position in a
legend. Colours are the Okabe-Ito palette (safe for colour-blind readers); dashes and markers differ
too, so seven lines stay apart in a grey-scale print. ``metric_label(name)`` turns a dotted metric
name into plain words for axes and titles.
"""

from __future__ import annotations

import hashlib
from itertools import cycle
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ecosystem.experiments.catalogue import describe, plain_label  # noqa: E402
from ecosystem.io import write_with  # noqa: E402

# Okabe-Ito, ordered so that neighbours differ in lightness as well as hue.
COLOURS = ["#000000", "#E69F00", "#0072B2", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#999999"]
DASHES = ["-", (0, (5, 2)), (0, (1, 1.5)), (0, (6, 2, 1, 2)), (0, (3, 1, 1, 1, 1, 1)), (0, (10, 3)),
          (0, (2, 3)), (0, (8, 2, 2, 2))]
MARKERS = [None, "o", "s", "^", "D", "v", "P", "X"]

# The names the shipped scenarios use: (colour, dash, marker) positions in the three lists above. No two
# names share a dash and marker, and the baseline's five with Early and Late (or Google, OpenAI, xAI) are
# seven lines that differ in colour, dash and marker each.
KNOWN = {
    "Pioneer": (0, 0, 0), "Meta": (1, 1, 1), "Anthropic": (2, 2, 2), "Mistral": (3, 3, 3), "DeepSeek": (4, 4, 4),
    "Google": (5, 5, 5), "OpenAI": (6, 6, 6), "xAI": (7, 7, 7),
    "Early": (5, 5, 6), "Late": (6, 6, 7), "Cohere": (5, 5, 7), "Qwen": (6, 6, 5),
    "Solo": (0, 0, 1), "FirstMover": (0, 0, 2), "LateEntrant": (1, 1, 3), "Sentinel": (0, 0, 4), "Guard": (1, 1, 5),
}


def vendor_style(name: str) -> dict:
    """Matplotlib line keywords for ``name``: the same in every figure of every run."""
    if name in KNOWN:
        colour, dash, marker = KNOWN[name]
    else:
        digest = hashlib.sha256(name.encode()).digest()
        colour, dash, marker = digest[0] % len(COLOURS), digest[1] % len(DASHES), digest[2] % len(MARKERS)
    return {"color": COLOURS[colour], "linestyle": DASHES[dash], "marker": MARKERS[marker],
            "markevery": 0.1, "markersize": 4, "linewidth": 1.5}


def scenario_style(name: str, *, reference: bool = False) -> dict:
    """A scenario's line: the reference is always solid black, the others keep their name's style."""
    if reference:
        return {"color": "#000000", "linestyle": "-", "marker": None, "linewidth": 2.0}
    style = vendor_style(name)
    if style["color"] == "#000000":  # black is the reference's
        style = {**style, "color": COLOURS[(COLOURS.index("#000000") + 2) % len(COLOURS)]}
    if style["linestyle"] == "-":
        style = {**style, "linestyle": DASHES[1]}
    return style


def metric_label(name: str, *, unit: bool = True) -> str:
    """Plain words for a dotted metric name, with its unit in brackets: "DeepSeek: model's distance from
    human text (excess NLL) [nats]". Names outside the catalogue are returned unchanged."""
    info = describe(name)
    label = plain_label(name)
    return f"{label} [{info.unit}]" if unit and info is not None else label


def worse_note(name: str) -> str:
    """"higher is worse", "lower is worse", or "" where no direction is worse."""
    info = describe(name)
    return f"{info.worse} is worse" if info is not None and info.worse else ""


def line_styles():
    """Endless distinct line styles, for lines that are not named entities (e.g. two web shares)."""
    for i in cycle(range(len(COLOURS))):
        yield {"color": COLOURS[i], "linestyle": DASHES[i], "marker": MARKERS[i], "markevery": 0.1,
               "markersize": 4}


def new_figure(rows: int = 1, cols: int = 1, *, width: float = 7.0, height: float = 3.2):
    plt.rcParams.update({"font.size": 9, "axes.grid": True, "grid.color": "0.88", "axes.spines.top": False,
                         "axes.spines.right": False,
                         # tick labels in plain notation, as the brief writes numbers: no "1e6" offset
                         "axes.formatter.useoffset": False, "axes.formatter.limits": (-7, 9)})
    fig, axes = plt.subplots(rows, cols, figsize=(width, height * rows), squeeze=False, constrained_layout=True)
    return fig, axes


def caption(fig, text: str) -> None:
    """A small caption line under the figure (scenario, seeds, dates), in room kept free for it."""
    height = fig.get_size_inches()[1]
    fig.get_layout_engine().set(rect=(0, 0.22 / height, 1, 1 - 0.22 / height))
    fig.text(0.01, 0.04 / height, text, fontsize=7, color="0.3", ha="left", va="bottom")


def save(fig, folder: str | Path, stem: str) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg`` atomically; return their paths."""
    folder = Path(folder)
    paths = []
    for suffix in ("png", "svg"):
        path = folder / f"{stem}.{suffix}"
        write_with(path, lambda tmp, fmt=suffix: fig.savefig(tmp, format=fmt, dpi=150))
        paths.append(path)
    plt.close(fig)
    return paths
