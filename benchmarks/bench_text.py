"""Text reality timings: embedding throughput, building the default corpus's reality, the text scenarios.

    python benchmarks/bench_text.py                 # all three, the scenarios at seed 0
    python benchmarks/bench_text.py --embed-docs 1000 --skip-scenarios

Embedding is timed on a fresh temporary cache (the model load is timed apart); the reality build and the
scenarios use the normal cache, so run ``ecosim embed stdlib`` first or the first scenario pays for it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embed-docs", type=int, default=1000, help="stdlib documents to embed (0: skip)")
    parser.add_argument("--skip-scenarios", action="store_true")
    args = parser.parse_args()

    from ecosystem.config import RealityConfig
    from ecosystem.content.corpus import Corpus, stdlib_corpus
    from ecosystem.content.embedding import _encoder, embed_texts, resolve_model
    from ecosystem.content.text_reality import build_text_reality
    from ecosystem.experiments.run import simulate
    from ecosystem.randomness import RandomStreams
    from ecosystem.scenario_files import load_scenario

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
          f"{dt.date.today()}")
    started = time.perf_counter()
    corpus = stdlib_corpus()
    print(f"stdlib corpus: {len(corpus)} docstrings read in {time.perf_counter() - started:.1f} s")
    if args.embed_docs:
        started = time.perf_counter()
        _encoder(resolve_model(None))
        print(f"model load (imports included): {time.perf_counter() - started:.1f} s")
        part = Corpus("bench", corpus.texts[: args.embed_docs], None, None, None)
        with tempfile.TemporaryDirectory() as cache:
            started = time.perf_counter()
            embed_texts(part.texts, corpus_hash=part.content_hash(), max_tokens=128, cache=cache)
            seconds = time.perf_counter() - started
        print(f"embedding: {len(part)} documents in {seconds:.1f} s = {len(part) / seconds:.1f} documents/s "
              "(all-MiniLM-L6-v2, 128 tokens, 1 thread)")
    config = RealityConfig.model_validate(load_scenario(ROOT / "scenarios" / "text_closed_loop.yaml").reality
                                          .model_dump())
    started = time.perf_counter()
    world = build_text_reality(config, start=dt.date(2018, 1, 1), streams=RandomStreams(0).reality_block)
    print(f"reality of the default corpus (cached embeddings, corpus already read): "
          f"{time.perf_counter() - started:.1f} s, {world.reality.n_topics} topics in R^{world.reality.dim}, "
          f"held-out gain over one Gaussian {world.fit.gain:+.2f} nats/doc, topic accuracy "
          f"{world.fit.topic_accuracy:.0%}")
    if not args.skip_scenarios:
        for name in ("text_closed_loop", "text_baseline"):
            result = simulate(load_scenario(ROOT / "scenarios" / f"{name}.yaml"))
            print(f"{name}: {result.scenario.months} months in {result.wall_seconds:.1f} s")


if __name__ == "__main__":
    main()
