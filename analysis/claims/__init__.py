"""The claims ledger: every finding the project states, measured by one command on seeds never used while
developing, with its 95% interval and the conditions under which it holds.

A claim is an effect over seeds. Each claim names its arms (a scenario file and overrides), and a
measure that turns the runs of one seed into one number (a difference between vendors of the same run,
between two arms of the same seed, or a value at a date); the ledger reports the mean over seeds with
its Student t interval. Arms are shared between claims and run once through the resumable batch runner,
so an interrupted ledger resumes where it stopped. ``ecosim claims`` writes ``docs/claims.md``,
``docs/claims.parquet`` and the block of README.md between its markers; README.md and docs/ quote these
numbers and no hand-typed one. ``quick=True`` runs a reduced version of every entry (two seeds, short
runs) for the test suite.

The package has one module a job: ``model`` (arms, claims, entries), ``measures`` (functions of one seed's
runs), a module a theme declaring its arms and claims as data (``collapse``, ``first_movers``, ``detectors``,
``calibration``, ``mechanisms``, ``text``, ``replications``), ``catalogue`` (all of them, checked),
``planning`` (the runs) and ``ledger`` (measuring and writing).
"""

# What the command, the tests, the calibration figure and the benchmarks import.
from analysis.claims.catalogue import ARMS, CLAIMS
from analysis.claims.ledger import (
    README_END,
    README_START,
    check_ledger_files,
    check_readme,
    measure,
    measure_replications,
    readme_block,
    write_ledger,
)
from analysis.claims.model import REPO, Entry
from analysis.claims.planning import LEDGER_SEEDS, plan
from analysis.claims.replications import REPLICATIONS
from analysis.claims.text_models import measure_text_models

__all__ = [
    "ARMS", "CLAIMS", "LEDGER_SEEDS", "README_END", "README_START", "REPLICATIONS", "REPO", "Entry",
    "check_ledger_files", "check_readme", "measure", "measure_replications", "measure_text_models", "plan",
    "readme_block", "write_ledger",
]
