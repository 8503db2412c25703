"""Writing output files atomically: parents created, modes kept, nothing half-written."""

from __future__ import annotations

import os
import stat

import pytest

from plategraph.app import files


def test_write_atomic_writes_and_creates_parents(tmp_path):
    target = files.write_atomic(tmp_path / "new" / "dir" / "m.svg", b"<svg/>")
    assert target.read_bytes() == b"<svg/>"
    assert os.listdir(target.parent) == ["m.svg"]


def test_new_files_get_the_usual_mode_and_replaced_files_keep_theirs(tmp_path):
    umask = os.umask(0o027)
    try:
        fresh = files.write_atomic(tmp_path / "fresh.dot", b"x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640
    kept = tmp_path / "kept.dot"
    kept.write_bytes(b"old")
    kept.chmod(0o604)
    files.write_atomic(kept, b"new")
    assert kept.read_bytes() == b"new" and stat.S_IMODE(kept.stat().st_mode) == 0o604


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "model.svg"
    target.write_bytes(b"precious")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        files.write_atomic(target, b"new")
    assert target.read_bytes() == b"precious"
    assert os.listdir(tmp_path) == ["model.svg"]


def test_a_leftover_temporary_name_is_skipped(tmp_path):
    target = tmp_path / "m.dot"
    stale = tmp_path / f".m.dot.{os.getpid()}.0.tmp"
    stale.write_bytes(b"stale")
    files.write_atomic(target, b"fresh")
    assert target.read_bytes() == b"fresh" and stale.read_bytes() == b"stale"
