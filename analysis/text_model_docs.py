"""Fill docs/text-models.md's generated blocks: what the language model writes at generation 0 and 12 (the
``ecosim read-text`` text), and the ledger's language-model entries read from docs/claims.parquet.

    python -m analysis.text_model_docs            # after `ecosim claims`, so the entries are the ledger's

Nothing in these blocks is typed by hand: the writing is the command's output at its default seed, the entries
are the ledger's sentences with their verdicts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

from analysis import generated_blocks
from analysis.claims.model import REPO
from ecosystem.replication.text_reading import markdown, what_it_writes

DOC = REPO / "docs" / "text-models.md"
LEDGER = REPO / "docs" / "claims.parquet"
WRITING = {"generations": 12, "policy": "replace", "n": 4, "words": 40, "seed": 0}
COMMAND = "ecosim read-text --generations 12 --policy replace -n 4 --words 40"


def writing_block() -> str:
    text = markdown(what_it_writes(**WRITING), generations=WRITING["generations"], policy=WRITING["policy"])
    return f"`{COMMAND}`:\n\n```text\n{text}\n```"


def ledger_block(ledger: Path = LEDGER) -> str:
    rows = pl.read_parquet(ledger).filter(pl.col("id").str.starts_with("text_lm_")) if ledger.is_file() else None
    if rows is None or rows.is_empty():
        return "The ledger has no language-model entries yet: run `ecosim claims`, then this script."
    lines = []
    for row in rows.iter_rows(named=True):
        published = f" Published: {row['published']}." if row["published"] else ""
        lines.append(f"- {row['statement']}{published} *({row['verdict']}; n = {row['n']}; "
                     f"[`{row['id']}`](claims.md))*")
    return "\n".join(lines)


def main() -> int:
    generated_blocks.fill_file(DOC, {"text-lm-entries": ledger_block(), "text-lm-writing": writing_block()},
                               generator="python -m analysis.text_model_docs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
