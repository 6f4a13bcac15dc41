"""One seed per run, split into independent streams per component.

Each stream is a child of the run's ``SeedSequence`` with a fixed spawn key, so adding a vendor or a
farm never shifts the numbers another component draws, and results do not depend on the order in
which components are built.
"""

from __future__ import annotations

import numpy as np

_NAMED = {
    "reality": 0, "humans": 1, "farms": 2, "web": 3, "scoring": 4, "market": 5,
    "policies": 6,  # policy levers: compliance draws, adoption curves, licensed data
    "evasion": 7,  # farms' candidates and paraphrases once they evade
    "archive": 8,  # the pre-AI archive crawl
    "public_crawl": 10,  # the shared public crawl's page choice
    "signing": 11,  # writers' decisions to sign their pages (provenance_signing with a decision)
}
_VENDOR, _CRAWLER, _DETECTOR, _FILTER, _VERIFIER, _QUALITY, _ADOPTION = 100, 101, 102, 103, 104, 105, 106
_TEXT = 107  # page text (the world's split and human pages: index -1; each vendor's writing: its index)


class RandomStreams:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        for name, key in _NAMED.items():
            setattr(self, name, self._child(key))
        self._vendors: dict[int, np.random.Generator] = {}
        self._crawlers: dict[int, np.random.Generator] = {}
        self._detectors: dict[int, np.random.Generator] = {}
        self._filters: dict[int, np.random.Generator] = {}
        self._adoptions: dict[int, np.random.Generator] = {}

    def _child(self, *key: int) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=key))

    def reality_block(self, index: int) -> np.random.Generator:
        """Topic block ``index`` of reality (0: the original topics; j: the j-th topic drift adds)."""
        return self._child(_NAMED["reality"], index)

    def vendor(self, index: int) -> np.random.Generator:
        return self._vendors.setdefault(index, self._child(_VENDOR, index))

    def crawler(self, index: int) -> np.random.Generator:
        return self._crawlers.setdefault(index, self._child(_CRAWLER, index))

    def detector(self, index: int) -> np.random.Generator:
        return self._detectors.setdefault(index, self._child(_DETECTOR, index))

    def crawl_filter(self, index: int) -> np.random.Generator:
        """A crawler's checks (watermark tests), apart from its page choice."""
        return self._filters.setdefault(index, self._child(_FILTER, index))

    def verifier(self, index: int) -> np.random.Generator:
        """A vendor's verifier (its density estimate and decisions), apart from the vendor's own draws."""
        return self._child(_VERIFIER, index)

    def quality(self, index: int) -> np.random.Generator:
        """A crawler's quality filter (its reference samples), apart from its page choice and checks."""
        return self._child(_QUALITY, index)

    def adoption(self, index: int) -> np.random.Generator:
        """A vendor's decisions whether to watermark (watermark_adoption), apart from everything else it draws."""
        return self._adoptions.setdefault(index, self._child(_ADOPTION, index))

    def text(self, index: int) -> np.random.Generator:
        """Page text apart from every other draw: -1 for the world's split and human pages, a vendor's
        index for what its model writes and is measured on (so text changes no vector, topic or crawl)."""
        return self._child(_TEXT, index + 1)

    def mesa_seed(self) -> int:
        """Seed for Mesa's own ``random``/``rng`` (agent shuffling), derived from the run seed."""
        return int(self._child(999).integers(2**31 - 1))


def choose(rng: np.random.Generator, p: np.ndarray, size: int) -> np.ndarray:
    """The draws of ``rng.choice(len(p), size=size, p=p)``. NumPy's ``Generator.choice`` inverts the normalised
    cumulative sum of p on ``rng.random(size)``; this does the same, so the stream and the draws are identical,
    and ``choose_per_row`` is this inversion for many distributions at once."""
    cdf = np.cumsum(p)
    cdf /= cdf[-1]
    return cdf.searchsorted(rng.random(size), side="right")


def choose_per_row(rng: np.random.Generator, p: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One draw per entry of ``rows``, from the distribution in that row of ``p`` (shape (R, K)): the inversion
    of ``choose`` for every entry at once. Row r's cumulative sum is shifted by r, so a single sorted search
    over all rows finds each draw."""
    n_rows, k = p.shape
    if n_rows == 0 or len(rows) == 0:
        return np.empty(0, dtype=np.int64)
    cdf = np.cumsum(p, axis=1)
    cdf /= cdf[:, -1:]
    shifted = (cdf + np.arange(n_rows)[:, None]).ravel()
    found = shifted.searchsorted(rows + rng.random(len(rows)), side="right") - rows * k
    return np.minimum(found, k - 1)  # a draw that rounds up to its row's end stays in the row
