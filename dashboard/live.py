"""One live run for the page: a Mesa model that Mesa's controls step, whose months run in a
background thread.

``LiveModel.step()`` returns at once: it asks for the next month, which a worker thread computes and
draws, then calls ``on_month``. A month asked for while another is being computed or drawn is queued and
started after it, never dropped. The engine model is touched only by that worker; the page reads
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
    how to tell the page that a month is done. Mesa's Reset builds ``LiveModel(session=...)``."""

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
        self._changed = threading.Condition()  # guards the queue below and the worker's coming and going
        self._worker: threading.Thread | None = None
        self.months_requested = 0  # months asked for by step()
        self.months_started = 0  # months the worker has begun; the others are queued
        self.doing: str | None = None  # what the worker is doing, as the page says it; None when idle
        self.error: str | None = None
        self.snapshot: Snapshot = empty_snapshot(scenario)
        self.images: dict[str, bytes] = {}
        self.seconds: dict[str, float] = {}  # the last month's step and drawing times (wall clock)
        self.cpu_seconds: dict[str, float] = {}  # the same in CPU time of the worker (other load excluded)
        self.shelf: Shelf | None = None  # with a text reality: pages each vendor's model writes, and humans'
        self._reader: PageReader | None = None
        self.reading_error: str | None = None
        with self._changed:
            self._start_worker(first=self._begin)

    @property
    def busy(self) -> bool:
        """The model is being built, or a month computed or drawn, or one is queued."""
        return self.doing is not None

    @property
    def queued(self) -> int:
        """Months asked for that the worker has not begun yet."""
        return self.months_requested - self.months_started

    def step(self) -> None:
        """Ask for the next month and return: the worker starts it once what it is doing is drawn. So that
        Play, which asks every play interval, runs at most one month ahead, a request made while another
        is already queued first waits for that one to begin."""
        with self._changed:
            self._changed.wait_for(lambda: self.queued == 0 or self.error)
            if self.months_requested >= self.scenario.months or self.error:
                self.running = False
                return
            self.months_requested += 1
            self.running = self.months_requested < self.scenario.months
            if self._worker is None:
                self._start_worker()
            elif self.doing is None:  # the worker is telling the page it is idle; it goes on at once
                self.doing = self._next_month()

    def wait(self, timeout: float | None = None) -> None:
        """Block until every month asked for is done, drawn and shown (or ``timeout`` seconds)."""
        with self._changed:
            self._changed.wait_for(lambda: self._worker is None, timeout)

    def _start_worker(self, first: Callable[[], None] | None = None) -> None:
        self.doing = "building the model" if first else self._next_month()
        self._worker = threading.Thread(target=self._work, args=(first,), name=WORKER_NAME, daemon=True)
        self._worker.start()

    def _work(self, first: Callable[[], None] | None) -> None:
        """The worker: its first job, then every month asked for, each drawn and shown, until none is
        queued. Should telling the page fail, the worker still leaves, so that no step() waits for ever."""
        try:
            if first is not None:
                first()
                self._tell_page()
            while self._take_month():
                self._advance()
                self._tell_page()
        finally:
            with self._changed:
                if self._worker is threading.current_thread():
                    self._leave()

    def _take_month(self) -> bool:
        """Begin the next month asked for; or, when none is queued (or the run stopped on an error), leave
        in the same hold of the lock, so that a step() is either taken here or starts a new worker."""
        with self._changed:
            if self.error:
                self.months_requested = self.months_started
            if self.queued == 0:
                self._leave()
                return False
            self.doing = self._next_month()
            self.months_started += 1
            self._changed.notify_all()
            return True

    def _leave(self) -> None:
        self.months_requested = self.months_started
        self._worker = None
        self.doing = None
        self._changed.notify_all()

    def _next_month(self) -> str:
        return f"computing {self.scenario.date_of(self.months_started):%Y-%m}"

    def _tell_page(self) -> None:
        """The page redraws; it shows idle when nothing more is queued (the worker may still go on)."""
        with self._changed:
            if self.queued == 0 or self.error:
                self.doing = None
        if self.session.on_month is not None:
            self.session.on_month()

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
            self.doing = "reading the corpus"
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
            self.error = f"{self.scenario.date_of(self.months_started - 1):%Y-%m}: {type(err).__name__}: {err}"
            self.running = False
        self._draw()

    def _draw(self) -> None:
        if self.session.draw is None:
            return
        date = self.snapshot.current_date
        self.doing = f"drawing {date:%Y-%m}" if date else "drawing"
        if self.session.on_month is not None:  # the page says "drawing" while it draws, not the step before
            self.session.on_month()
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            self.images = self.session.draw(self.snapshot)
        except Exception as err:  # a figure that cannot be drawn stops the run with a message
            traceback.print_exc()
            self.error = f"drawing {self.snapshot.current_date or 'the start'}: {type(err).__name__}: {err}"
            self.running = False
        self.seconds = {**self.seconds, "draw": time.perf_counter() - started}
        self.cpu_seconds = {**self.cpu_seconds, "draw": time.thread_time() - cpu}
