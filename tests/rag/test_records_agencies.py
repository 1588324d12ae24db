"""Past records whose agency is written the way real files write it."""

from __future__ import annotations

import json
from pathlib import Path

from inquiries import default_agencies
from rag import PastRecord, ReplyIndex, load_records
from yishi.db import make_engine, migrate


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    return path


def test_an_unknown_agency_keeps_the_record_with_a_warning(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "past.jsonl",
        [
            {"id": "R1", "question": "社宅何時完工", "reply": "預計明年完工", "agency": "都發處"},
            {"id": "R2", "question": "夜市振興", "reply": "將辦理活動", "agency": "產業局、文化局"},
            {"id": "R3", "question": "公園路燈", "reply": "已修復", "agency": "工務局公園處"},
            {"id": "R4", "question": "市政願景", "reply": "持續推動", "agency": "市府"},
        ],
    )
    report = load_records(path, default_agencies())
    records = {r.id: r for r in report.records}
    assert list(records) == ["R1", "R2", "R3", "R4"]
    assert (records["R1"].agency, records["R1"].agency_raw) == (None, "都發處")
    assert (records["R2"].agency, records["R2"].co_agencies) == ("industry", ("culture",))
    assert records["R2"].agency_raw is None
    assert records["R3"].agency == "parks" and records["R4"].agency == "city-government"
    [warning] = report.warnings
    assert warning.line == 1 and warning.kept and report.problems == [warning]
    assert warning.message.startswith("未知的機關：都發處（是否為：都發局、都市發展局？）")
    assert "仍已收錄" in warning.message and "都發處" in warning.message
    names = {a.code: a.short for a in default_agencies()}
    assert records["R1"].agency_label(names) == "都發處"
    assert records["R2"].agency_label(names) == "產業發展局"


def test_the_index_keeps_the_written_name_and_co_agencies(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'yishi.db'}")
    migrate(engine)
    index = ReplyIndex(engine, directory=tmp_path / "replies")
    records = [
        PastRecord("R1", "社宅何時完工", "預計明年完工", agency_raw="都發處"),
        PastRecord("R2", "夜市振興", "將辦理活動", "industry", co_agencies=("culture", "tourism")),
    ]
    assert index.index_records(records).added == ["R1", "R2"]
    stored = index.records(["R1", "R2"])
    assert stored["R1"] == records[0] and stored["R2"] == records[1]
    assert index.index_records(records).unchanged == ["R1", "R2"]


def test_records_without_the_new_fields_hash_as_before() -> None:
    # Hashes of records indexed before agency_raw/co_agencies existed must not change, or every
    # record would be re-embedded once.
    record = PastRecord("A", "問", "答", "finance", "林議員", "2024-01-01")
    assert record.content_hash == "f14d507c9d5aa0fa39917ef63fb9a856a35aa373d6d2d52bc26d404a5725ad91"
