"""The store with its pages on disk (``store.on_disk``): the same rows and the same results as in memory, and a
scratch folder that is new, holds no file once the columns are mapped, and is removed only if it is empty."""

from __future__ import annotations

import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from ecosystem.config import ScenarioError
from ecosystem.content.documents import NO_KEY, DocumentStore, Origin
from ecosystem.content.scratch import PREFIX, ScratchFolder
from ecosystem.content.site_pages import SitePages
from ecosystem.model import EcosystemModel
from ecosystem.scenario_files import load_scenario
from ecosystem.web.sampling import weighted_pages

SMALL = Path(__file__).parent / "data" / "experiment_small.yaml"


def fill(store: DocumentStore, months: int = 6, seed: int = 0) -> None:
    """Months of pages with every column set, some of them zero for whole months."""
    rng = np.random.default_rng(seed)
    for month in range(months):
        n = int(rng.integers(0, 400))
        origin = rng.integers(0, 4, n).astype(np.int8)
        marked = month % 2 == 1
        store.append(rng.normal(size=(n, store.dim)), origin=origin, month=month, site=rng.integers(0, 30, n),
                     tokens=rng.integers(1, 2000, n), vendor=np.where(origin == Origin.HUMAN, -1, month % 3),
                     topic=rng.integers(0, 12, n), lineage=np.where(origin == Origin.HUMAN, 0.0, month / 3),
                     wm_key=np.where(marked & (origin == Origin.FARM), 1, NO_KEY),
                     wm_survival=np.where(marked & (origin == Origin.FARM), rng.random(n), 0.0),
                     signed=marked & (origin == Origin.HUMAN))


def test_a_store_on_disk_reads_back_what_a_store_in_memory_does(tmp_path):
    scratch = ScratchFolder(tmp_path)
    memory, disk = DocumentStore(dim=3), DocumentStore(dim=3, scratch=scratch)
    fill(memory)
    fill(disk)
    np.testing.assert_array_equal(disk.vectors, memory.vectors)
    for name in [*DocumentStore._COLUMNS, "month"]:
        np.testing.assert_array_equal(disk.column(name), memory.column(name), err_msg=name)
        assert disk.column(name).dtype == memory.column(name).dtype
    rows = np.sort(np.random.default_rng(1).choice(len(disk), 300, replace=False))  # a training set's gather
    np.testing.assert_array_equal(disk.vectors[rows], memory.vectors[rows])
    np.testing.assert_array_equal(disk.column("lineage")[rows], memory.column("lineage")[rows])
    for month in range(6):
        assert disk.month_rows(month, month) == memory.month_rows(month, month)
    assert disk.n_synthetic == memory.n_synthetic


def test_crawl_picks_on_disk_are_those_in_memory(tmp_path):
    scratch = ScratchFolder(tmp_path)
    picks = []
    for store in (DocumentStore(dim=2), DocumentStore(dim=2, scratch=scratch)):
        fill(store, months=5, seed=4)
        index = SitePages(store)
        index.seal(5)
        weights = np.linspace(1.0, 3.0, 30)
        picks.append(weighted_pages(index, 1, 5, 200, site_weight=weights, rng=np.random.default_rng(7)))
    np.testing.assert_array_equal(picks[0], picks[1])


def test_zero_and_negative_zero_are_kept_apart():
    """All-zero rows are not written (the reservation is zeros); a -0.0 is not zero bytes, so it is written."""
    store = DocumentStore(dim=1)
    store.append(np.zeros((2, 1)), origin=Origin.FARM, month=0, site=np.zeros(2, int), tokens=np.ones(2, int),
                 lineage=np.array([-0.0, 0.0]), ai_share=0.0)
    assert np.signbit(store.column("lineage")).tolist() == [True, False]
    assert store.column("ai_share").tolist() == [0.0, 0.0]


def test_a_pickled_store_on_disk_is_a_store_in_memory_with_the_same_rows(tmp_path):
    scratch = ScratchFolder(tmp_path)
    store = DocumentStore(dim=2, scratch=scratch)
    fill(store, months=3)
    copy = pickle.loads(pickle.dumps(store))
    assert copy.scratch is None
    np.testing.assert_array_equal(copy.vectors, store.vectors)
    np.testing.assert_array_equal(copy.column("wm_survival"), store.column("wm_survival"))


def test_each_file_is_made_in_a_new_folder_that_is_gone_once_it_is_mapped(tmp_path, monkeypatch):
    stale = tmp_path / f"{PREFIX}left-by-another-run"
    stale.mkdir()
    (stale / "column-x").write_text("not ours")
    made = []
    real_mkdtemp = tempfile.mkdtemp

    def mkdtemp(**kwargs):
        made.append(Path(real_mkdtemp(**kwargs)))
        assert list(made[-1].iterdir()) == [] and made[-1].stat().st_mode & 0o077 == 0  # new, its owner's only
        return str(made[-1])

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    store = DocumentStore(dim=4, scratch=ScratchFolder(tmp_path))
    fill(store, months=2)
    assert len(made) == 1 + len(DocumentStore._COLUMNS) and stale not in made
    assert {p.parent for p in made} == {tmp_path}
    assert sorted(tmp_path.iterdir()) == [stale]  # every folder made is gone; another's is left as it was
    assert (stale / "column-x").read_text() == "not ours"
    assert float(np.abs(store.vectors).sum()) > 0  # the mappings outlive their files


def test_a_folder_that_cannot_be_made_is_named(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        ScratchFolder(tmp_path / "missing")

    def refused(**kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refused)  # a read-only folder (root may write into one anyway)
    with pytest.raises(OSError, match=f"cannot make a folder in {tmp_path}: Permission denied"):
        DocumentStore(dim=2, scratch=ScratchFolder(tmp_path))  # said as it is, not as a reservation refused


def test_a_killed_run_leaves_nothing_behind(tmp_path):
    code = ("import sys, numpy as np\n"
            "from ecosystem.content.documents import DocumentStore\n"
            "from ecosystem.content.scratch import ScratchFolder\n"
            f"store = DocumentStore(dim=8, scratch=ScratchFolder({str(tmp_path)!r}))\n"
            "store.append(np.ones((100_000, 8)), origin=0, month=0, site=np.zeros(100_000, int), tokens=1)\n"
            "print(len(store), flush=True)\n"
            "sys.stdin.read()\n")  # waits until killed
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             cwd=Path(__file__).parents[1])
    assert child.stdout.readline().strip() == "100000"  # the store is written once this line comes
    assert list(tmp_path.iterdir()) == []  # while it runs
    child.kill()
    child.wait()
    child.stdin.close()
    child.stdout.close()
    assert list(tmp_path.iterdir()) == []


def test_a_run_on_disk_gives_the_metrics_of_a_run_in_memory(tmp_path):
    frames = []
    for extra in ({}, {"store.on_disk": True, "store.folder": str(tmp_path)}):
        scenario = load_scenario(SMALL, overrides={"end": "2022-06", **extra})
        model = EcosystemModel(scenario, seed=5)
        for _ in range(scenario.months):
            model.step()
        assert (model.store.scratch is not None) == bool(extra)
        frames.append(model.recorder.to_frame())
    assert frames[0].height > 0 and frames[0].equals(frames[1])
    assert list(tmp_path.iterdir()) == []


def test_the_store_option_is_left_out_of_a_scenario_that_does_not_set_it():
    assert "store" not in load_scenario(SMALL).to_yaml()
    assert "on_disk: true" in load_scenario(SMALL, overrides={"store.on_disk": True}).to_yaml()


def test_a_missing_store_folder_is_refused_when_the_scenario_is_read(tmp_path):
    with pytest.raises(ScenarioError, match=r"store: folder: no such folder: .*missing"):
        load_scenario(SMALL, overrides={"store.on_disk": True, "store.folder": str(tmp_path / "missing")})
