"""Held-out evaluation files are scored once as first committed: any change to one must show.

A held-out set whose failures have been studied becomes development data; a new set gets new
files and new manifest lines (docs/benchmarks.md, "Evaluation hygiene").
"""

from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "tests/data/HELDOUT.sha256"


def _entries() -> list[tuple[str, str]]:
    lines = MANIFEST.read_text("utf-8").splitlines()
    return [(line[:64], line[66:]) for line in lines if line.strip()]


def test_every_held_out_file_is_unchanged() -> None:
    changed = [
        path
        for digest, path in _entries()
        if hashlib.sha256((ROOT / path).read_bytes()).hexdigest() != digest
    ]
    assert changed == []


def test_every_file_of_a_held_out_folder_is_listed() -> None:
    listed = {path for _, path in _entries()}
    folders = {str(Path(path).parent) for path in listed if "heldout" in Path(path).parent.name}
    on_disk = {str(p.relative_to(ROOT)) for f in folders for p in (ROOT / f).iterdir()}
    assert on_disk - listed == set()
    assert len(listed) >= 50
