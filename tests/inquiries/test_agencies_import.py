"""`cases import` with the agency names real files use: compound leads, paths, misspellings."""

from __future__ import annotations

from pathlib import Path

from inquiries import CaseStore, import_cases
from tests.inquiries.test_transfer import GOOD, write_csv


def test_an_unknown_agency_is_reported_with_suggestions_and_nothing_is_imported(
    store: CaseStore, tmp_path: Path
) -> None:
    rows = [
        *GOOD,
        ["115-質-0104", "質詢", "社宅進度", "王議員", "都發處", "", "普通件", "2026-03-05", ""],
        ["115-質-0105", "質詢", "路燈", "王議員", "工務局", "公園局", "普通件", "2026-03-05", ""],
    ]  # fmt: skip
    report = import_cases(store, write_csv(tmp_path / "bad.csv", rows))
    assert not report.ok and report.imported == 0
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (5, "主辦機關", "未知的機關：都發處（是否為：都發局、都市發展局？）"),
        (6, "協辦機關", "未知的協辦機關：公園局（是否為：公園處、公園路燈工程管理處？）"),
    ]
    assert store.find().total == 0


def test_a_lead_cell_naming_several_agencies_gives_lead_and_co_agencies(
    store: CaseStore, tmp_path: Path
) -> None:
    rows = [
        ["115-質-0301", "質詢", "夜市振興", "李議員", "產業局、文化局", "", "", "2026-03-05", ""],
        ["115-質-0302", "質詢", "老舊公寓", "李議員", "由都發局會同住都中心", "工務局", "", "2026-03-05", ""],
        ["115-質-0303", "質詢", "公園燈具", "李議員", "工務局公園處", "交通局交工處", "", "2026-03-05", ""],
        ["115-陳-0304", "陳情", "號誌", "", "交通局", "警察局及交工處", "", "2026-03-05", ""],
    ]  # fmt: skip
    report = import_cases(store, write_csv(tmp_path / "compound.csv", rows))
    assert report.ok, report.problems
    cases = {c.id: (c.lead_agency, c.co_agencies) for c in store.find().cases}
    assert cases == {
        "115-質-0301": ("industry", ("culture",)),
        "115-質-0302": ("urban-development", ("housing-renewal-center", "public-works")),
        "115-質-0303": ("parks", ("traffic-engineering",)),
        "115-陳-0304": ("transport", ("police", "traffic-engineering")),
    }
