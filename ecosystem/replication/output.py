"""Write a replication's folder: the table per generation and a manifest of what was run."""

from __future__ import annotations

import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl

from ecosystem.io import write_text, write_with


def write_replication(name: str, table: pl.DataFrame, options: dict[str, Any], out: str | Path, *,
                      wall_seconds: float) -> Path:
    """``table.parquet`` and ``manifest.json`` under ``out``, each written atomically."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_with(out / "table.parquet", table.write_parquet)
    manifest = {
        "experiment": name,
        "options": {k: list(v) if isinstance(v, tuple) else v for k, v in options.items()},
        "wall_seconds": round(wall_seconds, 3),
        "python": platform.python_version(),
        "versions": {p: _version(p) for p in ("ecosim", "numpy", "scikit-learn", "polars")},
    }
    write_text(out / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return out


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"
