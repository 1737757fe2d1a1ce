"""The caches' files are replaced whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.atomic import replaced_atomically


def test_the_new_bytes_take_the_files_place_and_no_partial_file_is_left(tmp_path: Path) -> None:
    path = tmp_path / "ab" / "key.pickle"  # its folder made on the way
    with replaced_atomically(path) as f:
        f.write(b"first")
    with replaced_atomically(path) as f:
        f.write(b"second")
    assert path.read_bytes() == b"second" and sorted(p.name for p in path.parent.iterdir()) == ["key.pickle"]


def test_a_failed_write_keeps_the_old_file_and_removes_its_partial(tmp_path: Path) -> None:
    path = tmp_path / "key.pickle"
    path.write_bytes(b"good")
    with pytest.raises(RuntimeError), replaced_atomically(path) as f:
        f.write(b"half")
        raise RuntimeError("disk full")
    assert path.read_bytes() == b"good" and [p.name for p in tmp_path.iterdir()] == ["key.pickle"]


def test_two_writers_of_one_file_write_two_partial_files(tmp_path: Path) -> None:
    path = tmp_path / "key.pickle"
    with replaced_atomically(path) as first, replaced_atomically(path) as second:
        first.write(b"one")
        second.write(b"two")
        assert first.name != second.name
    assert path.read_bytes() == b"one"  # the outer block ends last: its file is the one left
