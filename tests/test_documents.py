"""The columnar document store: rows grow in place (a copy only when a reservation is outgrown), months are
contiguous slices, a page's month is read from its row, narrow columns refuse values they cannot hold."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest

from ecosystem.content.documents import NO_KEY, NO_TOPIC, NO_VENDOR, DocumentStore, Origin
from ecosystem.content.reserved import reserve
from ecosystem.content.site_pages import SitePages


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


def test_append_across_reservation_boundaries_keeps_every_column():
    store = DocumentStore(dim=3, capacity=4)  # outgrown at once, then again
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
    store = DocumentStore(dim=2, capacity=2)
    add(store, 5, month=3, origin=Origin.VENDOR, vendor=2, lineage=1.5)
    add(store, 2, month=3)
    np.testing.assert_array_equal(store.column("origin"), [Origin.VENDOR] * 5 + [Origin.HUMAN] * 2)
    np.testing.assert_array_equal(store.column("vendor"), [2] * 5 + [NO_VENDOR] * 2)
    np.testing.assert_array_equal(store.column("topic"), [NO_TOPIC] * 7)
    np.testing.assert_array_equal(store.column("lineage"), [1.5] * 5 + [0.0] * 2)
    np.testing.assert_array_equal(store.column("month"), [3] * 7)


def test_a_big_append_grows_in_one_go():  # 1000 rows into a reservation of 4
    store = DocumentStore(dim=2, capacity=4)
    add(store, 1000, month=0)
    assert len(store) == 1000
    np.testing.assert_array_equal(store.vectors[-1], [1998.0, 1999.0])


@pytest.fixture
def three_months() -> DocumentStore:
    """Month 0: 4 rows, month 1: none, month 2: 3 rows, month 3: 2 rows."""
    store = DocumentStore(dim=2, capacity=3)
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
    store = DocumentStore(dim=1, capacity=4)
    store.begin_month(0)
    add(store, 2, month=0)
    store.begin_month(3)  # months 1..3 begin where month 0 ended
    add(store, 1, month=3)
    assert store.month_rows(1, 2) == slice(2, 2)
    assert store.month_rows(3, 3) == slice(2, 3)


def test_synthetic_mask():
    store = DocumentStore(dim=1, capacity=2)
    origins = np.array([Origin.HUMAN, Origin.ASSISTED, Origin.FARM, Origin.VENDOR, Origin.HUMAN])
    add(store, 5, month=0, origin=origins)
    np.testing.assert_array_equal(store.synthetic_mask(slice(None)), [False, True, True, True, False])
    np.testing.assert_array_equal(store.synthetic_mask(slice(1, 3)), [True, True])
    np.testing.assert_array_equal(store.synthetic_mask(np.array([4, 0, 2])), [False, False, True])
    assert set(Origin.synthetic()) == {Origin.ASSISTED, Origin.FARM, Origin.VENDOR}


def test_growth_within_the_reservation_never_copies_old_rows():
    store = DocumentStore(dim=2, capacity=10_000)
    store.begin_month(0)
    add(store, 10, month=0)
    early_vectors, early_sites = store.vectors, store.column("site")
    for month in range(1, 40):
        add(store, 200, month=month, start=month)
    assert len(store) == 7810 and store.capacity == 10_000
    # the rows read before the store grew are the same memory, not a copy left behind
    assert np.shares_memory(early_vectors, store.vectors) and np.shares_memory(early_sites, store.column("site"))
    np.testing.assert_array_equal(store.vectors[:10], early_vectors)


def test_an_outgrown_reservation_moves_once_to_one_twice_as_large():
    store = DocumentStore(dim=2, capacity=100)
    add(store, 90, month=0)
    before = store.vectors.copy()
    add(store, 20, month=0)
    assert store.capacity == 200
    np.testing.assert_array_equal(store.vectors[:90], before)
    add(store, 300, month=1)
    assert store.capacity == 410  # twice 200 is too small: exactly what is needed


def test_the_default_reservation_holds_a_billion_pages_without_committing_them():
    store = DocumentStore(dim=8)
    assert store.capacity >= 10**9  # granted, though larger than most machines' memory
    add(store, 5, month=0)
    np.testing.assert_array_equal(store.column("site"), np.arange(5))


def test_a_reservation_the_system_refuses_is_halved():
    """Under a limit on address space (``ulimit -v``), the store still works, in smaller reservations."""
    code = (
        "import resource, numpy as np\n"
        "from ecosystem.content.reserved import reserve\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2**33, 2**33))\n"
        "rows = reserve(2**36, np.int8, least=2**20)\n"
        "rows[-1] = 7\n"
        "print(len(rows))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    granted = int(out.stdout)
    assert 2**20 <= granted < 2**33 and granted & (granted - 1) == 0  # halved down from 2**36


def test_reserve_gives_rows_of_the_width_and_dtype_asked():
    rows = reserve(1000, np.float32, width=3)
    assert rows.shape == (1000, 3) and rows.dtype == np.float32 and rows.flags.writeable
    rows[999] = [1.0, 2.0, 3.0]
    np.testing.assert_array_equal(rows[999], [1.0, 2.0, 3.0])


def test_a_page_month_is_the_month_its_rows_were_appended_in():
    store = DocumentStore(dim=1, capacity=3)
    add(store, 2, month=2)  # months 0 and 1 begin, empty, before month 2
    add(store, 3, month=2)
    store.begin_month(4)
    add(store, 1, month=5)
    np.testing.assert_array_equal(store.column("month"), [2, 2, 2, 2, 2, 5])
    assert store.month_rows(0, 1) == slice(0, 0) and store.month_rows(5, 5) == slice(5, 6)
    with pytest.raises(ValueError, match="month 3 appended after month 5 began"):
        add(store, 1, month=3)


@pytest.mark.parametrize(("column", "value"), [("topic", 40_000), ("vendor", 200), ("wm_key", -200)])
def test_narrow_columns_refuse_values_they_cannot_hold(column, value):
    store = DocumentStore(dim=1, capacity=4)
    with pytest.raises(OverflowError, match=column):
        add(store, 3, month=0, **{column: np.array([0, value, 1])})
    assert len(store) == 0


def test_narrow_columns_hold_their_whole_range():
    store = DocumentStore(dim=1, capacity=4)
    add(store, 2, month=0, topic=np.array([NO_TOPIC, 32_767]), vendor=np.array([NO_VENDOR, 49]),
        wm_key=np.array([NO_KEY, 49]))
    np.testing.assert_array_equal(store.column("topic"), [NO_TOPIC, 32_767])
    np.testing.assert_array_equal(store.column("vendor"), [NO_VENDOR, 49])
    np.testing.assert_array_equal(store.column("wm_key"), [NO_KEY, 49])


def test_a_pickled_store_carries_its_rows_not_its_reservation():
    store = DocumentStore(dim=2)
    for month in range(3):
        add(store, 4, month=month, origin=Origin.FARM, start=month)
    data = pickle.dumps(store)
    assert len(data) < 10_000
    copy = pickle.loads(data)
    np.testing.assert_array_equal(copy.vectors, store.vectors)
    np.testing.assert_array_equal(copy.column("month"), store.column("month"))
    assert copy.n_synthetic == 12 and copy.month_rows(1, 1) == slice(4, 8)
    add(copy, 1, month=3)
    assert len(copy) == 13


def test_the_crawl_index_follows_a_store_that_outgrows_its_reservation():
    store = DocumentStore(dim=1, capacity=4)
    pages = SitePages(store)
    site_of = []
    for month in range(6):
        store.begin_month(month)
        sites = (np.arange(5) * (month + 1)) % 3
        add(store, 5, month=month, site=sites)
        site_of.extend(sites)
        pages.seal(month + 1)
    site_of = np.array(site_of)
    for site in range(3):
        mine = np.flatnonzero(site_of == site)
        in_months_1_to_4 = mine[(mine >= 5) & (mine < 25)]
        picked = pages.pick(np.full(len(in_months_1_to_4), site), np.arange(len(in_months_1_to_4)), 1, 5)
        np.testing.assert_array_equal(np.sort(picked), in_months_1_to_4)
        assert picked.dtype == np.int32  # row indices fit int32: crawls keep them at half the bytes
