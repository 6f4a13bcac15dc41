"""What the page draws, copied out of a running model after each month.

The model is only ever touched by the thread that steps it; the page draws from an immutable
``Snapshot``, so a plot never reads a web graph that is half-way through a month. ``SeriesBook``
reads only the metric rows added since the last month, so a snapshot costs what the month added.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from ecosystem.config import Scenario
from ecosystem.content.documents import Origin
from ecosystem.metric_table import metric_name
from ecosystem.model import EcosystemModel

GRAPH_SITES = 200  # the highest-ranked sites drawn in the web-graph panel


@dataclass(frozen=True)
class GraphSample:
    """The top-ranked sites: 2-D positions (their topic centroids projected on reality's main axes),
    kind (0 human, 1 farm, 2 vendor, as ``SiteKind``), search rank, and the links among them."""

    xy: np.ndarray
    kind: np.ndarray
    rank: np.ndarray
    edges: np.ndarray  # (n_edges, 2) indices into xy
    total_sites: int


@dataclass(frozen=True)
class Snapshot:
    months_done: int  # months simulated so far (0 before the first step)
    months: int  # months in the scenario
    start: dt.date  # the scenario's first and last months
    end: dt.date
    dates: list[dt.date]  # one per month done
    series: dict[str, np.ndarray]  # dotted metric name -> one value per month done (NaN where absent)
    vendors: list[str]
    graph: GraphSample
    version: int = 0  # changes with every snapshot of a model; plots redraw only when it changes

    @property
    def current_date(self) -> dt.date | None:
        return self.dates[-1] if self.dates else None

    def get(self, name: str) -> np.ndarray:
        return self.series.get(name, np.full(self.months_done, np.nan))


@dataclass
class SeriesBook:
    """Metric rows of a model turned into one array per dotted name, incrementally."""

    cursor: int = 0
    values: dict[str, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    farm_pages: list[float] = field(default_factory=list)

    def read(self, model: EcosystemModel) -> None:
        rows = model.recorder.rows
        for step, kind, entity, metric, value in rows[self.cursor:]:
            self.values[metric_name(kind, entity, metric)][step] = value
        self.cursor = len(rows)
        store = model.store
        origin = store.column("origin")[store.month_rows(model.month, model.month)]
        self.farm_pages.append(float(np.count_nonzero(origin == Origin.FARM)))

    def arrays(self, months_done: int) -> dict[str, np.ndarray]:
        result = {}
        for name, by_step in self.values.items():
            column = np.full(months_done, np.nan)
            steps = np.fromiter(by_step.keys(), dtype=int, count=len(by_step))
            column[steps] = np.fromiter(by_step.values(), dtype=float, count=len(by_step))
            result[name] = column
        result["farms.pages_new"] = np.array(self.farm_pages)
        return result


def take_snapshot(model: EcosystemModel, book: SeriesBook, *, months_done: int, version: int) -> Snapshot:
    scenario = model.scenario
    return Snapshot(
        months_done=months_done,
        months=scenario.months,
        start=scenario.start,
        end=scenario.end,
        dates=[scenario.date_of(s) for s in range(months_done)],
        series=book.arrays(months_done),
        vendors=[v.name for v in model.vendors],
        graph=sample_graph(model),
        version=version,
    )


def empty_snapshot(scenario: Scenario) -> Snapshot:
    """What the page shows while the model is being built."""
    graph = GraphSample(np.empty((0, 2)), np.empty(0, dtype=np.int8), np.empty(0), np.empty((0, 2), dtype=int), 0)
    return Snapshot(0, scenario.months, scenario.start, scenario.end, [], {}, [v.name for v in scenario.vendors],
                    graph, version=0)


def sample_graph(model: EcosystemModel, *, size: int = GRAPH_SITES) -> GraphSample:
    web = model.web
    rank = web.search_weight()
    top = np.sort(np.argsort(rank)[::-1][:size])
    position = {int(site): i for i, site in enumerate(top)}
    edges = [(position[s], position[t]) for s, t in web.graph.subgraph(position).edges()]
    return GraphSample(
        xy=_project(model, web.centroid[top]),
        kind=web.kind[top].copy(),
        rank=rank[top].copy(),
        edges=np.array(edges, dtype=int).reshape(-1, 2),
        total_sites=web.n_sites,
    )


def _project(model: EcosystemModel, points: np.ndarray) -> np.ndarray:
    """Topic space onto the two main axes of reality's topic means: near points write about the same."""
    means = model.reality.means
    centred = means - means.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    return (points - means.mean(axis=0)) @ axes[:2].T if means.shape[1] > 1 else np.c_[points, points * 0]
