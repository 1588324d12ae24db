"""The dense arm reads a snapshot of the vectors, never a stale one, and agrees with Chroma."""

from __future__ import annotations

import pytest

from rag import PastRecord, ReplyIndex, search, store
from tests.rag.conftest import RECORDS

ZOO = PastRecord(
    "114-質-0100", "動物園無尾熊館整修進度為何？", "一、無尾熊館預計115年整修完成後重新開放。",
    "zoo", "周議員", "2025-05-05",
)  # fmt: skip


def test_the_snapshot_gives_chromas_neighbours(index: ReplyIndex) -> None:
    vector = index.embedder.query("社會住宅工程進度")
    exact = index.vectors.query(vector, k=6)
    by_chroma = index.vectors.query(vector, k=6, where={"part": {"$in": ["question", "reply"]}})
    assert [case_id for case_id, _ in exact] == [case_id for case_id, _ in by_chroma]
    for (_, ours), (_, theirs) in zip(exact, by_chroma, strict=True):
        assert abs(ours - theirs) < 1e-5
    assert (index.directory / "vectors" / "vectors.npz").is_file()


def test_every_change_is_seen_by_the_next_search_in_any_process(index: ReplyIndex) -> None:
    other = ReplyIndex(index.engine, directory=index.directory)  # another process's view
    question = "無尾熊館什麼時候重新開放"
    assert search(question, k=1, mode="dense", index=other)[0].record.id != ZOO.id
    index.index_records([ZOO])
    assert search(question, k=1, mode="dense", index=other)[0].record.id == ZOO.id
    assert search(question, k=1, mode="dense", index=index)[0].record.id == ZOO.id
    index.remove([ZOO.id])
    assert ZOO.id not in {h.record.id for h in search(question, k=10, index=other)}
    assert {h.record.id for h in search(question, k=10, mode="dense", index=other)} == {
        r.id for r in RECORDS
    }


def test_a_store_too_large_to_scan_is_searched_by_chroma(
    index: ReplyIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "SNAPSHOT_MAX", 2)  # the four records have more chunks than that
    fresh = ReplyIndex(index.engine, directory=index.directory)
    index.index_records([ZOO])  # a new generation: the next search writes the snapshot again
    assert search("無尾熊館什麼時候重新開放", k=1, mode="dense", index=fresh)[0].record.id == ZOO.id
    assert fresh.vectors._snapshot is not None and fresh.vectors._snapshot.matrix is None
