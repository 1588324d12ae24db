from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from inquiries import (
    CaseQuery,
    CaseStore,
    Status,
    export_cases,
    export_overdue_report,
    import_cases,
    parse_date,
)
from tests.inquiries.test_store import interpellation, seed
from yishi.db import make_engine, migrate

HEADER = ["案號", "類別", "標題", "議員", "主辦機關", "協辦機關", "速別", "收文日期", "狀態"]
GOOD = [
    ["115-質-0101", "質詢", "信義區公共托嬰中心不足", "李議員", "社會局", "教育局、都發局", "普通件", "115/03/02", "收文"],
    ["115-索-0102", "索資", "請提供捷運環狀線北環段工程進度", "張議員", "捷運局", "", "速件", "2026-03-03", "分辦"],
    ["115-陳-0103", "陳情", "松山區道路坑洞", "", "工務局", "松山區公所", "", "2026/3/4", ""],
]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


def test_import_csv(store: CaseStore, tmp_path: Path) -> None:
    report = import_cases(store, write_csv(tmp_path / "cases.csv", GOOD))
    assert report.ok and report.imported == 3
    first = store.get("115-質-0101")
    assert first.received_on == date(2026, 3, 2)
    assert first.co_agencies == ("education", "urban-development")
    assert store.get("115-索-0102").status == Status.ASSIGNED
    assert store.get("115-陳-0103").due_on == date(2026, 3, 12)
    assert "匯入 cases.csv" in (store.history("115-陳-0103")[0].reason or "")


def test_a_bad_file_imports_nothing_and_reports_every_row(store: CaseStore, tmp_path: Path) -> None:
    store.add(interpellation(id="115-質-0200"))
    rows = [
        *GOOD,
        ["115-質-0104", "質詢", "標題", "王議員", "宇宙局", "", "普通件", "2026-03-05", ""],
        ["115-質-0105", "質詢", "標題", "王議員", "交通局", "", "普通件", "2026-02-30", ""],
        ["115-質-0101", "質詢", "重複", "王議員", "交通局", "", "普通件", "2026-03-05", ""],
        ["115-質-0200", "質詢", "已存在", "王議員", "交通局", "", "普通件", "2026-03-05", ""],
        ["115-質-0106", "質詢", "標題", "", "交通局", "", "特急件", "2026-03-05", "待辦"],
    ]  # fmt: skip
    report = import_cases(store, write_csv(tmp_path / "bad.csv", rows))
    assert not report.ok and report.imported == 0
    found = {(p.row, p.column) for p in report.problems}
    assert {
        (5, "主辦機關"),
        (6, "收文日期"),
        (7, "案號"),
        (8, "案號"),
        (9, "速別"),
        (9, "狀態"),
    } <= found
    assert any("與第 2 列重複" in p.message for p in report.problems)
    assert store.find().total == 1  # only the case that was there before


def test_missing_columns(store: CaseStore, tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("案號,標題,顏色\n115-質-0001,標題,紅\n", "utf-8")
    report = import_cases(store, path)
    messages = [p.message for p in report.problems]
    assert "不認得的欄位「顏色」" in messages
    assert any("缺少必要欄位：類別、主辦機關、收文日期" in m for m in messages)


def test_big5_csv_from_an_old_desktop(store: CaseStore, tmp_path: Path) -> None:
    report = import_cases(store, write_csv(tmp_path / "big5.csv", GOOD[:1], encoding="cp950"))
    assert report.ok and store.get("115-質-0101").title == "信義區公共托嬰中心不足"


def test_xlsx_round_trip(store: CaseStore, tmp_path: Path) -> None:
    seed(store)
    out = tmp_path / "all.xlsx"
    assert export_cases(store.find(CaseQuery(limit=None)).cases, out, store.agencies) == 5
    book = load_workbook(out)
    assert book.active is not None and book.active["A1"].value == "案號"
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    migrate(other)
    fresh = CaseStore(other, actor="匯入者", today=store.today)
    report = import_cases(fresh, out)
    assert report.ok, report.problems
    for case in store.find(CaseQuery(limit=None)).cases:
        copy = fresh.get(case.id)
        assert (copy.lead_agency, copy.due_on, copy.status, copy.co_agencies) == (
            case.lead_agency, case.due_on, case.status, case.co_agencies,
        )  # fmt: skip


def test_xlsx_with_date_cells(store: CaseStore, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(
        ["115-質-0300", "質詢", "標題", "周議員", "文化局", None, "普通件", date(2026, 3, 3), None]
    )
    book.save(tmp_path / "dates.xlsx")
    assert import_cases(store, tmp_path / "dates.xlsx").ok
    assert store.get("115-質-0300").received_on == date(2026, 3, 3)


def test_overdue_report(store: CaseStore, tmp_path: Path) -> None:
    seed(store)
    out = tmp_path / "report.xlsx"
    late = store.find(CaseQuery(overdue=True, limit=None)).cases
    export_overdue_report(store, out, store.agency_summary(), late)
    book = load_workbook(out)
    summary = list(book["執行情形一覽表"].iter_rows(values_only=True))
    assert summary[0][:4] == ("機關", "列管案件", "辦理中", "逾期")
    assert summary[1][:4] == ("都市發展局", 3, 2, 1)
    detail = list(book["逾期案件明細"].iter_rows(values_only=True))
    assert [row[1] for row in detail[1:]] == ["115-質-0001"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-02-12", date(2026, 2, 12)), ("115/2/12", date(2026, 2, 12)), ("115年2月12日", date(2026, 2, 12)),
     ("1150212", date(2026, 2, 12)), ("20260212", date(2026, 2, 12)), ("2026.2.12", date(2026, 2, 12))],
)  # fmt: skip
def test_dates_staff_write(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_impossible_date() -> None:
    with pytest.raises(ValueError, match="無法辨識"):
        parse_date("115/02/30")
