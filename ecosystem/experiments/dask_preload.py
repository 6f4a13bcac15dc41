"""Loaded by each worker of a Dask LocalCluster as it starts (a Dask worker preload), so that its first
run does not pay the engine's imports (about two seconds of CPU) after the runs were handed out.

The import happens while the worker starts, which the driver overlaps with its own imports and planning
(``DaskCluster.start``). The imported objects then go to the collector's frozen generation, as in local
worker processes: a full collection in the middle of a run no longer walks the several hundred thousand
objects of the engine and its libraries, which live as long as the worker anyway.
"""

from __future__ import annotations

import gc
import importlib
from typing import Any

from ecosystem.experiments.executors import ENGINE_MODULES

for _module in ENGINE_MODULES:  # what each run needs, imported as the worker starts
    importlib.import_module(_module)


def dask_setup(worker: Any) -> None:
    """Called by Dask once the worker has started, before it takes any task."""
    gc.freeze()
