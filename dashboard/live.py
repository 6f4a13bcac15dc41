"""One live run for the page: a Mesa model that SolaraViz steps, whose months run in a background thread.

``LiveModel.step()`` returns at once: it starts the next month in a worker thread (after the previous
one finished), so the page keeps answering while a vendor retrains. The worker also draws the month's
figures, then calls ``on_month``. The engine model is touched only by that worker; the page reads
``snapshot`` and ``images``, which are replaced whole when a month is done.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

import mesa

from dashboard.levers import Recipe
from dashboard.reading import PageReader, Shelf
from dashboard.snapshot import SeriesBook, Snapshot, empty_snapshot, take_snapshot
from ecosystem.model import EcosystemModel

Draw = Callable[[Snapshot], dict[str, bytes]]
WORKER_NAME = "ecosim-month"  # the month worker threads' name


class Session:
    """What one browser tab owns: its recipe (scenario file and lever values), how to draw a snapshot and
    how to tell the page that a month is done. SolaraViz's Reset builds ``LiveModel(session=...)``."""

    def __init__(self, recipe: Recipe, *, draw: Draw | None = None, on_month: Callable[[], None] | None = None):
        self.recipe = recipe
        self.draw = draw
        self.on_month = on_month


class LiveModel(mesa.Model):
    def __init__(self, session: Session, **kwargs: Any) -> None:
        scenario = session.recipe.scenario
        super().__init__(seed=scenario.seed, **kwargs)
        self.session = session
        self.scenario = scenario
        self.sim: EcosystemModel | None = None  # built by the worker: a text reality takes a while
        self._book = SeriesBook()
        self._worker: threading.Thread | None = None
        self._busy = False
        self.months_requested = 0
        self.error: str | None = None
        self.snapshot: Snapshot = empty_snapshot(scenario)
        self.images: dict[str, bytes] = {}
        self.seconds: dict[str, float] = {}  # the last month's step and drawing times (wall clock)
        self.cpu_seconds: dict[str, float] = {}  # the same in CPU time of the worker (other load excluded)
        self.shelf: Shelf | None = None  # with a text reality: pages each vendor's model writes, and humans'
        self._reader: PageReader | None = None
        self.reading_error: str | None = None
        self._start(self._begin)

    @property
    def busy(self) -> bool:
        """A month is being computed or drawn (cleared before the page is told it is done)."""
        return self._busy

    @property
    def computing(self):
        """The month being computed (or drawn), or None."""
        return self.scenario.date_of(self.months_requested - 1) if self.busy and self.months_requested else None

    def step(self) -> None:
        """Start the next month in the background (once the previous one is done) and return."""
        self.wait()
        if self.months_requested >= self.scenario.months or self.error:
            self.running = False
            return
        self.months_requested += 1
        self.running = self.months_requested < self.scenario.months
        self._start(self._advance)

    def _start(self, work: Callable[[], None]) -> None:
        self._busy = True
        self._worker = threading.Thread(target=work, name=WORKER_NAME, daemon=True)
        self._worker.start()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the month being computed (if any) is done."""
        if self._worker is not None:
            self._worker.join(timeout)

    def _begin(self) -> None:
        """First job of the worker: the engine model, and with a text reality the page reader (which
        rebuilds the text world)."""
        try:
            self.sim = EcosystemModel(self.scenario)
            self.snapshot = take_snapshot(self.sim, self._book, months_done=0, version=1)
        except Exception as err:  # shown in the page; nothing can be stepped
            traceback.print_exc()
            self.error = f"building the model: {type(err).__name__}: {err}"
            self.running = False
        if self.sim is not None and self.scenario.reality.kind == "text":
            try:
                self._reader = PageReader(self.sim)
                self.shelf = self._reader.read(self.sim, None)
            except Exception as err:  # the run still works without the panel
                traceback.print_exc()
                self.reading_error = f"{type(err).__name__}: {err}"
        self._draw()

    def _advance(self) -> None:
        try:
            started, cpu = time.perf_counter(), time.thread_time()
            self.sim.step()
            self._book.read(self.sim)
            if self._reader is not None:
                self.shelf = self._reader.read(self.sim, self.shelf)
            self.snapshot = take_snapshot(self.sim, self._book, months_done=self.sim.month + 1,
                                          version=self.snapshot.version + 1)
            self.seconds = {"step": time.perf_counter() - started}
            self.cpu_seconds = {"step": time.thread_time() - cpu}
        except Exception as err:  # shown in the page; the run stops there
            traceback.print_exc()
            self.error = f"{self.scenario.date_of(self.months_requested - 1):%Y-%m}: {type(err).__name__}: {err}"
            self.running = False
        self._draw()

    def _draw(self) -> None:
        if self.session.draw is not None:
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                self.images = self.session.draw(self.snapshot)
            except Exception as err:  # a figure that cannot be drawn stops the run with a message
                traceback.print_exc()
                self.error = f"drawing {self.snapshot.current_date or 'the start'}: {type(err).__name__}: {err}"
                self.running = False
            self.seconds = {**self.seconds, "draw": time.perf_counter() - started}
            self.cpu_seconds = {**self.cpu_seconds, "draw": time.thread_time() - cpu}
        self._busy = False
        if self.session.on_month is not None:
            self.session.on_month()
