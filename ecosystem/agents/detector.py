"""Detector providers: train classifiers of AI text on a cadence; their rates are measured, not set."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ecosystem.config import DetectorConfig
from ecosystem.content.documents import Origin
from ecosystem.learning.detector import TextDetector, features

if TYPE_CHECKING:
    from ecosystem.model import EcosystemModel

MIN_TRUSTED = 50


class DetectorProvider(mesa.Agent):
    """Retrains every ``retrain_every`` months from ``start``: trusted human text (pages from before
    the AI era, and/or recent signed pages) against samples drawn from the released vendors' APIs.
    With ``adaptive > 0`` that share of the synthetic samples is made the way farms make theirs
    (paraphrased, and reject-sampled against the provider's current classifier): the arms race.
    """

    model: EcosystemModel

    def __init__(self, model: EcosystemModel, *, config: DetectorConfig, index: int) -> None:
        super().__init__(model)
        self.config = config
        self.name = config.name
        self.index = index
        self.start_step = model.scenario.month_index(config.start)
        self.stream = model.rngs.detector(index)
        self.detector: TextDetector | None = None
        self.trained_at: list[int] = []
        self.rates: dict[str, float] = {}

    # ------------------------------------------------------------------------------------------
    # Training

    def retrain_if_due(self) -> None:
        model = self.model
        if model.month < self.start_step or not model.released_vendors():
            return
        if self.trained_at and model.month - self.trained_at[-1] < self.config.retrain_every:
            return
        human = self._trusted_rows()
        if len(human) < MIN_TRUSTED:
            return
        synthetic = self._synthetic_samples(len(human))
        store = model.store
        detector = TextDetector(
            classifier=self.config.classifier,
            target_fpr=self.config.target_fpr,
            validation_share=self.config.validation_share,
        )
        self.detector = detector.fit(
            self.features(store.vectors[human]), self.features(synthetic), rng=self.stream
        )
        self.trained_at.append(model.month)

    def _trusted_rows(self) -> np.ndarray:
        """Human text the provider can trust: the pre-AI archive and/or pages signed recently."""
        model, n = self.model, self.config.samples
        pools = []
        if self.config.trusted in ("pre_ai", "both"):
            pools.append(model.pre_ai_rows())
        if self.config.trusted in ("signed", "both"):
            recent = model.store.month_rows(max(0, model.month - self.config.retrain_every))
            signed = np.flatnonzero(model.store.column("signed")[recent]) + recent.start
            pools.append(signed)
        pools = [p for p in pools if len(p)]
        if not pools:
            return np.empty(0, dtype=np.int64)
        per_pool = [min(len(p), n // len(pools)) for p in pools]
        per_pool[0] += min(n - sum(per_pool), len(pools[0]) - per_pool[0])  # top up from the archive
        return np.concatenate(
            [self.stream.choice(p, size=k, replace=False) for p, k in zip(pools, per_pool, strict=True)]
        )

    def _synthetic_samples(self, n: int) -> np.ndarray:
        vendors = self.model.released_vendors()
        counts = np.bincount(self.stream.integers(len(vendors), size=n), minlength=len(vendors))
        n_evasive = int(round(self.config.adaptive * n))
        parts = []
        for vendor, k in zip(vendors, counts, strict=True):
            vectors, _ = vendor.estimator.sample(int(k), rng=self.stream)
            parts.append(vectors)
        samples = np.vstack(parts)
        if n_evasive:
            from ecosystem.agents.farm import evasive_output

            samples[:n_evasive] = evasive_output(
                self.model, vendors, n_evasive, detector=self, rng=self.stream
            )
        return samples

    # ------------------------------------------------------------------------------------------
    # Use

    def features(self, vectors: np.ndarray) -> np.ndarray:
        """A document's vector plus its best log-likelihood under the released models."""
        vendors = self.model.released_vendors()
        if not vendors or len(vectors) == 0:
            return features(vectors, np.zeros(len(vectors)))
        loglik = np.max([v.estimator.score_samples(vectors) for v in vendors], axis=0)
        return features(vectors, loglik)

    def score_vectors(self, vectors: np.ndarray) -> np.ndarray:
        return self.detector.score(self.features(vectors))

    def flag_rows(self, rows: np.ndarray, *, threshold: float | None = None) -> np.ndarray:
        return self.detector.flag(self.features(self.model.store.vectors[rows]), threshold=threshold)

    def measure(self) -> dict[str, float]:
        """TPR and FPR against ground truth on this month's new pages: overall, per origin, and the
        FPR on rare-topic (tail) versus common-topic human pages."""
        model = self.model
        if self.detector is None:
            return {}
        rows = model.store.month_rows(model.month, model.month)
        origin = model.store.column("origin")[rows]
        if len(origin) == 0:
            return {}
        flagged = self.flag_rows(np.arange(rows.start, rows.stop))
        topic = model.store.column("topic")[rows]
        human = origin == Origin.HUMAN
        tail = human & model.reality.tail[np.maximum(topic, 0)]
        groups = {
            "tpr": ~human,
            "fpr": human,
            "tpr_farm": origin == Origin.FARM,
            "tpr_assisted": origin == Origin.ASSISTED,
            "tpr_vendor": origin == Origin.VENDOR,
            "fpr_tail": tail,
            "fpr_common": human & ~tail,
        }
        rates = {name: float(flagged[mask].mean()) for name, mask in groups.items() if mask.any()}
        rates["threshold"] = self.detector.threshold_
        rates["retrained"] = float(self.trained_at[-1] == model.month)
        return rates
