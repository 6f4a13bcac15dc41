"""What the closed loop's language model actually writes, at generation 0 and at generation n, beside the
human document it was prompted from.

The models read are the ones the ``text_lm`` experiment measures: chain 0 of the same seed, options and data
policy, so the text shown is the text behind the table's numbers. Each prompt is the first words of a held-out
human document, one per topic (the corpus's topic labels, e.g. the standard library's modules); every
generation continues the same prompts, each from its own stream of the seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecosystem.content.corpus import CorpusError, read_corpus
from ecosystem.learning.tokens import TokenDocs
from ecosystem.replication.common import ReplicationError, check_choices, check_int
from ecosystem.replication.registry import resolve_options
from ecosystem.replication.text_lm import SAMPLINGS, TEXT_POLICIES, ClosedLoop

READING_STREAM = 1000  # the stream key of the prompts' continuations (arms use 1 + their index)


@dataclass(frozen=True)
class Writing:
    topic: str  # the prompt's document's topic ("" for a corpus without topics)
    prompt: str  # the first words of a held-out human document
    human: str  # how the human document goes on
    written: dict[int, str]  # generation -> how that generation's model goes on from the prompt


def what_it_writes(*, corpus: str = "stdlib", seed: int = 0, generations: int = 12, policy: str = "replace",
                   n: int = 4, prompt_words: int = 6, words: int = 50, topic_column: str | None = None,
                   **options) -> list[Writing]:
    """``n`` prompts from held-out documents of distinct topics, continued by generation 0 and by generation
    ``generations`` of one arm; ``topic_column``: a table corpus's topic labels (the stdlib corpus has its
    modules); ``options`` are the experiment's others (samples, order, temperature...)."""
    n = check_int("n", n, minimum=1, maximum=50)
    prompt_words = check_int("prompt_words", prompt_words, minimum=1, maximum=100)
    words = check_int("words", words, minimum=1, maximum=1000)
    policy = check_choices("policy", policy, TEXT_POLICIES)[0]
    resolved = resolve_options("text_lm", {**options, "corpus": corpus, "seed": seed, "generations": generations,
                                           "seeds": 1, "policies": (policy,)})
    sampling = check_choices("sampling", resolved["sampling"], SAMPLINGS)[0]
    try:
        documents = read_corpus(corpus, topic_column=topic_column)
    except CorpusError as err:
        raise ReplicationError(str(err)) from None
    loop = ClosedLoop(order=resolved["order"], temperature=resolved["temperature"], max_tokens=resolved["max_tokens"],
                      probe_tokens=resolved["probe_tokens"], write_unseen=sampling == "smoothed")
    n_test = int(round(resolved["test_share"] * len(documents)))
    start = loop.start(documents.texts, seed=seed, chain=0, samples=resolved["samples"], n_test=n_test)
    models = {0: start.model}
    for g, (model, _, _) in enumerate(loop.generations(start, seed=seed, chain=0, policy=policy,
                                                       generations=generations), start=1):
        if g == generations:
            models[g] = model
    split = start.split
    chosen = _prompt_documents(split.test, documents.topics, split.test_index, n=n, min_words=prompt_words + 5)
    prompts = TokenDocs.from_lists([split.test.doc(i)[:prompt_words] for i in chosen])
    written = {}
    for g, model in models.items():
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0, READING_STREAM, g)))
        written[g] = model.sample(len(chosen), rng=rng, temperature=loop.temperature, max_tokens=words,
                                  prompts=prompts)
    decode = split.vocab.decode
    return [Writing(documents.topics[split.test_index[i]] if documents.topics else "",
                    decode(split.test.doc(i)[:prompt_words]), decode(split.test.doc(i)[prompt_words:][:words]),
                    {g: decode(out.doc(k)) for g, out in written.items()})
            for k, i in enumerate(chosen)]


def _prompt_documents(test: TokenDocs, topics: tuple[str, ...] | None, corpus_index: np.ndarray, *, n: int,
                      min_words: int) -> list[int]:
    """The first ``n`` test documents (in the split's random order) long enough and of topics not yet taken."""
    chosen, taken = [], set()
    for i in np.flatnonzero(test.lengths >= min_words):
        topic = topics[corpus_index[i]] if topics else i
        if topic not in taken:
            chosen.append(int(i))
            taken.add(topic)
        if len(chosen) == n:
            break
    if not chosen:
        raise ReplicationError(f"no held-out document has {min_words} words to prompt with; lower prompt_words")
    return chosen


def markdown(writings: list[Writing], *, generations: int, policy: str) -> str:
    """A plain-text rendering: per prompt, the human continuation and each generation's."""
    lines = []
    for w in writings:
        lines.append(f"[{w.topic}] prompt: {w.prompt} ...")
        lines.append(f"  human:          ... {w.human}")
        for g, text in sorted(w.written.items()):
            label = f"generation {g}:" if g else "generation 0:"
            lines.append(f"  {label:<15} ... {text}")
        lines.append("")
    lines.append(f"(data policy {policy}; generation {generations} trained on its predecessors' text)")
    return "\n".join(lines)
