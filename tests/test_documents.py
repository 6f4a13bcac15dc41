"""The columnar document store: rows grow in chunks, months are contiguous slices."""

from __future__ import annotations

import numpy as np
import pytest

from ecosystem.content.documents import NO_TOPIC, NO_VENDOR, DocumentStore, Origin


def add(store: DocumentStore, n: int, *, month: int, origin=Origin.HUMAN, start: float = 0.0, **columns):
    vectors = start + np.arange(n * store.dim, dtype=float).reshape(n, store.dim)
    return store.append(
        vectors,
        origin=origin,
        month=month,
        site=columns.pop("site", np.arange(n)),
        tokens=columns.pop("tokens", np.full(n, 100)),
        **columns,
    )


def test_append_across_chunk_boundaries_keeps_every_column():
    store = DocumentStore(dim=3, chunk=4)
    expected = {name: [] for name in ("origin", "vendor", "topic", "month", "site", "lineage", "tokens")}
    vectors = []
    for month, n in enumerate([3, 5, 1, 9, 0, 2]):
        store.begin_month(month)
        origin = np.where(np.arange(n) % 2 == 0, Origin.HUMAN, Origin.FARM)
        values = {
            "origin": origin,
            "vendor": np.where(origin == Origin.FARM, month % 3, NO_VENDOR),
            "topic": np.arange(n) + 10 * month,
            "site": np.arange(n) + 100 * month,
            "lineage": np.full(n, month / 2),
            "tokens": np.arange(n) + 1,
        }
        rows = store.append(np.full((n, 3), float(month)) + np.arange(n)[:, None], month=month, **values)
        assert rows == slice(len(store) - n, len(store))
        vectors.append(np.full((n, 3), float(month)) + np.arange(n)[:, None])
        for name, value in values.items():
            expected[name].append(value)
        expected["month"].append(np.full(n, month))
    assert len(store) == 20
    np.testing.assert_array_equal(store.vectors, np.concatenate(vectors))
    for name, parts in expected.items():
        np.testing.assert_array_equal(store.column(name), np.concatenate(parts), err_msg=name)
    assert store.vectors.dtype == np.float32 and store.column("origin").dtype == np.int8


def test_scalar_columns_are_broadcast_and_defaults_apply():
    store = DocumentStore(dim=2, chunk=2)
    add(store, 5, month=3, origin=Origin.VENDOR, vendor=2, lineage=1.5)
    add(store, 2, month=3)
    np.testing.assert_array_equal(store.column("origin"), [Origin.VENDOR] * 5 + [Origin.HUMAN] * 2)
    np.testing.assert_array_equal(store.column("vendor"), [2] * 5 + [NO_VENDOR] * 2)
    np.testing.assert_array_equal(store.column("topic"), [NO_TOPIC] * 7)
    np.testing.assert_array_equal(store.column("lineage"), [1.5] * 5 + [0.0] * 2)
    np.testing.assert_array_equal(store.column("month"), [3] * 7)


def test_a_big_append_grows_in_one_go():
    store = DocumentStore(dim=2, chunk=4)
    add(store, 1000, month=0)
    assert len(store) == 1000
    np.testing.assert_array_equal(store.vectors[-1], [1998.0, 1999.0])


@pytest.fixture
def three_months() -> DocumentStore:
    """Month 0: 4 rows, month 1: none, month 2: 3 rows, month 3: 2 rows."""
    store = DocumentStore(dim=2, chunk=3)
    for month, n in enumerate([4, 0, 3, 2]):
        store.begin_month(month)
        add(store, n, month=month)
    return store


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (0, 0, slice(0, 4)),
        (1, 1, slice(4, 4)),
        (2, 2, slice(4, 7)),
        (3, 3, slice(7, 9)),
        (0, 2, slice(0, 7)),
        (2, None, slice(4, 9)),
        (0, None, slice(0, 9)),
        (-5, 1, slice(0, 4)),
        (4, None, slice(9, 9)),
        (9, 12, slice(9, 9)),
    ],
)
def test_month_rows_slices(three_months, first, last, expected):
    assert three_months.month_rows(first, last) == expected


def test_month_rows_match_the_month_column(three_months):
    months = three_months.column("month")
    for month in range(4):
        np.testing.assert_array_equal(
            np.flatnonzero(months == month), np.arange(9)[three_months.month_rows(month, month)]
        )


def test_begin_month_fills_skipped_months():
    store = DocumentStore(dim=1, chunk=4)
    store.begin_month(0)
    add(store, 2, month=0)
    store.begin_month(3)  # months 1..3 begin where month 0 ended
    add(store, 1, month=3)
    assert store.month_rows(1, 2) == slice(2, 2)
    assert store.month_rows(3, 3) == slice(2, 3)


def test_synthetic_mask():
    store = DocumentStore(dim=1, chunk=2)
    origins = np.array([Origin.HUMAN, Origin.ASSISTED, Origin.FARM, Origin.VENDOR, Origin.HUMAN])
    add(store, 5, month=0, origin=origins)
    np.testing.assert_array_equal(store.synthetic_mask(slice(None)), [False, True, True, True, False])
    np.testing.assert_array_equal(store.synthetic_mask(slice(1, 3)), [True, True])
    np.testing.assert_array_equal(store.synthetic_mask(np.array([4, 0, 2])), [False, False, True])
    assert set(Origin.synthetic()) == {Origin.ASSISTED, Origin.FARM, Origin.VENDOR}
