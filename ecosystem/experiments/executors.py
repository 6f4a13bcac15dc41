"""Interchangeable back ends that run one plain function over many inputs.

Each executor is a context manager with one method, ``map_unordered(fn, items)``, yielding a
``Completed`` (the input, and the value or the error) as each call finishes, so the caller can write
results to disk as they come. ``fn`` must be a top-level function so that it pickles.

- ``InProcess``: calls in this process, one after another (``--workers 1``).
- ``LocalProcesses``: a ``ProcessPoolExecutor`` with as many workers as asked (default: all cores).
- ``DaskCluster``: a Dask distributed cluster, either at a scheduler address or a ``LocalCluster``
  started (and stopped) by the context manager.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Completed:
    """One finished call: ``value`` on success, else ``error``."""

    item: Any
    value: Any = None
    error: BaseException | None = None


class Executor(Protocol):
    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Completed]: ...


class InProcess:
    """Run each call here, in order; an error in one call does not stop the others."""

    description = "in-process"

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Completed]:
        for item in items:
            try:
                yield Completed(item, value=fn(item))
            except Exception as err:  # noqa: BLE001 - reported to the caller, the others go on
                yield Completed(item, error=err)


class LocalProcesses:
    """A pool of local worker processes, started from a fork server that has the package imported."""

    def __init__(self, *, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.description = f"{self.workers} local processes"
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalProcesses:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["ecosystem.experiments.batch"])
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Completed]:
        if self._pool is None:
            raise RuntimeError("LocalProcesses must be used as a context manager")
        pending = {self._pool.submit(fn, item): item for item in items}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                item = pending.pop(future)
                error = future.exception()
                if error is not None:
                    yield Completed(item, error=error)
                else:
                    yield Completed(item, value=future.result())


class DaskCluster:
    """A Dask distributed cluster: at ``scheduler`` (``tcp://host:port``), or a ``LocalCluster`` of
    ``local_workers`` single-threaded processes without a dashboard."""

    def __init__(self, *, scheduler: str | None = None, local_workers: int | None = None) -> None:
        if (scheduler is None) == (local_workers is None):
            raise ValueError("give exactly one of scheduler (an address) or local_workers (a count)")
        if local_workers is not None and local_workers < 1:
            raise ValueError(f"local_workers must be at least 1, got {local_workers}")
        self.scheduler = scheduler
        self.local_workers = local_workers
        self.description = (f"Dask at {scheduler}" if scheduler
                            else f"Dask LocalCluster, {local_workers} processes")
        self._cluster = None
        self._client = None

    def __enter__(self) -> DaskCluster:
        from distributed import Client, LocalCluster

        if self.scheduler is not None:
            self._client = Client(self.scheduler, timeout="20s")
        else:
            self._cluster = LocalCluster(n_workers=self.local_workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=logging.ERROR)
            self._client = Client(self._cluster)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Completed]:
        from distributed import as_completed

        if self._client is None:
            raise RuntimeError("DaskCluster must be used as a context manager")
        pending = {}
        for item in items:
            pending[self._client.submit(fn, item, pure=False)] = item
        if not pending:
            return
        for future in as_completed(list(pending)):
            item = pending.pop(future)
            try:
                yield Completed(item, value=future.result())
            except Exception as err:  # noqa: BLE001 - reported to the caller, the others go on
                yield Completed(item, error=err)
            finally:
                future.release()


def choose_executor(*, workers: int | None = None, scheduler: str | None = None,
                    dask_local: int | None = None) -> InProcess | LocalProcesses | DaskCluster:
    """The executor the command-line options ask for; local processes on every core by default."""
    chosen = [name for name, value in (("--workers", workers), ("--scheduler", scheduler),
                                       ("--dask-local", dask_local)) if value is not None]
    if len(chosen) > 1:
        raise ValueError(f"choose one way to run: {' or '.join(chosen)}")
    if workers is not None and workers < 1:
        raise ValueError(f"--workers must be at least 1, got {workers}")
    if scheduler is not None:
        return DaskCluster(scheduler=scheduler)
    if dask_local is not None:
        return DaskCluster(local_workers=dask_local)
    if workers == 1:
        return InProcess()
    return LocalProcesses(workers=workers)
