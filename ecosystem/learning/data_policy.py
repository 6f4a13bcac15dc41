"""How a vendor turns everything its crawler collected into one training set.

The same function serves the simulation's vendors and the replication experiments, so the published
recursive-training results are checked against the code that runs in the ecosystem.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

import numpy as np


class DataPolicy(StrEnum):
    REPLACE = "replace"  # latest data only (Shumailov et al.: each generation sees only the last)
    ACCUMULATE = "accumulate"  # everything ever collected (Gerstgrasser et al. 2024)
    ARCHIVE = "archive"  # a frozen pre-AI crawl plus the latest data


Pool = np.ndarray | Callable[[], np.ndarray]


def training_indices(
    policy: DataPolicy | str,
    *,
    latest: Pool,
    history: Pool,
    archive: Pool,
    size: int | None,
    archive_share: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Choose training items (indices into some store) by policy.

    ``latest``: items collected since the last training; ``history``: all items ever collected;
    ``archive``: the frozen pre-AI collection. ``size=None`` takes the whole pool; otherwise a
    uniform subsample without replacement (accumulate with a size is Kazdan et al.'s
    accumulate-subsample). Archive draws ``archive_share`` of the set from the archive.
    A pool may be given as a function that builds it: only the pools the policy reads are built.
    """
    policy = DataPolicy(policy)
    if policy is DataPolicy.REPLACE:
        return _subsample(_built(latest), size, rng)
    if policy is DataPolicy.ACCUMULATE:
        return _subsample(_built(history), size, rng)
    n_archive = None if size is None else int(round(size * archive_share))
    n_latest = None if size is None else size - n_archive
    from_archive = _subsample(_built(archive), n_archive, rng)
    # A crawl can hold pre-AI pages too: never train on the same page twice.
    latest = _built(latest)
    fresh = latest[~np.isin(latest, from_archive)]
    return np.concatenate([from_archive, _subsample(fresh, n_latest, rng)])


def _built(pool: Pool) -> np.ndarray:
    return pool() if callable(pool) else pool


def _subsample(pool: np.ndarray, size: int | None, rng: np.random.Generator) -> np.ndarray:
    if size is None or len(pool) <= size:
        return pool
    return rng.choice(pool, size=size, replace=False)
