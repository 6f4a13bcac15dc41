"""Fit the watermark edit model and write its table into docs/calibration.md ("Watermarks").

    .venv/bin/python benchmarks/watermark_calibration.py [--documents 20000] [--seed 0]

Runs ``ecosystem.learning.edit_calibration.calibrate`` (under a second), simulates every published
figure through the engine's edit and detection code, and replaces the text between the section's
markers. It fails if the engine's constants have drifted from what the fit gives.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ecosystem.config import EvasionConfig
from ecosystem.learning.edit_calibration import calibrate, write_watermark_section
from ecosystem.learning.edits import EDIT_MODEL

DOC = Path(__file__).resolve().parent.parent / "docs" / "calibration.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000, help="simulated pages per table row")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    fitted, defaults = calibrate(), EvasionConfig()
    print(f"fitted: {fitted}")
    drift = {
        "context_exponent": (EDIT_MODEL.context_exponent, fitted.model.context_exponent, 0.01),
        "spread": (EDIT_MODEL.spread, fitted.model.spread, 0.1),
        "paraphrase_strength": (defaults.paraphrase_strength, fitted.paraphrase_strength, 0.005),
        "translate_strength": (defaults.translate_strength, fitted.translate_strength, 0.005),
    }
    stale = [f"{name}: engine {used} vs fitted {fit:.4f}" for name, (used, fit, tol) in drift.items()
             if abs(used - fit) > tol]
    if stale:
        raise SystemExit("engine constants differ from the fit; update them first:\n" + "\n".join(stale))
    print(write_watermark_section(DOC, documents=args.documents, seed=args.seed))


if __name__ == "__main__":
    main()
