"""Time and peak memory of the language-model closed loop (``ecosim replicate text_lm``) on the stdlib corpus.

    python benchmarks/bench_text_lm.py                          # 12 generations, the four default arms, 1 chain
    python benchmarks/bench_text_lm.py --generations 4 --policy replace

Prints one Markdown row for benchmarks/RESULTS.md: date, machine and its load, the options, wall and CPU time,
peak resident memory, and the cost of one refit and one generation's writing on the whole training split. The
target (issue 25): 12 generations in at most 5 minutes and 4 GB on the 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generations", type=int, default=12)
    parser.add_argument("--policy", action="append", help="repeatable (default: the experiment's four arms)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import numpy as np

    from ecosystem.content.corpus import stdlib_corpus
    from ecosystem.learning.ngram import KneserNeyLM
    from ecosystem.learning.tokens import Vocabulary
    from ecosystem.replication import resolve_options, run_experiment

    texts = stdlib_corpus().texts  # read (or parsed) once, outside the timings
    vocab = Vocabulary.build(texts)
    docs = vocab.encode(texts)
    started = time.perf_counter()
    model = KneserNeyLM(vocab_size=len(vocab), order=3).fit(docs)
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    written = model.sample(len(docs), rng=np.random.default_rng(0), max_tokens=1024)
    write_seconds = time.perf_counter() - started

    options = {"generations": args.generations, "seed": args.seed}
    if args.policy:
        options["policies"] = tuple(args.policy)
    resolved = resolve_options("text_lm", options)
    cpu, wall = time.process_time(), time.perf_counter()
    table = run_experiment("text_lm", **options)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    replace = table.filter((table["arm"] == "replace") & (table["quantity"] == "perplexity"))["mean"].to_list()
    print(f"one refit on the whole corpus ({docs.n_tokens:,} tokens, {len(docs):,} documents): {fit_seconds:.2f} s; "
          f"writing {len(docs):,} documents ({written.n_tokens:,} tokens): {write_seconds:.2f} s")
    if replace:
        print(f"replace: held-out perplexity {replace[0]:.1f} at generation 0, {replace[-1]:.1f} at the last")
    print("| date | machine (load) | generations x arms | wall (CPU) | peak RSS |")
    print("|---|---|---|---|---|")
    print(f"| {dt.date.today()} | {platform.machine()}, {os.cpu_count()} cores ({os.getloadavg()[0]:.1f}) "
          f"| {args.generations} x {len(resolved['policies'])} ({', '.join(resolved['policies'])}) "
          f"| {wall:.0f} s ({cpu:.0f} s) | {peak_mib:.0f} MiB |")


if __name__ == "__main__":
    main()
