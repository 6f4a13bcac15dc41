"""A small real corpus for the text-reality tests: every fourth docstring of sixteen standard-library modules
whose natural sizes give a long tail (asyncio 71 documents ... gzip 4), as JSONL with topics. It is kept in
tests/data/docstrings_sample.jsonl (the claims ledger's reduced text entries read it too), so docstrings that
change between Python releases do not change the tests; ``write_sample_corpus`` rebuilds it."""

from __future__ import annotations

import json
from pathlib import Path

from ecosystem.content.corpus import stdlib_corpus

TOPICS = ("asyncio", "logging", "xml", "http", "tarfile", "ipaddress", "pathlib", "datetime", "statistics",
          "zipfile", "ssl", "random", "socket", "uuid", "json", "gzip")
EVERY = 4


def write_sample_corpus(path: Path) -> Path:
    corpus = stdlib_corpus()
    seen = dict.fromkeys(TOPICS, 0)
    lines = []
    for text, topic in zip(corpus.texts, corpus.topics, strict=True):
        if topic in seen:
            if seen[topic] % EVERY == 0:
                lines.append(json.dumps({"text": text, "topic": topic}))
            seen[topic] += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


SAMPLE = Path(__file__).parent / "data" / "docstrings_sample.jsonl"


def sample_corpus(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the sample corpus and an embedding cache shared by the whole session (embedded once)."""
    base = tmp_path_factory.getbasetemp() / "text-sample"
    corpus = base / "corpus.jsonl"
    if not corpus.exists():
        base.mkdir(parents=True, exist_ok=True)
        corpus.write_bytes(SAMPLE.read_bytes())
    return corpus, base / "cache"


def text_reality(corpus: Path, cache: Path, **fields) -> dict:
    """Scenario overrides that put a small, fast text reality (dim 4, 64 tokens read) on the sample corpus."""
    reality = {"kind": "text", "corpus": str(corpus), "topic_column": "topic", "cache": str(cache), "dim": 4,
               "topics": len(TOPICS), "min_docs": 4, "max_tokens": 64, "test_per_topic": 100, **fields}
    return {f"reality.{k}": v for k, v in reality.items()}
