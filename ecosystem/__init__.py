"""ecosim: an agent-based simulator of the web's content ecosystem and the model collapse it breeds.

The Python API (docs/api.md): ``eco.run``, ``eco.compare``, ``eco.sweep``, ``eco.load_results``, ``eco.load``.
They are loaded on first use, so importing any part of the package (a worker, ``ecosim --help``) does not
pay for the whole engine.
"""

__version__ = "0.1.0"

__all__ = ["Run", "RunsFailed", "ScenarioError", "compare", "load", "load_results", "run", "sweep"]


def __getattr__(name: str):
    if name in __all__:
        from ecosystem import api

        return getattr(api, name)
    raise AttributeError(f"module 'ecosystem' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
