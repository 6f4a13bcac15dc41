"""A policy brief generated entirely from a results folder (a comparison or a sweep): self-contained
HTML (figures embedded as data URIs, laid out to print) and a PDF of it printed by the system Chromium.

The templates (``analysis/templates``, Jinja2) share one layout, two to four A4 pages: the question and a
one-sentence answer, the key numbers, two to four figures with captions, what was assumed (with each lever's
published source), what the brief cannot answer, limitations (with the claims-ledger entries on the levers
used), the calibration check and an ODD-protocol model description (Grimm et al. 2020); the whole ledger
only as an annex on request.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from analysis.brief_sections import (
    DEFAULT_CLAIMS,
    BriefError,
    claim_row,
    limitations,
    odd_sections,
    read_claims,
    relevant_claims,
)
from ecosystem.io import write_text

TEMPLATES = Path(__file__).parent / "templates"
CHROMIUM = "/usr/bin/chromium"

__all__ = ["BriefError", "BriefFiles", "render_brief", "write_brief", "print_pdf"]


@dataclass(frozen=True)
class BriefFiles:
    html: Path
    pdf: Path | None
    pdf_problem: str  # why there is no PDF ("" when there is one)


def write_brief(results: str | Path, out: str | Path, *, claims: Path | None = None, with_claims: bool = True,
                question: str | None = None, annex: bool = False, pdf: bool = True,
                chromium: str = CHROMIUM, change: float = 10.0) -> BriefFiles:
    """Render ``brief.html`` from the results folder into ``out`` (and ``brief.pdf`` unless ``pdf`` is false);
    ``change``: for a sweep over one parameter, the percent change whose level the brief reports."""
    out = Path(out)
    html = out / "brief.html"
    write_text(html, render_brief(results, figures_folder=out / "figures", claims=claims, with_claims=with_claims,
                                  question=question, annex=annex, change=change))
    if not pdf:
        return BriefFiles(html, None, "not asked for")
    problem = print_pdf(html, out / "brief.pdf", chromium=chromium)
    return BriefFiles(html, None if problem else out / "brief.pdf", problem)


def render_brief(results: str | Path, *, figures_folder: Path, claims: Path | None = None, with_claims: bool = True,
                 question: str | None = None, annex: bool = False, change: float = 10.0) -> str:
    """The brief of a comparison or sweep folder as one self-contained HTML string (``with_claims=False``:
    without the claims ledger's limitations; ``annex``: with the whole ledger as an annex; ``change``: the
    percent change whose level a sweep over one parameter reports)."""
    from analysis.brief_compare import compare_context
    from analysis.brief_sweep import sweep_context
    from analysis.results import is_sweep, read_compare, read_sweep

    folder = Path(results)
    claims_path = claims or DEFAULT_CLAIMS
    ledger = read_claims(claims_path) if with_claims else None  # a bad ledger is refused before any figure
    if is_sweep(folder):
        read = read_sweep(folder)
        context = sweep_context(read, figures_folder=figures_folder, question=question, change=change)
        template, variants = "sweep_brief.html.j2", {read.name: read.base}
        scenario, seeds, outcomes, dates = read.base, read.seeds, read.outcomes, read.dates
    else:
        read = read_compare(folder)
        context = compare_context(read, figures_folder=figures_folder, question=question)
        template, variants = "compare_brief.html.j2", {n: read.scenarios[n] for n in read.order[1:]}
        scenario, seeds, outcomes, dates = read.scenarios[read.reference], len(read.seeds), read.outcomes, read.dates
    context.update(
        source=str(folder),
        odd=odd_sections(scenario, first=dates[0], last=dates[1]),
        limitations=limitations(seeds=seeds, outcomes=outcomes, scenario=scenario, posterior=read.posterior),
        claims=None if ledger is None else relevant_claims(ledger, outcomes=outcomes, scenarios=variants),
        claims_total=0 if ledger is None else ledger.height,
        claims_path=shown_value(claims_path),
        with_claims=with_claims,
        annex=[] if ledger is None or not annex else [claim_row(c) for c in ledger.iter_rows(named=True)],
    )
    context.setdefault("cannot", [])
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.get_template(template).render(**context)


def shown_value(path: Path) -> str:
    """A path as the reader should see it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def print_pdf(html: Path, pdf: Path, *, chromium: str = CHROMIUM, timeout: float = 180.0) -> str:
    """Print ``html`` to ``pdf`` with headless Chromium; returns "" on success, else why there is no PDF."""
    if shutil.which(chromium) is None:
        return f"the PDF needs chromium ({chromium} not found; `make system` installs it)"
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ecosim-chromium-") as profile:
        target = pdf.with_name(f".{pdf.name}.tmp")
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={target}",
                   html.resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            return f"chromium could not print the PDF: {type(err).__name__}"
        if not target.is_file() or target.stat().st_size == 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return f"chromium printed no PDF (exit {done.returncode}): {last}"
        target.replace(pdf)
    return ""
