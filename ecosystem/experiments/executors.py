"""Interchangeable back ends that run one plain function over many inputs.

Each executor is a context manager with one method, ``map_unordered(fn, items)``, yielding a
``Completed`` (the input, and the value or the error) as each call finishes, so the caller can write
results to disk as they come. ``fn`` must be a top-level function so that it pickles.

- ``InProcess``: calls in this process, one after another (``--workers 1``).
- ``LocalProcesses``: one fresh local process per call, as many at a time as asked (default: all
  cores); a killed process loses only its call, and no process outlives the driver.
- ``DaskCluster``: a Dask distributed cluster, either at a scheduler address or a ``LocalCluster``
  started (and stopped) by the context manager.
"""

from __future__ import annotations

import atexit
import gc
import logging
import multiprocessing
import os
import re
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing import connection, forkserver, resource_tracker
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


MAX_WORKERS = 64  # processes on one machine; each run holds a few hundred megabytes
ENGINE_MODULES = ("ecosystem.experiments.batch", "ecosystem.web.rank")  # what a run imports: workers import it first
_ADDRESS = re.compile(r"^([a-z]+://)?[A-Za-z0-9_.\-\[\]:]+:\d{1,5}$")


class ExecutorError(ValueError):
    """Options that cannot give an executor, or a cluster that cannot be reached; one line for the user."""


class WorkerDied(RuntimeError):
    """A worker process ended without returning (killed, out of memory): only its own call is lost."""


class LocalProcesses:
    """Each call in a fresh local process, at most ``workers`` at a time, forked from a fork server
    that has the package imported (a fork costs milliseconds; a run takes seconds).

    One process per call is what makes failures local: a process killed by the system (out of
    memory) or by hand loses only its own call, reported as ``WorkerDied``, and the batch goes on.
    Every process watches the driver through a pipe only the driver can write to, and exits the
    moment the driver dies, however it dies. Ctrl-C reaches only the driver, which kills the running
    processes at once: the fork server and every process forked from it start with SIGINT blocked, so
    none prints a KeyboardInterrupt traceback (the fork server would, while it imports the package).
    """

    def __init__(self, *, workers: int | None = None) -> None:
        self.workers = workers or min(os.cpu_count() or 1, MAX_WORKERS)
        self.description = f"{self.workers} local processes"
        self._context: Any = None
        self._alive: tuple[Any, Any] | None = None

    def start(self) -> LocalProcesses:
        """Start the fork server now, without waiting for it: it imports the package (seconds of CPU)
        on another core while the caller does its own imports and planning, so the first runs wait for
        nothing. Entering the context starts it too, if this was not called."""
        if self._context is None:
            self._context = multiprocessing.get_context("forkserver")
            self._context.set_forkserver_preload(list(ENGINE_MODULES))
            resource_tracker.ensure_running()  # first: starting it unblocks SIGINT
            # A child inherits the blocked mask; a Ctrl-C meanwhile waits here and is raised once it is lifted.
            unblocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                forkserver.ensure_running()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)
        return self

    def __enter__(self) -> LocalProcesses:
        self.start()
        self._alive = self._context.Pipe(duplex=False)  # (read end for the workers, write end kept here)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._alive is not None:
            for end in self._alive:
                end.close()
            self._alive = None

    def map_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Completed]:
        if self._alive is None:
            raise RuntimeError("LocalProcesses must be used as a context manager")
        queue = iter(items)
        running: dict[Any, tuple[Any, Any]] = {}  # result pipe -> (process, item)
        try:
            while True:
                while len(running) < self.workers:
                    item = next(queue, _END)
                    if item is _END:
                        break
                    reader, process = self._start(fn, item)
                    running[reader] = (process, item)
                if not running:
                    return
                for reader in connection.wait(list(running)):
                    process, item = running.pop(reader)
                    yield self._collect(reader, process, item)
        finally:
            for reader, (process, _) in running.items():  # interrupted: stop what is still running
                process.kill()
                process.join()
                reader.close()

    def _start(self, fn: Callable[[Any], Any], item: Any) -> tuple[Any, Any]:
        reader, writer = self._context.Pipe(duplex=False)
        process = self._context.Process(target=_work, args=(fn, item, writer, self._alive[0]), daemon=True)
        process.start()
        writer.close()  # the worker holds the only write end: its death reads as end of file
        return reader, process

    @staticmethod
    def _collect(reader: Any, process: Any, item: Any) -> Completed:
        try:
            ok, value = reader.recv()
        except (EOFError, OSError):
            process.join()
            code = process.exitcode
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit status {code}"
            hint = " (out of memory, or killed by hand)" if code == -signal.SIGKILL else ""
            return Completed(item, error=WorkerDied(f"worker process died, {how}{hint}"))
        finally:
            reader.close()
        process.join()
        return Completed(item, value=value) if ok else Completed(item, error=value)


_END = object()


def _work(fn: Callable[[Any], Any], item: Any, result: Any, driver_alive: Any) -> None:
    """In the worker: call ``fn(item)`` and send back (ok, value or error).

    The objects forked from the server (the imported package) are frozen first: the collector then
    never walks them, and so never writes their headers, which would copy every page of the server's
    memory into this process (about 12,000 page copies and a quarter of a second-long run's CPU)."""
    gc.freeze()
    threading.Thread(target=_exit_when_closed, args=(driver_alive,), daemon=True).start()
    try:
        outcome = (True, fn(item))
    except Exception as err:  # noqa: BLE001 - reported to the driver, the others go on
        outcome = (False, err)
    try:
        result.send(outcome)
    except Exception as err:  # noqa: BLE001 - an error that does not pickle is sent as text
        result.send((False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]} ({err})")))
    result.close()


def _exit_when_closed(driver_alive: Any) -> None:
    """Block until the driver's end of the pipe closes (it died, or the batch ended), then exit."""
    try:
        driver_alive.recv_bytes()
    except (EOFError, OSError):
        pass
    os._exit(70)


class DaskCluster:
    """A Dask distributed cluster: at ``scheduler`` (``tcp://host:port``), or a ``LocalCluster`` of
    ``local_workers`` single-threaded processes without a dashboard.

    A LocalCluster can start before the batch (``start``), in a thread, while the driver imports and plans;
    each of its workers imports the engine as it starts (``dask_preload``), so the first runs wait for
    neither. Its threads and workers start with SIGINT blocked: Ctrl-C reaches only the driver, and no
    worker prints a KeyboardInterrupt traceback while it imports. A driver that exits without entering
    (interrupted, or its plan refused) exits at once: its workers are terminated as daemon processes, and
    exit anyway when the driver dies.
    """

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
        self._starting: threading.Thread | None = None
        self._start_error: BaseException | None = None
        self._entered = False

    def start(self) -> DaskCluster:
        """Start the LocalCluster now, without waiting for it: its workers start and import the engine
        (seconds of CPU) on the other cores while the caller does its own imports and planning. Entering
        the context waits for it (and starts it, if this was not called). An external scheduler's
        cluster is already running: nothing to do here."""
        if self.local_workers is not None and self._starting is None:
            import distributed  # noqa: F401 - here: two threads importing one package can meet half-imported modules

            resource_tracker.ensure_running()  # here: starting it unblocks SIGINT in the thread that starts it
            self._starting = threading.Thread(target=self._start_local, name="dask-localcluster-start", daemon=True)
            self._starting.start()
            atexit.register(self._quiet_if_abandoned)
        return self

    def _start_local(self) -> None:
        from distributed import Client

        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # inherited by the threads and workers started here
        try:
            self._cluster = _local_cluster(n_workers=self.local_workers, threads_per_worker=1, processes=True,
                                           dashboard_address=None, silence_logs=logging.ERROR,
                                           preload=["ecosystem.experiments.dask_preload"],
                                           # its HTTP server (no dashboard) on any free port, not 8787: two
                                           # clusters at once would print a warning
                                           scheduler_kwargs={"dashboard_address": ":0"})
            self._client = Client(self._cluster)
        except BaseException as err:  # noqa: BLE001 - raised in the driver's thread by __enter__
            self._start_error = err

    def _quiet_if_abandoned(self) -> None:
        """At exit, before Dask's handlers: a cluster the driver never entered (it was interrupted, or
        its plan refused) dies with it, without logging the errors of its interrupted start."""
        if not self._entered:
            logging.getLogger("distributed").disabled = True

    def __enter__(self) -> DaskCluster:
        from distributed import Client

        if self.scheduler is not None:
            try:
                self._client = Client(self.scheduler, timeout="20s")
            except (OSError, ValueError, TypeError) as err:  # unreachable, refused, or not an address
                raise ExecutorError(f"--scheduler {self.scheduler}: cannot reach a Dask scheduler there "
                                    f"({_first_line(err)})") from None
            return self
        self.start()
        self._starting.join()
        if self._start_error is not None:
            error, self._start_error, self._starting = self._start_error, None, None
            self.__exit__()
            raise ExecutorError(f"the Dask LocalCluster did not start ({_first_line(error)})") from None
        self._entered = True
        atexit.unregister(self._quiet_if_abandoned)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
        self._starting, self._entered = None, False  # entering again starts a new cluster

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


def _local_cluster(**options: Any) -> Any:
    """A ``LocalCluster`` that leaves the driver's own work alone while it starts beside it.

    Its scheduler (a thread of the driver) does not hook the driver's garbage collections: a Ctrl-C that
    lands during one is raised in the hook, where Python ignores it, and the driver would go on planning
    (collections are frequent while it imports). And Dask's exit handler leaves it alone:
    ``DaskCluster.__exit__`` closes it, and one the driver never entered (interrupted while it started)
    ends with the driver, at once, instead of the handler waiting up to 10 s for its workers to finish
    starting in order to close them."""
    from distributed import LocalCluster
    from distributed.gc import disable_gc_diagnosis

    class DriverFriendlyLocalCluster(LocalCluster):
        async def _start(self) -> None:
            await super()._start()  # the scheduler, which hooks the collector as it starts
            disable_gc_diagnosis(force=True)

        @property
        def shutdown_on_close(self) -> bool:  # read by Dask's exit handler only
            return False

        @shutdown_on_close.setter
        def shutdown_on_close(self, value: bool) -> None:
            pass

    return DriverFriendlyLocalCluster(**options)


def _first_line(err: BaseException) -> str:
    """An error's first line, at most 200 characters, or its type's name if it has no text."""
    text = str(err).strip()
    return text.splitlines()[0][:200] if text else type(err).__name__


def choose_executor(*, workers: int | None = None, scheduler: str | None = None,
                    dask_local: int | None = None) -> InProcess | LocalProcesses | DaskCluster:
    """The executor the command-line options ask for; local processes on every core by default.
    Options are checked here, before any file is written or any run starts."""
    chosen = [name for name, value in (("--workers", workers), ("--scheduler", scheduler),
                                       ("--dask-local", dask_local)) if value is not None]
    if len(chosen) > 1:
        raise ExecutorError(f"choose one way to run: {' or '.join(chosen)}")
    for flag, count in (("--workers", workers), ("--dask-local", dask_local)):
        if count is not None and not 1 <= count <= MAX_WORKERS:
            raise ExecutorError(f"{flag} must be between 1 and {MAX_WORKERS} processes, got {count}")
    if scheduler is not None:
        if not _ADDRESS.match(scheduler):
            raise ExecutorError(f"--scheduler {scheduler[:80]!r}: expected a Dask scheduler address such as "
                                "tcp://10.0.0.5:8786")
        return DaskCluster(scheduler=scheduler)
    if dask_local is not None:
        return DaskCluster(local_workers=dask_local)
    if workers == 1:
        return InProcess()
    return LocalProcesses(workers=workers)
