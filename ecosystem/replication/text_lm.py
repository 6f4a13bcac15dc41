"""A language model trained, generation after generation, on text written by its previous generation.

Shumailov et al. (Nature 2024) fine-tuned OPT-125m on its own output and found test perplexity rising and
the rare parts of the data vanishing first, less so when 10% of the original data was kept; a public GPT-2
replication over four rounds compared replacing the data, keeping 10% original data and mixing in 50% fresh
human data, and Gerstgrasser et al. (2024) showed that accumulating every generation's data keeps the error
bounded. Here the model is a word trigram model with Kneser-Ney smoothing (``ecosystem.learning.ngram``)
fitted on real documents (by default the standard library's docstrings), and the data policies choose
training documents with the function the simulation's vendors use (``training_indices``):

- ``replace``: the previous generation's output only;
- ``keep-10``: 90% of it and 10% drawn from generation 0's training documents (Shumailov's 10% kept);
- ``fresh-50``: 50% of it and 50% drawn anew from the human training split (with a finite corpus, fresh
  human documents come from the same pool as the original ones; the arms differ in the share);
- ``accumulate``: everything so far, growing by one output a generation (Gerstgrasser et al.);
- ``accumulate-subsample``: a uniform subsample of everything so far (Kazdan et al. 2024).

Every generation writes as many documents as the model trains on, so the fixed-size arms train on the same
number of documents (their token counts can differ: ``train_tokens``). Each chain (seed) splits the corpus
into a training and a held-out test split and fits generation 0 once; every arm of the chain starts from that
model and its first output, so differences between arms are the policies', not the dice's. The vocabulary is
fixed by the training split; its rare words are the tenth of it seen least often there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl

from ecosystem.content.corpus import CorpusError, read_corpus
from ecosystem.learning.data_policy import DataPolicy, training_indices
from ecosystem.learning.ngram import MAX_ORDER, KneserNeyLM
from ecosystem.learning.text_measures import (
    distinct_n,
    mean_probability,
    repeated_ngram_share,
    share_of,
    word_types,
)
from ecosystem.learning.text_model import TextModel, perplexity
from ecosystem.learning.tokens import SPECIALS, TokenDocs, Vocabulary
from ecosystem.replication.common import (
    ReplicationError,
    check_choices,
    check_float,
    check_int,
    summarise,
)

TEXT_POLICIES = ("replace", "keep-10", "fresh-50", "accumulate", "accumulate-subsample")
SAMPLINGS = ("seen", "smoothed")
HUMAN_ARM = "human-text"  # the held-out human documents measured like an output, generation 0 only
RARE_SHARE = 0.1  # the rare words: this share of the vocabulary, seen least often in the training split
_ARCHIVE_SHARE = {"keep-10": 0.1, "fresh-50": 0.5}


@dataclass(frozen=True)
class Quantity:
    name: str
    label: str
    worse: str  # "higher" or "lower": which direction is collapse


# Declared once: the table's quantities, the figure's panels and the ledger's words read these.
QUANTITIES: tuple[Quantity, ...] = (
    Quantity("perplexity", "perplexity on held-out human documents", "higher"),
    Quantity("perplexity_change", "perplexity on held-out human documents, change since generation 0", "higher"),
    Quantity("rare_prob_ratio", "probability of rare words where people wrote them, / generation 0", "lower"),
    Quantity("common_prob_ratio", "probability of other words where people wrote them, / generation 0", "lower"),
    Quantity("rare_share", "share of the output's tokens that are rare words", "lower"),
    Quantity("rare_types_change", "rare words used in the output, change since generation 0", "lower"),
    Quantity("other_types_change", "other words used in the output, change since generation 0", "lower"),
    Quantity("vocabulary", "distinct words in the output (first probe_tokens tokens)", "lower"),
    Quantity("vocabulary_change", "distinct words in the output, change since generation 0", "lower"),
    Quantity("repeated_4gram_share", "share of the output's 4-grams repeating one earlier in the document", "higher"),
    Quantity("distinct_1", "distinct words / words in the output (distinct-1)", "lower"),
    Quantity("distinct_2", "distinct bigrams / bigrams in the output (distinct-2)", "lower"),
    Quantity("mean_length", "tokens per output document", ""),
    Quantity("train_tokens", "tokens the generation trained on", ""),
)
OUTPUT_QUANTITIES = ("rare_share", "vocabulary", "repeated_4gram_share", "distinct_1", "distinct_2", "mean_length")
_RELATIVE = {"perplexity_change": "perplexity", "rare_types_change": "rare_types",
             "other_types_change": "other_types", "vocabulary_change": "vocabulary"}
_RATIOS = {"rare_prob_ratio": "rare_prob", "common_prob_ratio": "common_prob"}


def text_lm(
    *,
    seed: int = 0,
    generations: int = 12,
    seeds: int = 1,
    samples: int = 0,
    corpus: str = "stdlib",
    order: int = 3,
    temperature: float = 1.0,
    sampling: str = "seen",
    test_share: float = 0.2,
    max_tokens: int = 1024,
    probe_tokens: int = 50_000,
    policies: tuple[str, ...] = ("replace", "keep-10", "fresh-50", "accumulate"),
) -> pl.DataFrame:
    """``samples``: documents written and trained on per generation (0: as many as the training split
    holds); ``corpus``: ``stdlib``, a folder of .txt/.md, or a .jsonl/.csv/.parquet file with a ``text``
    column; ``probe_tokens``: the output's first tokens that its diversity is measured on; ``sampling``:
    ``seen`` writes only words of the training data (the smoothing floor serves scoring only), ``smoothed``
    writes from the whole smoothed distribution (``KneserNeyLM.write_unseen``)."""
    generations = check_int("generations", generations, minimum=1)
    seeds = check_int("seeds", seeds, minimum=1)
    samples = check_int("samples", samples, minimum=0)
    order = check_int("order", order, minimum=1, maximum=MAX_ORDER)
    temperature = check_float("temperature", temperature, low=0.0, high=10.0, open_low=True)
    test_share = check_float("test_share", test_share, low=0.0, high=0.9, open_low=True)
    max_tokens = check_int("max_tokens", max_tokens, minimum=1)
    probe_tokens = check_int("probe_tokens", probe_tokens, minimum=100)
    policies = check_choices("policies", policies, TEXT_POLICIES)
    sampling = check_choices("sampling", sampling, SAMPLINGS)[0]
    texts = _texts(corpus)
    n_test = int(round(test_share * len(texts)))
    if n_test < 1 or len(texts) - n_test < 2:
        raise ReplicationError(f"corpus {corpus}: {len(texts)} documents cannot be split into training and test "
                               f"documents at test_share {test_share:g}")
    if samples > len(texts) - n_test:
        raise ReplicationError(f"samples must be at most the training split's {len(texts) - n_test} documents "
                               f"(corpus {corpus}, test_share {test_share:g}), got {samples}")
    loop = ClosedLoop(order=order, temperature=temperature, max_tokens=max_tokens, probe_tokens=probe_tokens,
                      write_unseen=sampling == "smoothed")
    chains = [loop.run_chain(texts, seed=seed, chain=i, samples=samples, n_test=n_test, generations=generations,
                             policies=policies) for i in range(seeds)]
    frames = [summarise(policy, {q: np.stack([c[policy][q] for c in chains]) for q in chains[0][policy]})
              for policy in (*policies, HUMAN_ARM)]
    return pl.concat(frames)


def _texts(corpus: str) -> tuple[str, ...]:
    try:
        return read_corpus(corpus).texts
    except CorpusError as err:
        raise ReplicationError(str(err)) from None


@dataclass(frozen=True)
class Split:
    """One chain's data: the vocabulary, the training split, the held-out test split, the rare words."""

    vocab: Vocabulary
    train: TokenDocs
    test: TokenDocs
    rare: np.ndarray  # ids of the rare words
    common: np.ndarray  # ids of the other words
    test_index: np.ndarray  # the corpus's index of each test document


def split_corpus(texts: tuple[str, ...], *, n_test: int, rng: np.random.Generator) -> Split:
    order = rng.permutation(len(texts))
    train_texts = [texts[i] for i in order[n_test:]]
    vocab = Vocabulary.build(train_texts)
    words = np.arange(len(SPECIALS), len(vocab))
    n_rare = max(1, int(round(RARE_SHARE * len(words))))
    return Split(vocab, vocab.encode(train_texts), vocab.encode([texts[i] for i in order[:n_test]]),
                 words[-n_rare:], words[:-n_rare], order[:n_test])


@dataclass(frozen=True)
class Start:
    """Generation 0 of a chain: its data, training documents, model and output (every arm's first data)."""

    split: Split
    first: np.ndarray  # generation 0's training documents (indices into the training split)
    model: TextModel
    written: TokenDocs
    train_tokens: int


@dataclass(frozen=True)
class ClosedLoop:
    """How each generation is fitted, sampled and measured."""

    order: int
    temperature: float
    max_tokens: int
    probe_tokens: int
    write_unseen: bool

    def new_model(self, split: Split) -> TextModel:
        return KneserNeyLM(vocab_size=len(split.vocab), order=self.order, write_unseen=self.write_unseen)

    def write(self, model: TextModel, n: int, rng: np.random.Generator) -> TokenDocs:
        return model.sample(n, rng=rng, temperature=self.temperature, max_tokens=self.max_tokens)

    def start(self, texts: tuple[str, ...], *, seed: int, chain: int, samples: int, n_test: int) -> Start:
        """The chain's split and generation 0, fitted on ``samples`` human training documents."""
        rng = _generator(seed, chain, 0)
        split = split_corpus(texts, n_test=n_test, rng=rng)
        n = samples or len(split.train)
        first = rng.choice(len(split.train), size=n, replace=False) if n < len(split.train) else \
            np.arange(len(split.train))
        model = self.new_model(split).fit(split.train.take(first))
        return Start(split, first, model, self.write(model, n, rng), split.train.take(first).n_tokens)

    def generations(self, start: Start, *, seed: int, chain: int, policy: str,
                    generations: int) -> Iterator[tuple[TextModel, TokenDocs, TokenDocs]]:
        """(model, its output, its training documents) for generations 1 .. ``generations`` of one arm."""
        rng = _generator(seed, chain, 1 + TEXT_POLICIES.index(policy))
        store = _Store(start.split.train, start.first, start.written)
        for _ in range(generations):
            training = store.training_set(policy, size=len(start.first), rng=rng)
            model = self.new_model(start.split).fit(training)
            output = self.write(model, len(start.first), rng)
            store.add(output)
            yield model, output, training

    def run_chain(self, texts: tuple[str, ...], *, seed: int, chain: int, samples: int, n_test: int,
                  generations: int, policies: tuple[str, ...]) -> dict[str, dict[str, np.ndarray]]:
        """Per arm (and the human text), each quantity per generation (generation 0 first)."""
        start = self.start(texts, seed=seed, chain=chain, samples=samples, n_test=n_test)
        split = start.split
        first_row = self.measure(start.model, start.written, split, train_tokens=start.train_tokens)
        human = self.describe_output(split.test, split)
        result = {HUMAN_ARM: {q: np.array([human[q]]) for q in OUTPUT_QUANTITIES}}
        for policy in policies:
            rows = [first_row]
            for model, output, training in self.generations(start, seed=seed, chain=chain, policy=policy,
                                                            generations=generations):
                rows.append(self.measure(model, output, split, train_tokens=training.n_tokens))
            result[policy] = _relative(rows)
        return result

    def measure(self, model: TextModel, output: TokenDocs, split: Split, *, train_tokens: int) -> dict[str, float]:
        log_prob = model.log_prob(split.train)
        targets = split.train.with_ends()
        return {"perplexity": perplexity(model, split.test),
                "rare_prob": mean_probability(log_prob, targets, split.rare),
                "common_prob": mean_probability(log_prob, targets, split.common),
                "train_tokens": float(train_tokens), **self.describe_output(output, split)}

    def describe_output(self, output: TokenDocs, split: Split) -> dict[str, float]:
        probe = output.truncated(self.probe_tokens)
        v = len(split.vocab)
        return {"rare_share": share_of(probe, split.rare), "rare_types": float(word_types(probe, split.rare)),
                "other_types": float(word_types(probe, split.common)), "vocabulary": float(word_types(probe)),
                "repeated_4gram_share": repeated_ngram_share(output, 4, v), "distinct_1": distinct_n(probe, 1, v),
                "distinct_2": distinct_n(probe, 2, v),
                "mean_length": float(output.n_tokens / len(output)) if len(output) else float("nan")}


def _generator(seed: int, chain: int, stream: int) -> np.random.Generator:
    """Chain ``chain``'s stream: 0 for its split and generation 0, 1 + the policy's index for each arm (so an
    arm replays exactly whichever other arms run beside it)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(chain, stream)))


def _relative(rows: list[dict[str, float]]) -> dict[str, np.ndarray]:
    """The measures per generation, with changes and ratios against generation 0."""
    series = {q: np.array([row[q] for row in rows]) for q in rows[0]}
    out = {q.name: series[q.name] for q in QUANTITIES if q.name in series}
    for name, base in _RELATIVE.items():
        out[name] = series[base] / series[base][0] - 1.0
    for name, base in _RATIOS.items():
        out[name] = series[base] / series[base][0]
    return {q.name: out[q.name] for q in QUANTITIES}


class _Store:
    """The human training split followed by every generation's output; a policy picks training documents."""

    def __init__(self, human: TokenDocs, first: np.ndarray, output: TokenDocs) -> None:
        self._parts = [human, output]
        self._n_human = len(human)
        self._first = first  # generation 0's training documents (indices into the human split)
        self._sizes = [len(output)]

    def add(self, output: TokenDocs) -> None:
        self._parts.append(output)
        self._sizes.append(len(output))

    def training_set(self, policy: str, *, size: int, rng: np.random.Generator) -> TokenDocs:
        ends = self._n_human + np.cumsum(self._sizes)
        latest = np.arange(ends[-1] - self._sizes[-1], ends[-1])
        history = lambda: np.concatenate([self._first, np.arange(self._n_human, ends[-1])])  # noqa: E731
        archive = {"keep-10": self._first, "fresh-50": np.arange(self._n_human)}.get(policy, np.arange(0))
        kind = {"replace": DataPolicy.REPLACE, "accumulate": DataPolicy.ACCUMULATE,
                "accumulate-subsample": DataPolicy.ACCUMULATE}.get(policy, DataPolicy.ARCHIVE)
        index = training_indices(kind, latest=latest, history=history, archive=archive,
                                 size=None if policy == "accumulate" else size,
                                 archive_share=_ARCHIVE_SHARE.get(policy, 0.0), rng=rng)
        return TokenDocs.concat(self._parts).take(np.sort(index))
