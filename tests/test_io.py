"""Atomic writes: a file appears whole or not at all."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from ecosystem.io import atomic_path, write_text, write_with


class Interrupted(RuntimeError):
    pass


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def test_write_text_creates_parent_folders(tmp_path):
    target = tmp_path / "a" / "b" / "note.txt"
    write_text(target, "hello\n")
    assert target.read_text() == "hello\n"
    assert leftovers(target.parent, {"note.txt"}) == []


def test_write_text_replaces_an_existing_file(tmp_path):
    target = tmp_path / "note.txt"
    write_text(target, "old")
    write_text(target, "new")
    assert target.read_text() == "new"


def test_a_writer_that_raises_keeps_the_old_file_and_leaves_nothing(tmp_path):
    target = tmp_path / "metrics.parquet"
    pl.DataFrame({"x": [1, 2, 3]}).write_parquet(target)

    def half_then_fail(path: Path) -> None:
        path.write_bytes(b"PAR1 half a file")
        raise Interrupted("killed mid-write")

    with pytest.raises(Interrupted):
        write_with(target, half_then_fail)
    assert pl.read_parquet(target)["x"].to_list() == [1, 2, 3]
    assert leftovers(tmp_path, {"metrics.parquet"}) == []


def test_a_failed_first_write_leaves_no_file(tmp_path):
    target = tmp_path / "scenario.yaml"
    with pytest.raises(Interrupted), atomic_path(target) as tmp:
        tmp.write_text("partial")
        raise Interrupted
    assert list(tmp_path.iterdir()) == []


def test_the_target_appears_only_when_the_write_finishes(tmp_path):
    target = tmp_path / "manifest.json"
    with atomic_path(target) as tmp:
        tmp.write_text("{}")
        assert not target.exists()
        assert tmp.parent == tmp_path  # same folder, so the final rename is atomic
    assert target.read_text() == "{}"
    assert leftovers(tmp_path, {"manifest.json"}) == []


def test_write_with_a_parquet_writer(tmp_path):
    frame = pl.DataFrame({"a": [1.5, 2.5], "b": ["x", "y"]})
    write_with(tmp_path / "out.parquet", frame.write_parquet)
    assert pl.read_parquet(tmp_path / "out.parquet").equals(frame)


def test_a_folder_lock_refuses_a_second_owner_and_ends_with_the_first(tmp_path):
    from ecosystem.io import FolderLock, OutputError

    with FolderLock(tmp_path / "out"):
        with pytest.raises(OutputError, match=r"another ecosim command \(pid \d+\) is writing into this folder"):
            FolderLock(tmp_path / "out").__enter__()
    with FolderLock(tmp_path / "out"):  # released on exit
        pass


def test_an_output_folder_is_checked_without_being_created(tmp_path):
    from ecosystem.io import OutputError, check_output_folder

    check_output_folder(tmp_path / "new" / "deeper")
    assert not (tmp_path / "new").exists()
    (tmp_path / "plain").write_text("x")
    with pytest.raises(OutputError, match=r"plain is a file, not a folder"):
        check_output_folder(tmp_path / "plain" / "sub")
