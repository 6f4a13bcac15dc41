"""Fill docs/text-models.md's text-web blocks: how closely the static embedding that places generated
pages follows full MiniLM, what the language-model vendors of scenarios/text_web.yaml write (real output of one
run, as ``ecosim read`` prints it), and the ledger's ``text_web_*`` entries read from docs/claims.parquet.

    python -m analysis.text_web_docs              # after `ecosim claims`, so the entries are the ledger's

Nothing in these blocks is typed by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

from analysis import generated_blocks
from analysis.claims.model import REPO, SCENARIOS

DOC = REPO / "docs" / "text-models.md"
LEDGER = REPO / "docs" / "claims.parquet"
SCENARIO = SCENARIOS / "text_web.yaml"
SEED = 0
# (vendor, month): the first mover's first model, the same vendor seven retrains later, the late entrant's first
READINGS = (("Pioneer", "2020-01"), ("Pioneer", "2026-12"), ("Third", "2026-12"))
PAGES = 3


def embedding_block(seeds: tuple[int, ...] = (0, 1, 2)) -> str:
    """The static embedding against full MiniLM on each seed's held-out documents."""
    from ecosystem.content.text_pages import TextPages
    from ecosystem.randomness import RandomStreams
    from ecosystem.scenario_files import load_scenario

    scenario = load_scenario(SCENARIO)
    lines = ["| seed | held-out documents | cosine-similarity correlation | R^2 | topic accuracy, static | "
             "topic accuracy, MiniLM |", "|---|---|---|---|---|---|"]
    for seed in seeds:
        pages = TextPages.build(scenario, RandomStreams(seed))
        a = pages.text.agreement(pages.world)
        lines.append(f"| {seed} | {a.docs:,} | {a.similarity_correlation:.2f} | {a.r2:.2f} | "
                     f"{a.topic_accuracy_static:.2f} | {a.topic_accuracy_full:.2f} |")
    return (f"`python -m analysis.text_web_docs` on {SCENARIO.name} ({len(pages.text.vocab):,} words, "
            f"{len(pages.text.train):,} training documents), each seed's own split:\n\n" + "\n".join(lines))


def writing_block() -> str:
    """One run of the text web, read at each of READINGS (``ecosystem.experiments.lm_reading``)."""
    from ecosystem.experiments.lm_reading import what_it_writes
    from ecosystem.model import EcosystemModel
    from ecosystem.scenario_files import load_scenario

    last = max(month for _, month in READINGS)
    scenario = load_scenario(SCENARIO, overrides={"end": last})
    model = EcosystemModel(scenario, seed=SEED)
    vendors = {v.name: v for v in model.vendors}
    out = []
    for _ in range(scenario.months):
        model.step()
        month = f"{scenario.date_of(model.month):%Y-%m}"
        for name, at in READINGS:
            if at == month:
                vendor = vendors[name]
                out.append(f"{name}, model {len(vendor.trained_at)} ({month}), "
                           f"`ecosim read {SCENARIO.relative_to(REPO)} --vendor {name} --at {month} -n {PAGES} "
                           f"--seed {SEED}`:\n")
                for page in what_it_writes(model, vendor, PAGES):
                    out.append(f"[{page.topic}] {page.prompt} ...\n  {name} writes: {page.written}\n  "
                               f"a person wrote: {page.human}\n")
    return "```text\n" + "\n".join(out).rstrip() + "\n```"


def ledger_block(ledger: Path = LEDGER) -> str:
    rows = pl.read_parquet(ledger).filter(pl.col("id").str.starts_with("text_web_")) if ledger.is_file() else None
    if rows is None or rows.is_empty():
        return "The ledger has no text-web entries yet: run `ecosim claims`, then this script."
    return "\n".join(f"- {row['statement']} *({row['verdict']}; n = {row['n']}; [`{row['id']}`](claims.md))* "
                     f"{row['fails']}".rstrip() for row in rows.iter_rows(named=True))


def main() -> int:
    generated_blocks.fill_file(DOC, {"text-web-entries": ledger_block(), "text-web-embedding": embedding_block(),
                                     "text-web-writing": writing_block()},
                               generator="python -m analysis.text_web_docs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
