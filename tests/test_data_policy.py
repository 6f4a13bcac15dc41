"""Data policies: which collected items a vendor trains on."""

from __future__ import annotations

import numpy as np
import pytest

from ecosystem.learning.data_policy import DataPolicy, training_indices

HISTORY = np.arange(0, 1000)
LATEST = np.arange(800, 1000)
ARCHIVE = np.arange(0, 300)


def choose(policy, *, latest=LATEST, history=HISTORY, archive=ARCHIVE, size=100, share=0.5, seed=0):
    return training_indices(
        policy,
        latest=latest,
        history=history,
        archive=archive,
        size=size,
        archive_share=share,
        rng=np.random.default_rng(seed),
    )


def test_replace_uses_only_the_latest_collection():
    rows = choose(DataPolicy.REPLACE, size=150)
    assert len(rows) == 150
    assert np.isin(rows, LATEST).all()


def test_accumulate_draws_from_the_whole_history():
    rows = choose(DataPolicy.ACCUMULATE, size=500)
    assert len(rows) == 500
    assert np.isin(rows, HISTORY).all()
    # 500 of 1000 uniformly: about 80% of them are older than the latest collection
    assert 0.7 < np.mean(rows < LATEST[0]) < 0.9


@pytest.mark.parametrize(("share", "n_archive"), [(0.0, 0), (0.25, 25), (0.5, 50), (1.0, 100)])
def test_archive_mixes_by_archive_share(share, n_archive):
    rows = choose(DataPolicy.ARCHIVE, size=100, share=share)
    assert len(rows) == 100
    assert np.isin(rows, ARCHIVE).sum() == n_archive
    assert np.isin(rows, LATEST).sum() == 100 - n_archive


@pytest.mark.parametrize("policy", list(DataPolicy))
def test_size_none_takes_the_whole_pool(policy):
    rows = choose(policy, size=None)
    expected = {
        DataPolicy.REPLACE: LATEST,
        DataPolicy.ACCUMULATE: HISTORY,
        DataPolicy.ARCHIVE: np.concatenate([ARCHIVE, LATEST]),
    }[policy]
    np.testing.assert_array_equal(np.sort(rows), np.sort(expected))


@pytest.mark.parametrize("policy", list(DataPolicy))
def test_a_pool_smaller_than_the_size_is_taken_whole(policy):
    rows = choose(policy, latest=np.arange(10, 20), history=np.arange(20), archive=np.arange(5), size=1000)
    assert len(rows) == len(np.unique(rows))
    assert len(rows) == {DataPolicy.REPLACE: 10, DataPolicy.ACCUMULATE: 20, DataPolicy.ARCHIVE: 15}[policy]


@pytest.mark.parametrize("policy", list(DataPolicy))
@pytest.mark.parametrize("size", [None, 50, 400])
def test_no_duplicates(policy, size):
    rows = choose(policy, size=size)
    assert len(rows) == len(np.unique(rows))


@pytest.mark.parametrize("size", [None, 60, 400])
def test_archive_never_repeats_pages_a_crawl_shares_with_the_archive(size):
    """A crawl also picks up pre-AI pages; the training set must hold each page once."""
    latest = np.arange(200, 500)  # overlaps the archive 0..299
    rows = choose(DataPolicy.ARCHIVE, latest=latest, size=size, share=0.5)
    assert len(rows) == len(np.unique(rows))
    if size is None:
        np.testing.assert_array_equal(np.sort(rows), np.arange(0, 500))
    else:
        assert len(rows) == size


def test_same_generator_same_choice_and_policies_accept_strings():
    np.testing.assert_array_equal(choose("accumulate", seed=3), choose(DataPolicy.ACCUMULATE, seed=3))
    assert not np.array_equal(choose("accumulate", seed=3), choose("accumulate", seed=4))
    with pytest.raises(ValueError):
        choose("hoard")
