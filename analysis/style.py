"""One plotting style for every figure: readable in a grey-scale print (line styles, not colours)."""

from __future__ import annotations

from itertools import cycle
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ecosystem.io import write_with  # noqa: E402

GREYS = ["0.0", "0.35", "0.6"]
DASHES = ["-", "--", ":", "-."]
MARKERS = [None, "o", "s", "^", "v", "D"]


def line_styles():
    """Endless distinct (colour, linestyle, marker) triples that survive grey-scale printing."""
    for i in cycle(range(len(GREYS) * len(DASHES))):
        yield {"color": GREYS[i % len(GREYS)], "linestyle": DASHES[i % len(DASHES)],
               "marker": MARKERS[(i // len(DASHES)) % len(MARKERS)], "markevery": 12, "markersize": 4}


def new_figure(rows: int = 1, cols: int = 1, *, width: float = 7.0, height: float = 3.2):
    plt.rcParams.update({"font.size": 9, "axes.grid": True, "grid.color": "0.88", "axes.spines.top": False,
                         "axes.spines.right": False})
    fig, axes = plt.subplots(rows, cols, figsize=(width, height * rows), squeeze=False, constrained_layout=True)
    return fig, axes


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
