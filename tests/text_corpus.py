"""A small real corpus for the text-reality tests: every third docstring of six standard-library modules,
whose natural sizes give a long tail (email 90 documents ... json 7), written as JSONL with topics."""

from __future__ import annotations

import json
from pathlib import Path

from ecosystem.content.corpus import stdlib_corpus

TOPICS = ("email", "logging", "http", "tarfile", "typing", "datetime", "statistics", "random", "json", "gzip")
EVERY = 3


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
