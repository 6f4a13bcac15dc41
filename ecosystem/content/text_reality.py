"""Reality fitted to real text: embedded documents, reduced by PCA, grouped into named topics, with P a
known Gaussian mixture (one full-covariance Gaussian per topic) fitted to them.

P stays a known mixture, so every score stays exact; what changes is where it comes from. Topic weights
and their long tail are the corpus's own counts, topics are its labels or KMeans clusters, names are the
labels or each cluster's most distinctive words (TF-IDF), and a dated corpus drifts as it does: a topic
appears when its documents do. A share of each topic's documents is held out to measure how well P
describes real text it was not fitted to. The test set the scorer uses is drawn from P itself, so rare
topics are measured as precisely as common ones, exactly as with the Gaussian reality. Any sample can be
read as its nearest real documents (``TextWorld.nearest``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ecosystem.config import RealityConfig
from ecosystem.content.corpus import Corpus, read_corpus
from ecosystem.content.embedding import Progress, embed_texts, owned_cache, resolve_model
from ecosystem.content.reality import NEVER_ABSENT, Reality, tail_topics
from ecosystem.learning.mixture import Mixture

APPEAR_QUANTILE = 0.05  # a topic appears when 5% of its documents have: robust to a stray early date
NAME_WORDS = 3


@dataclass(frozen=True)
class FitReport:
    """How well P describes held-out real documents (nats per document, lower is better)."""

    heldout_docs: int
    nll_p: float  # under P, the per-topic Gaussian mixture
    nll_single: float  # under one Gaussian fitted to the same training documents
    topic_accuracy: float  # share of held-out documents whose most likely topic under P is their own

    @property
    def gain(self) -> float:
        """Nats per document P explains beyond a single Gaussian."""
        return self.nll_single - self.nll_p


@dataclass(frozen=True)
class TextWorld:
    """A text reality and what reading it needs: the corpus, every kept document's vector and topic."""

    reality: Reality
    corpus: Corpus
    rows: np.ndarray  # (n,) corpus row of each kept document
    vectors: np.ndarray  # (n, d) each kept document in reality's space
    topic: np.ndarray  # (n,) reality topic of each kept document
    fit: FitReport

    def nearest(self, points: np.ndarray) -> np.ndarray:
        """Index (into ``rows``) of the real document nearest each point."""
        points = np.atleast_2d(points)
        sq = (points**2).sum(1)[:, None] - 2.0 * points @ self.vectors.T + (self.vectors**2).sum(1)[None]
        return np.argmin(sq, axis=1)

    def text(self, i: int) -> str:
        return self.corpus.texts[self.rows[i]]

    def title(self, i: int) -> str:
        return self.corpus.title(self.rows[i])


def load_corpus(config: RealityConfig) -> Corpus:
    return read_corpus(config.corpus, text_column=config.text_column, topic_column=config.topic_column,
                       date_column=config.date_column)


def embed_corpus(config: RealityConfig, corpus: Corpus, *, progress: Progress | None = None) -> np.ndarray:
    return embed_texts(corpus.texts, corpus_hash=corpus.content_hash(), model=config.model,
                       max_tokens=config.max_tokens, cache=config.cache, progress=progress)


def check_text_config(config: RealityConfig) -> None:
    """Checks that need the corpus itself (not its embeddings); raises ``ValueError`` with one line."""
    resolve_model(config.model)
    owned_cache(config.cache).check()  # a cache folder that is not one is refused before hours of embedding
    corpus = load_corpus(config)
    n = len(corpus)
    if n <= config.dim:
        raise ValueError(f"dim {config.dim}: the corpus {config.corpus} has only {n} documents (needs more "
                         "documents than dimensions)")
    if corpus.topics is None:
        if n < config.topics * config.min_docs:
            raise ValueError(f"topics {config.topics}: the corpus {config.corpus} has {n} documents, too few for "
                             f"{config.topics} topics of at least min_docs {config.min_docs} (lower either)")
        return
    labels, counts = np.unique(np.array(corpus.topics), return_counts=True)
    usable = int((counts >= config.min_docs).sum())
    if usable < 2:
        raise ValueError(f"min_docs {config.min_docs}: the corpus {config.corpus} has {usable} topic(s) with that "
                         f"many documents (of {len(labels)}); a reality needs 2 or more (lower min_docs)")


def build_text_reality(
    config: RealityConfig,
    *,
    start: dt.date,
    streams: Callable[[int], np.random.Generator],
    progress: Progress | None = None,
) -> TextWorld:
    """The text reality of a scenario whose step 0 is the month ``start``. All its randomness (clusters,
    the held-out split, the scorer's test set) comes from ``streams(0)``, so a seed fixes it."""
    corpus = load_corpus(config)
    space = _reduce(config, corpus, progress)
    rng = streams(0)
    labels, names = _topics(config, corpus, space, rng)
    kept = np.flatnonzero(labels >= 0)
    appears = _appearance(corpus, labels, len(names), start)
    counts = np.bincount(labels[kept], minlength=len(names)).astype(float)
    order = _topic_order(counts, appears)
    relabel = np.full(len(names), -1)
    relabel[order] = np.arange(len(order))
    topic, vectors = relabel[labels[kept]], space[kept]
    names = tuple(names[k] for k in order)
    counts, appears = counts[order], appears[order]
    heldout = _split(topic, config.heldout_share, rng)
    means, covariances = _fit_topics(vectors[~heldout], topic[~heldout], len(names))
    weights = counts / counts.sum()
    n_original = int((appears <= 0).sum())
    appears_at = np.where(appears <= 0, NEVER_ABSENT, appears)
    test = Mixture(np.ones(len(names)) / len(names), means, covariances).sample_components(
        np.repeat(np.arange(len(names)), config.test_per_topic), rng
    ).reshape(len(names), config.test_per_topic, -1)
    reality = Reality(means, covariances, weights, appears_at, tail_topics(weights, n_original=n_original,
                      fraction=config.tail_fraction), test, names, n_original)
    fit = _fit_report(reality, vectors, topic, heldout)
    return TextWorld(reality, corpus, kept, vectors, topic, fit)


def _reduce(config: RealityConfig, corpus: Corpus, progress: Progress | None) -> np.ndarray:
    """Embeddings projected on their first ``dim`` principal axes, scaled so the documents' spread per
    dimension is ``topic_spread`` (the Gaussian reality's scale, so distance-based settings mean the same)."""
    embeddings = embed_corpus(config, corpus, progress=progress)
    return _project(embeddings.tobytes(), embeddings.shape, config.dim, config.topic_spread)


@functools.lru_cache(maxsize=4)
def _project(data: bytes, shape: tuple[int, int], dim: int, spread: float) -> np.ndarray:
    from sklearn.decomposition import PCA

    if dim > min(shape):
        raise ValueError(f"dim {dim}: more than the embeddings allow ({shape[1]} dimensions, "
                         f"{shape[0]} documents)")
    x = np.frombuffer(data, dtype=np.float32).reshape(shape).astype(np.float64)
    reduced = PCA(n_components=dim, svd_solver="full").fit_transform(x)
    reduced *= spread / np.sqrt(reduced.var(axis=0).mean())
    reduced.setflags(write=False)
    return reduced


def _topics(
    config: RealityConfig, corpus: Corpus, space: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, list[str]]:
    """A topic per document (-1: dropped) and the topics' names. Labelled corpora keep their
    ``config.topics`` largest labels with at least ``min_docs`` documents; others are clustered."""
    if corpus.topics is not None:
        names, labels, counts = np.unique(np.array(corpus.topics), return_inverse=True, return_counts=True)
        big = np.flatnonzero(counts >= config.min_docs)
        keep = big[np.argsort(-counts[big], kind="stable")[: config.topics]]
        mapping = np.full(len(names), -1)
        mapping[keep] = np.arange(len(keep))
        return mapping[labels], [str(names[k]) for k in keep]
    from sklearn.cluster import KMeans

    km = KMeans(n_clusters=config.topics, n_init=4, random_state=int(rng.integers(2**31 - 1)))
    labels = km.fit_predict(space)
    counts = np.bincount(labels, minlength=config.topics)
    big = np.flatnonzero(counts >= config.min_docs)
    mapping = np.full(config.topics, -1)
    mapping[big] = np.arange(len(big))
    labels = mapping[labels]
    return labels, _tfidf_names(corpus.texts, labels, len(big))


def _tfidf_names(texts: tuple[str, ...], labels: np.ndarray, k: int) -> list[str]:
    """Each cluster's most distinctive words: its mean TF-IDF minus the corpus mean, top words first."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", max_features=20_000, min_df=2,
                                 token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b")
    tfidf = vectorizer.fit_transform(texts)
    words = vectorizer.get_feature_names_out()
    overall = np.asarray(tfidf.mean(axis=0)).ravel()
    names = []
    for c in range(k):
        mean = np.asarray(tfidf[labels == c].mean(axis=0)).ravel() - overall
        top = np.argsort(-mean, kind="stable")[:NAME_WORDS]
        names.append(" ".join(words[top]))
    return names


def _appearance(corpus: Corpus, labels: np.ndarray, k: int, start: dt.date) -> np.ndarray:
    """Step at which each topic appears (<= 0: it exists from the start); all 0 without dates."""
    if corpus.dates is None:
        return np.zeros(k, dtype=int)
    months = np.array([(d.year - start.year) * 12 + d.month - start.month for d in corpus.dates])
    appears = np.zeros(k, dtype=int)
    for c in range(k):
        appears[c] = int(np.floor(np.quantile(months[labels == c], APPEAR_QUANTILE, method="lower")))
    if (appears > 0).all():
        appears -= appears.min()  # reality starts with the corpus's first topics
    return appears


def _topic_order(counts: np.ndarray, appears: np.ndarray) -> np.ndarray:
    """Original topics first, most common first; then topics in the order they appear."""
    original = np.flatnonzero(appears <= 0)
    later = np.flatnonzero(appears > 0)
    return np.concatenate([original[np.argsort(-counts[original], kind="stable")],
                           later[np.lexsort((-counts[later], appears[later]))]])


def _split(topic: np.ndarray, share: float, rng: np.random.Generator) -> np.ndarray:
    """Hold out ``share`` of each topic's documents (at least one, never all but one)."""
    heldout = np.zeros(len(topic), dtype=bool)
    for c in range(topic.max() + 1):
        members = np.flatnonzero(topic == c)
        n = min(max(1, int(round(share * len(members)))), len(members) - 2)
        heldout[rng.permutation(members)[:n]] = True
    return heldout


def _fit_topics(x: np.ndarray, topic: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each topic's mean, and its covariance shrunk toward the pooled within-topic covariance with the weight
    of ``d + 2`` documents (the conjugate inverse-Wishart estimate): a large topic keeps its own shape, a
    rare one borrows the shape topics share instead of getting a singular or needlessly broad one."""
    d = x.shape[1]
    means = np.stack([x[topic == c].mean(axis=0) for c in range(k)])
    centred = x - means[topic]
    scatter = np.einsum("ni,nj,nc->cij", centred, centred, np.eye(k)[topic])
    counts = np.bincount(topic, minlength=k).astype(float)
    pooled = scatter.sum(axis=0) / max(len(x) - k, 1)
    prior = d + 2.0
    covariances = (scatter + prior * pooled[None]) / (counts + prior)[:, None, None]
    return means, covariances + 1e-9 * np.eye(d)[None]


def _fit_report(reality: Reality, vectors: np.ndarray, topic: np.ndarray, heldout: np.ndarray) -> FitReport:
    p = Mixture(reality.base_weights, reality.means, reality.covariances)
    train, test = vectors[~heldout], vectors[heldout]
    single = Mixture(np.ones(1), train.mean(axis=0)[None], np.cov(train, rowvar=False)[None])
    accuracy = float(np.mean(p.responsibilities(test).argmax(axis=1) == topic[heldout]))
    return FitReport(len(test), float(-p.score_samples(test).mean()), float(-single.score_samples(test).mean()),
                     accuracy)
