"""Output files are written all at once, with the mode a plain open() would give."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from yishi.files import write_atomically, write_file_atomically


@contextmanager
def umask(mask: int) -> Iterator[None]:
    """Run the block under ``mask``; the process's own umask comes back after."""
    before = os.umask(mask)
    try:
        yield
    finally:
        os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_files_get_the_umask_mode_not_0600(tmp_path: Path, mask: int, expected: int) -> None:
    with umask(mask):
        path = write_file_atomically(tmp_path / "out" / "紀錄.md", "內容".encode())
    assert mode(path) == expected
    assert path.read_text("utf-8") == "內容"


def test_a_file_is_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("舊的內容，比較長")
    write_file_atomically(path, b"new")
    assert path.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_all_files_or_none(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a directory should be")
    files = {tmp_path / "first.txt": b"1", blocker / "second.txt": b"2"}
    with pytest.raises(OSError):
        write_atomically(files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]
