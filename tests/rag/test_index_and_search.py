"""The reply index on real chromadb, real BM25 and the real bundled E5 model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inquiries import CaseStore, Kind, NewCase, Status, default_agencies
from rag import PastRecord, ReplyIndex, load_records, search
from rag.chunking import chunk_text
from rag.lexical import LexicalIndex, tokens
from tests.rag.conftest import RECORDS
from yishi.db import make_engine, migrate
from yishi.errors import InputError


def ids(hits) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.record.id for h in hits]


def test_paraphrase_in_either_script_finds_the_case(index: ReplyIndex) -> None:
    assert ids(search("社宅工程為什麼延宕？何時可以完工", index=index))[0] == "113-質-0001"
    assert ids(search("社会住宅为什么延误", index=index))[0] == "113-質-0001"  # Simplified
    assert ids(search("北環段什麼時候通車", mode="dense", index=index))[0] == "113-質-0003"
    assert ids(search("登革熱病例", mode="lexical", index=index))[0] == "112-索-0004"


def test_case_numbers_and_quotes_are_exact(index: ReplyIndex) -> None:
    hits = search("請參考 113-質-0002 的答復", index=index)
    assert hits[0].record.id == "113-質-0002" and hits[0].exact
    quoted = search("「夜間收運點」還會增加嗎", index=index)
    assert quoted[0].record.id == "113-質-0002"


def test_the_configured_case_number_pattern_is_exact_too(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'yishi.db'}")
    migrate(engine)
    built = ReplyIndex(engine, directory=tmp_path / "replies", case_id_pattern=r"TP\d{4}-\d{5}")
    other = PastRecord(
        "TP2025-00077", "公園遊具老舊", "已編列預算汰換。", "parks", "吳議員", "2025-03-01"
    )
    built.index_records([*RECORDS, other])
    hits = search("請比照 TP2025 - 00077 辦理", index=built)
    assert hits[0].record.id == "TP2025-00077" and hits[0].exact


def test_agency_filter(index: ReplyIndex) -> None:
    hits = search("進度落後", agency="捷運局", index=index)
    assert ids(hits) == ["113-質-0003"]


def test_reindexing_is_idempotent_and_updates(index: ReplyIndex) -> None:
    again = index.index_records(RECORDS)
    assert again.unchanged == [r.id for r in RECORDS] and not again.added and not again.updated
    changed = PastRecord(
        **(RECORDS[1].__dict__ | {"reply": "一、本局已取消夜間收運點，改設智慧回收站30處。"})
    )
    report = index.index_records([changed])
    assert report.updated == ["113-質-0002"]
    assert index.vectors.count() == sum(
        len(index.chunks(r)) for r in [*RECORDS[:1], changed, *RECORDS[2:]]
    )
    assert search("智慧回收站", index=index)[0].record.id == "113-質-0002"


def test_removed_records_are_gone_from_both_arms(index: ReplyIndex) -> None:
    assert index.remove(["113-質-0003", "no-such-id"]) == ["113-質-0003"]
    assert "113-質-0003" not in ids(search("北環段通車", k=10, index=index))
    assert index.count() == 3


def test_the_lexical_index_survives_a_restart(index: ReplyIndex, tmp_path: Path) -> None:
    search("垃圾", index=index)
    reopened = ReplyIndex(index.engine, directory=tmp_path / "replies")
    assert ids(search("垃圾車路線", index=reopened))[0] == "113-質-0002"


def test_sync_from_cases(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'yishi.db'}")
    migrate(engine)
    store = CaseStore(engine, actor="t")
    store.add(NewCase(id="115-質-0457", kind=Kind.INTERPELLATION, title="公園路燈不亮", councillor="李議員",
                      lead_agency="公園處", received_on=store.today(), question="大安森林公園路燈多處不亮"))  # fmt: skip
    store.add(NewCase(id="115-質-0458", kind=Kind.INTERPELLATION, title="未答復", councillor="李議員",
                      lead_agency="交通局", received_on=store.today()))  # fmt: skip
    store.update(
        "115-質-0457", status=Status.REPLIED, reply_text="一、本處已於三日內完成路燈檢修。"
    )
    index = ReplyIndex(engine, directory=tmp_path / "replies")
    report = index.sync_from_cases(store)
    assert report.added == ["115-質-0457"]
    assert search("森林公園燈壞了", index=index)[0].record.id == "115-質-0457"
    store.delete("115-質-0457", reason="重複建檔")
    assert index.sync_from_cases(store).removed == ["115-質-0457"]
    assert index.count() == 0


def test_loading_reports_bad_lines_and_keeps_good_ones(tmp_path: Path) -> None:
    path = tmp_path / "past.jsonl"
    lines = [
        json.dumps(
            {
                "id": "A1",
                "question": "問",
                "reply": "答",
                "agency": "都發局",
                "date": "113/05/02",
                "承辦": "王",
            },
            ensure_ascii=False,
        ),
        "{broken",
        json.dumps({"id": "A2", "question": "", "reply": "答"}, ensure_ascii=False),
        json.dumps(
            {"id": "A3", "question": "問", "reply": "答", "agency": "宇宙局"}, ensure_ascii=False
        ),
        json.dumps({"id": "A1", "question": "問", "reply": "答"}, ensure_ascii=False),
    ]
    path.write_text("\n".join(lines), "utf-8")
    report = load_records(path, default_agencies())
    # An unknown agency costs the record nothing: it is kept with the name as written, and warned.
    assert [r.id for r in report.records] == ["A1", "A3"]
    assert report.records[0].date == "2024-05-02" and report.records[0].extra == {"承辦": "王"}
    assert [(p.line, p.kept) for p in report.problems] == [
        (2, False), (3, False), (4, True), (5, False)
    ]  # fmt: skip
    messages = [p.message for p in report.problems]
    assert "不是有效的 JSON" in messages[0] and "缺少 question" in messages[1]
    assert "未知的機關：宇宙局" in messages[2] and "與第 1 行的 id 重複" in messages[3]


def test_csv_and_unknown_formats(tmp_path: Path) -> None:
    path = tmp_path / "past.csv"
    path.write_text("案號,質詢內容,答復內容,機關\nB1,路燈不亮,已修復,公園處\n", "utf-8")
    [record] = load_records(path, default_agencies()).records
    assert (record.id, record.agency) == ("B1", "parks")
    (tmp_path / "past.pdf").write_text("x")
    with pytest.raises(InputError, match="不支援的檔案格式"):
        load_records(tmp_path / "past.pdf", default_agencies())


def test_chunks_never_cut_a_sentence() -> None:
    reply = "".join(f"{n}、本局將於明年完成第{n}期工程並公布結果。" for n in range(1, 40))
    chunks = chunk_text(reply, size=120, overlap=0)
    assert len(chunks) > 3 and all(c.endswith("。") for c in chunks)


def test_lexical_tokens_and_empty_queries() -> None:
    assert tokens("臺北 YouBike") == ["台", "北", "youbike", "台北"]
    index = LexicalIndex()
    index.build([("a", "臺北市社會住宅")])
    assert index.search("", 5) == [] and index.search("火星基地", 5) == []
    assert LexicalIndex().search("任何", 5) == []
