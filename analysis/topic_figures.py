"""Who loses, as a picture: each topic's mass in a vendor's model over its generations, rarest to commonest.

The input is the per-topic history the reading module records at each retraining
(``ecosystem.experiments.reading.simulate_topics``): Q-mass / P-mass inside P's support per topic. Rows
are topics sorted by their weight in reality (the rarest at the top), columns are generations; the
colour is the ratio on a log scale, white where the model keeps the topic's true mass.

``python -m analysis.topic_figures`` draws docs/figures/topic_mass_closed_loop.png (scenarios/closed_loop.yaml,
seed 0).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.colors import LogNorm

from analysis.style import caption, new_figure, save
from ecosystem.experiments.reading import TopicHistory

RATIO_RANGE = (1 / 16, 16)  # the colour scale: a topic at a sixteenth of its mass or less is as good as lost


def topic_mass_figure(history: TopicHistory, *, vendor: str, note: str = ""):
    """A heat map of topic mass ratio: topics (rarest at the top) by generation."""
    order = np.argsort(history.weights, kind="stable")  # rarest first
    ratios = np.clip(history.ratios[:, order].T, *RATIO_RANGE)
    fig, axes = new_figure(width=7.0, height=max(3.2, 0.12 * len(order) + 1.2))
    ax = axes[0, 0]
    ax.grid(False)
    image = ax.imshow(np.ma.masked_invalid(ratios), aspect="auto", cmap="PuOr", norm=LogNorm(*RATIO_RANGE),
                      interpolation="nearest")
    ax.set_xlabel("model generation (retraining)")
    ax.set_ylabel("topic, rarest (top) to commonest (bottom)")
    step = max(1, len(history.dates) // 8)
    ax.set_xticks(range(0, len(history.dates), step),
                  [f"{i + 1}\n{d:%Y-%m}" for i, d in list(enumerate(history.dates))[::step]], fontsize=7)
    ax.set_yticks(range(len(order)), [f"{history.names[k]} ({history.weights[k]:.1%})" for k in order], fontsize=6)
    bar = fig.colorbar(image, ax=ax)
    bar.set_label("model's mass / reality's mass (log scale)")
    ax.set_title(f"{vendor}: which topics the model keeps, generation by generation (1: its true mass)")
    if note:
        caption(fig, note)
    return fig


def draw_topic_mass(history: TopicHistory, folder: str | Path, *, vendor: str, stem: str = "topic_mass",
                    note: str = "") -> list[Path]:
    return save(topic_mass_figure(history, vendor=vendor, note=note), folder, stem)


def main() -> None:  # pragma: no cover - draws the docs figure
    from ecosystem.experiments.reading import simulate_topics
    from ecosystem.scenario_files import load_scenario

    scenario = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "closed_loop.yaml",
                             overrides={"end": "2025-12"})
    _, history = simulate_topics(scenario, vendor="Solo", seed=0)
    folder = Path(__file__).resolve().parents[1] / "docs" / "figures"
    draw_topic_mass(history, folder, vendor="Solo", stem="topic_mass_closed_loop",
                    note="scenario closed_loop, seed 0, 2018-01 to 2025-12")


if __name__ == "__main__":
    main()
