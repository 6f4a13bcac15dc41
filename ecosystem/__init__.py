"""ecosim: an agent-based simulator of the web's content ecosystem and the model collapse it breeds.

The Python API (docs/api.md): ``eco.run``, ``eco.compare``, ``eco.sweep``, ``eco.load_results``, ``eco.load``.
"""

__version__ = "0.1.0"

from ecosystem.api import Run, RunsFailed, ScenarioError, compare, load, load_results, run, sweep  # noqa: E402

__all__ = ["Run", "RunsFailed", "ScenarioError", "compare", "load", "load_results", "run", "sweep"]
