"""`pipelines.files`: a file appears under its name only when complete, and every stage hashes alike."""

from __future__ import annotations

import hashlib

import pytest

from pipelines.files import atomic_write, part_path, sha256_file


def test_a_failed_write_leaves_the_old_file_and_no_part(tmp_path):
    dest = tmp_path / "out" / "data.csv"
    dest.parent.mkdir()
    dest.write_text("old,version\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_write(dest, "w", encoding="utf-8") as fh:
            fh.write("new,half")
            assert part_path(dest).exists() and dest.read_text(encoding="utf-8") == "old,version\n"
            raise RuntimeError("the source broke off")
    assert dest.read_text(encoding="utf-8") == "old,version\n"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["data.csv"]


def test_a_finished_write_replaces_the_file_and_hashes_like_hashlib(tmp_path):
    dest = tmp_path / "new" / "data.bin"  # the folder is created
    body = bytes(range(256)) * 5000
    with atomic_write(dest) as fh:
        fh.write(body)
    assert dest.read_bytes() == body and not part_path(dest).exists()
    assert sha256_file(dest) == hashlib.sha256(body).hexdigest()
