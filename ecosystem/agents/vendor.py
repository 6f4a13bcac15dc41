"""Model vendors: refit a generative model on what their crawler collected, and release it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ecosystem.agents.crawler import Crawler
from ecosystem.config import VendorConfig
from ecosystem.content.documents import Origin
from ecosystem.learning.data_policy import training_indices
from ecosystem.learning.generative import GaussianMixtureModel
from ecosystem.learning.text_model import TextModel
from ecosystem.learning.verifier import Verifier
from ecosystem.web.graph import SiteKind

if TYPE_CHECKING:
    from ecosystem.agents.public_crawler import PublicCrawler
    from ecosystem.model import EcosystemModel

MIN_TRAINING_DOCS = 50


class ModelVendor(mesa.Agent):
    """Enters at ``entry``, retrains every ``retrain_every`` months by its data policy."""

    model: EcosystemModel

    def __init__(self, model: EcosystemModel, *, config: VendorConfig, index: int) -> None:
        super().__init__(model)
        self.config = config
        self.index = index
        self.name = config.name
        self.entry_step = model.scenario.month_index(config.entry)
        self.stream = model.rngs.vendor(index)  # its own stream, so adding a vendor shifts no other
        self.crawler = Crawler(model, config=config.crawler, vendor=self)
        self.estimator: GaussianMixtureModel | None = None
        self.site: int | None = None
        self.trained_at: list[int] = []
        self.lineage = 0.0  # model generations between this model's output and human text
        self.training: dict[str, float] = {}
        weights = config.open_weights
        self.open_weights_step = None if weights is None else model.scenario.month_index(weights)
        self.licensed: list[np.ndarray] = []  # human data bought since the last training (vectors)
        self.market_share = 0.0
        self.revenue = 0.0  # this month's revenue from the user market, $
        verifier = config.verifier
        self.verifier = None if verifier is None else Verifier(verifier.accuracy, verifier.kind)
        self.verifier_stream = None if verifier is None else model.rngs.verifier(index)
        self.verifier_kept_share = 1.0  # share of the last candidate pool the verifier accepted
        # a language-model vendor (model: ngram) also learns from its pages' text and writes words
        self.language_model: TextModel | None = None
        self.text_stream = model.rngs.text(index) if config.model == "ngram" else None
        self.licensed_topics: list[np.ndarray] = []  # licensed documents' topics (their text is drawn at training)
        self.text_topic_measures: dict[str, float] = {}  # its language model's last measures per topic

    @property
    def open_weights_released(self) -> bool:
        step = self.open_weights_step
        return self.released and step is not None and self.model.month >= step

    def buy_human_data(self) -> None:
        """Fresh human documents (draws from reality now) bought within this month's licensing budget."""
        model = self.model
        n = model.policies.licensed_docs(self) if self.model.month >= self.entry_step - 12 else 0
        if n <= 0:
            return
        rng = model.rngs.policies
        topics = rng.choice(model.reality.n_topics, size=n, p=model.reality.weights(model.month))
        self.licensed.append(model.reality.draw(topics, rng))
        if self.text_stream is not None:
            self.licensed_topics.append(topics)

    @property
    def released(self) -> bool:
        return self.estimator is not None

    def retrain_if_due(self) -> None:
        month = self.model.month
        if month < self.entry_step:
            return
        if self.trained_at and month - self.trained_at[-1] < self.config.retrain_every:
            return
        licensed = np.vstack(self.licensed) if self.licensed else np.empty((0, self.model.store.dim))
        size = self.config.train_size
        # the licensed documents' topics, for their text
        licensed_topics = np.concatenate(self.licensed_topics) if self.licensed_topics else np.empty(0, np.int64)
        if size is not None and len(licensed) > size:
            chosen = self.stream.choice(len(licensed), size=size, replace=False)
            licensed = licensed[chosen]
            licensed_topics = licensed_topics[chosen] if len(licensed_topics) else licensed_topics
        # Licensed documents take their place within the training size, never on top of it: equal vendors
        # train on equal numbers of documents whatever they bought.
        size = None if size is None else size - len(licensed)
        factor = 1.0 if self.config.verifier is None else self.config.verifier.pool_factor
        rows = training_indices(
            self.config.data_policy,
            latest=self._latest,
            history=self._history,
            archive=self.model.pre_ai_rows,
            size=None if size is None else int(np.ceil(size * factor)),
            archive_share=self.config.archive_share,
            rng=self.stream,
        )
        if self.verifier is not None:
            rows = self._verified(rows, len(rows) // factor if size is None else size)
        if len(rows) + len(licensed) < MIN_TRAINING_DOCS:
            return  # nothing worth training on yet; try again next month
        self._fit(rows, licensed)
        if self.verifier is not None:
            self.training["verifier_kept_share"] = self.verifier_kept_share
        if self.text_stream is not None:  # the same pages' text, and what its model is worth on text
            self.language_model, measures, self.text_topic_measures = self.model.text_pages.fit_language_model(
                self, rows, licensed_topics)
            self.training.update(measures)
        self.licensed, self.licensed_topics = [], []
        self.trained_at.append(month)
        self.crawler.start_new_collection()
        if self.site is None:
            self.site = self.model.web.add_site(SiteKind.VENDOR, self.estimator.distribution_.means.mean(axis=0))

    def _latest(self) -> np.ndarray:
        """Pages collected since it last trained: its crawler's, and the shared crawl's snapshots if it uses it."""
        own, public = self.crawler.latest(), self._public_crawl()
        if public is None:
            return own
        return np.union1d(own, public.since(self.trained_at[-1] if self.trained_at else -1))

    def _history(self) -> np.ndarray:
        """Every page collected (that a retention policy lets it keep), the shared crawl's too if it uses it."""
        own, public = self.crawler.history(), self._public_crawl()
        if public is None:
            return own
        retention = self.model.policies.retention_months()
        return np.union1d(own, public.since(-1 if retention is None else self.model.month - retention))

    def _public_crawl(self) -> PublicCrawler | None:
        public = self.model.public_crawler
        return public if public is not None and public.serves(self.name) else None

    def _verified(self, candidates: np.ndarray, n: int) -> np.ndarray:
        """The ``n`` candidates its verifier chooses (fewer only when a support verifier accepts fewer: the
        training size records it)."""
        model = self.model
        chosen, self.verifier_kept_share = self.verifier.select(
            model.store.vectors[candidates], int(n), reality=model.reality.mixture(model.month),
            support=model.scorer.support_log_density(model.month),
            generator=None if self.estimator is None else self.estimator.distribution_, rng=self.verifier_stream)
        return candidates[np.sort(chosen)]

    def _fit(self, rows: np.ndarray, licensed: np.ndarray) -> None:
        store = self.model.store
        estimator = GaussianMixtureModel(
            n_components=self.config.components,
            covariance_type=self.config.covariance,
            temperature=self.config.temperature,
            tempering=self.config.tempering,
            max_iter=self.config.max_iter,
        )
        vectors = store.vectors[rows] if not len(licensed) else np.vstack([store.vectors[rows], licensed])
        self.estimator = estimator.fit(vectors, rng=self.stream)
        lineage = store.column("lineage")[rows]
        if len(licensed):
            lineage = np.concatenate([lineage, np.zeros(len(licensed), dtype=lineage.dtype)])
        self.lineage = 1.0 + float(lineage.mean())
        self.training = {
            "train_size": float(len(vectors)),
            "train_synthetic_share": float(store.synthetic_mask(rows).sum() / len(vectors)),
            "lineage_depth": float(lineage.mean()),
        }
        # Who trains on whose output: its own model's (published, or written through farms and assistants)
        # against other vendors' models'.
        source = store.column("vendor")[rows]
        self.training["train_share_own"] = float((source == self.index).sum() / len(vectors))
        if self._public_crawl() is not None:
            self.training["train_public_share"] = float(np.isin(rows, self._public_crawl().since(-1)).sum()
                                                        / len(vectors))
        self.training["train_share_others"] = float(((source >= 0) & (source != self.index)).sum() / len(vectors))
        if len(licensed):
            self.training["train_licensed"] = float(len(licensed))

    def publish(self) -> None:
        """Output the vendor publishes itself (answers, generated pages), if any."""
        n = self.config.publish_per_month
        if not self.released or n == 0:
            return
        keys, survival = self.model.policies.mark(self, n)
        vectors, _ = self.estimator.sample(n, rng=self.stream)
        if self.model.text_pages is not None:  # the pages' text; a language model's text places them
            vectors = self.model.text_pages.generated(self, vectors, month=self.model.month, keys=keys)
        self.model.store.append(
            vectors,
            origin=Origin.VENDOR,
            month=self.model.month,
            site=np.full(n, self.site),
            tokens=np.full(n, self.config.tokens_per_doc),
            vendor=self.index,
            lineage=self.lineage,
            wm_key=keys,
            wm_survival=survival,
        )
