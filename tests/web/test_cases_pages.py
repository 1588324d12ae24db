"""The cases pages on the real app and a real SQLite file: dashboard, list, case, import, export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from bots import StaffDirectory
from inquiries import CaseQuery, CaseStore, Kind, NewCase, Status
from tests.web.conftest import make_staff, sign_in
from yishi.config import get_settings


@pytest.fixture()
def store(app_client: TestClient) -> CaseStore:
    """Cases of three agencies; 115-質-0457 is 都發局's with 財政局 helping, and overdue."""
    store = CaseStore.from_settings(get_settings(), actor="seed")
    today = store.today()
    rows = [
        ("115-質-0457", Kind.INTERPELLATION, "社會住宅興建進度落後", "都發局", "林議員", 40, ("財政局",)),
        ("115-質-0458", Kind.INTERPELLATION, "社宅包租代管", "都發局", "林議員", 1, ()),
        ("115-索-0101", Kind.DATA_REQUEST, "公車脫班統計", "交通局", "陳議員", 30, ()),
        ("115-陳-0201", Kind.PETITION, "路燈不亮", "公園處", None, 0, ()),
    ]  # fmt: skip
    for case_id, kind, title, agency, councillor, age, co in rows:
        store.add(
            NewCase(
                id=case_id, kind=kind, title=title, lead_agency=agency, councillor=councillor,
                received_on=today - timedelta(days=age), co_agencies=co,
                question=f"{title}，請說明。",
            )
        )  # fmt: skip
    return store


def liaison(client: TestClient, directory: StaffDirectory, agency: str) -> str:
    _, username = make_staff(directory, f"{agency}聯絡人", role="liaison", agency=agency)
    return sign_in(client, username)


def secretary_in(client: TestClient, directory: StaffDirectory) -> str:
    _, username = make_staff(directory, "王秘書")
    return sign_in(client, username)


def test_anonymous_visitors_are_sent_to_sign_in(app_client: TestClient, store: CaseStore) -> None:
    for path in ("/cases", "/cases/115-質-0457", "/cases/export?format=csv"):
        response = app_client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=")
    response = app_client.post("/cases/import", files={"file": ("a.csv", b"x")})
    assert response.status_code == 401


def test_secretariat_sees_every_agency_counts_and_chart(
    app_client: TestClient, directory: StaffDirectory, store: CaseStore
) -> None:
    secretary_in(app_client, directory)
    page = app_client.get("/cases")
    assert page.status_code == 200
    for case_id in ("115-質-0457", "115-質-0458", "115-索-0101", "115-陳-0201"):
        assert case_id in page.text
    assert "<svg" in page.text and "都市發展局" in page.text
    # The text alternative: 都發局 has one overdue case (received 40 days ago) of two open.
    soon = store.find(CaseQuery(agency="都發局", due_within=3, limit=None)).total
    row = page.text.split(">都市發展局</a></th>", 1)[1].split("</tr>", 1)[0]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[1:]] == ["1", str(soon), "2"]
    assert "共 4 件" in page.text

    filtered = app_client.get("/cases", params={"agency": "transport", "kind": "索資"})
    assert "115-索-0101" in filtered.text and "115-質-0457" not in filtered.text
    overdue = app_client.get("/cases", params={"overdue": "1"})
    assert "115-質-0457" in overdue.text and "115-陳-0201" not in overdue.text
    text = app_client.get("/cases", params={"q": "路燈"})
    assert "115-陳-0201" in text.text and "115-索-0101" not in text.text
    bad = app_client.get("/cases", params={"due_before": "not a date"})
    assert bad.status_code == 400 and "無法辨識" in bad.text


def test_pagination_links_keep_the_filters(
    app_client: TestClient, directory: StaffDirectory, store: CaseStore
) -> None:
    today = store.today()
    for n in range(55):
        store.add(
            NewCase(
                id=f"115-裁-{n + 1:04d}", kind=Kind.DIRECTIVE, title=f"列管事項{n + 1}",
                lead_agency="都發局", received_on=today - timedelta(days=2),
            )
        )  # fmt: skip
    secretary_in(app_client, directory)
    first = app_client.get("/cases", params={"kind": "裁示"})
    assert "第 1 / 2 頁" in first.text and "page=2" in first.text and "kind=" in first.text
    second = app_client.get("/cases", params={"kind": "裁示", "page": "2"})
    assert second.text.count('href="/cases/115-') == 5


def test_liaison_sees_only_own_agency_including_co_agency_cases(
    app_client: TestClient, directory: StaffDirectory, store: CaseStore
) -> None:
    liaison(app_client, directory, "財政局")
    page = app_client.get("/cases")
    assert page.status_code == 200
    assert "115-質-0457" in page.text  # 財政局 helps with it
    for other in ("115-質-0458", "115-索-0101", "115-陳-0201"):
        assert other not in page.text
    # Asking for another agency changes nothing: the filter is forced.
    forced = app_client.get("/cases", params={"agency": "transport"})
    assert "115-索-0101" not in forced.text and "115-質-0457" in forced.text
    # The counts are the liaison's own (one overdue case, co-agency included).
    assert "財政局（主辦及協辦）" in page.text
    assert "都市發展局</a>" not in page.text


def test_liaison_opening_another_agencys_case_gets_404(
    app_client: TestClient, directory: StaffDirectory, store: CaseStore
) -> None:
    liaison(app_client, directory, "交通局")
    own = app_client.get("/cases/115-索-0101")
    assert own.status_code == 200 and "公車脫班統計" in own.text
    other = app_client.get("/cases/115-質-0457")
    assert other.status_code == 404
    assert "社會住宅" not in other.text
    missing = app_client.get("/cases/115-質-9999")
    assert missing.status_code == 404
    # The same answer for an existing and a missing case: nothing is revealed.
    assert other.text.replace("115-質-0457", "X") == missing.text.replace("115-質-9999", "X")


def test_case_page_shows_deadline_explanation_and_history(
    app_client: TestClient, directory: StaffDirectory, store: CaseStore
) -> None:
    secretary_in(app_client, directory)
    page = app_client.get("/cases/115-質-0457")
    assert page.status_code == 200
    case = store.get("115-質-0457")
    explanation = store.deadline(case.kind, case.priority, case.received_on).explain()
    assert explanation in page.text
    assert "逾期" in page.text
    assert "建立：質詢｜社會住宅興建進度落後｜主辦 都市發展局" in page.text
    assert "財政局" in page.text


def test_status_update_needs_a_valid_csrf_token(
    app_client: TestClient, directory: StaffDirectory, store: CaseStore
) -> None:
    csrf = secretary_in(app_client, directory)
    before = len(store.history("115-質-0458"))
    for token in (None, "forged-token"):
        data = {"status": "辦理中"} | ({"csrf_token": token} if token else {})
        response = app_client.post("/cases/115-質-0458/status", data=data)
        assert response.status_code == 403
        assert "CSRF" in response.text
    assert store.get("115-質-0458").status == Status.RECEIVED
    assert len(store.history("115-質-0458")) == before

    response = app_client.post(
        "/cases/115-質-0458/status", data={"status": "辦理中", "csrf_token": csrf},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    assert store.get("115-質-0458").status == Status.IN_PROGRESS
    page = app_client.get(response.headers["location"])
    assert "狀態：收文 → 辦理中" in page.text and "王秘書（網頁）" in page.text

    # The domain's rules hold: 已答復 needs a reply text.
    refused = app_client.post(
        "/cases/115-質-0458/status", data={"status": "已答復", "csrf_token": csrf}
    )
    assert refused.status_code == 400 and "須附答復內容" in refused.text
    replied = app_client.post(
        "/cases/115-質-0458/status",
        data={"status": "已答復", "reply_text": "已於115年完成。", "csrf_token": csrf},
    )
    assert replied.status_code == 200
    assert store.get("115-質-0458").reply_text == "已於115年完成。"


def test_co_agency_liaison_may_read_but_not_change(
    app_client: TestClient, directory: StaffDirectory, store: CaseStore
) -> None:
    csrf = liaison(app_client, directory, "財政局")
    page = app_client.get("/cases/115-質-0457")
    assert page.status_code == 200 and "僅能檢視" in page.text
    response = app_client.post(
        "/cases/115-質-0457/status", data={"status": "辦理中", "csrf_token": csrf}
    )
    assert response.status_code == 403
    assert store.get("115-質-0457").status == Status.RECEIVED
    # Another agency's case: 404 on a change too.
    response = app_client.post(
        "/cases/115-索-0101/status", data={"status": "辦理中", "csrf_token": csrf}
    )
    assert response.status_code == 404
    assert store.get("115-索-0101").status == Status.RECEIVED


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


HEADER = ["案號", "類別", "標題", "議員", "主辦機關", "收文日期"]


def test_import_with_a_malformed_row_imports_nothing_and_shows_the_report(
    app_client: TestClient, directory: StaffDirectory, store: CaseStore
) -> None:
    csrf = secretary_in(app_client, directory)
    data = _csv(
        [
            HEADER,
            ["115-質-0600", "質詢", "好的一列", "林議員", "都發局", "2026-11-02"],
            ["115-質-0601", "質詢", "壞的一列", "林議員", "不存在局", "2026-11-02"],
            ["115-質-0602", "什麼", "又一列", "林議員", "交通局", "2026/13/40"],
        ]
    )
    response = app_client.post(
        "/cases/import", data={"csrf_token": csrf}, files={"file": ("新案件.csv", data, "text/csv")}
    )
    assert response.status_code == 400
    assert "未匯入任何資料" in response.text
    assert "第 3 列" in response.text and "未知的機關：不存在局" in response.text
    assert "第 4 列" in response.text and "案件類別「什麼」不明" in response.text
    assert "新案件.csv" in response.text
    assert store.existing_ids(["115-質-0600", "115-質-0601", "115-質-0602"]) == set()

    good = _csv([HEADER, ["115-質-0600", "質詢", "好的一列", "林議員", "都發局", "2026-11-02"]])
    response = app_client.post(
        "/cases/import", data={"csrf_token": csrf}, files={"file": ("ok.csv", good, "text/csv")}
    )
    assert response.status_code == 200 and "已匯入 1 件" in response.text
    assert store.get("115-質-0600").title == "好的一列"


def test_import_is_secretariat_only_and_checks_csrf(
    app_client: TestClient, directory: StaffDirectory, store: CaseStore
) -> None:
    good = _csv([HEADER, ["115-質-0700", "質詢", "匯入", "林議員", "都發局", "2026-11-02"]])
    csrf = secretary_in(app_client, directory)
    forged = app_client.post(
        "/cases/import", data={"csrf_token": csrf + "x"}, files={"file": ("a.csv", good)}
    )
    assert forged.status_code == 403
    assert store.existing_ids(["115-質-0700"]) == set()

    app_client.cookies.clear()
    csrf = liaison(app_client, directory, "都發局")
    response = app_client.post(
        "/cases/import", data={"csrf_token": csrf}, files={"file": ("a.csv", good)}
    )
    assert response.status_code == 403
    assert store.existing_ids(["115-質-0700"]) == set()
    assert "匯入案件" not in app_client.get("/cases").text


def test_export_csv_follows_the_filters(
    app_client: TestClient, directory: StaffDirectory, store: CaseStore
) -> None:
    secretary_in(app_client, directory)
    response = app_client.get("/cases/export", params={"format": "csv", "agency": "都發局"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(r["案號"] for r in rows) == ["115-質-0457", "115-質-0458"]
    first = next(r for r in rows if r["案號"] == "115-質-0457")
    assert first["主辦機關"] == "都市發展局" and first["協辦機關"] == "財政局"
    assert first["期限"] == store.get("115-質-0457").due_on.isoformat()
    assert app_client.get("/cases/export", params={"format": "pdf"}).status_code == 400


def test_export_xlsx_for_a_liaison_holds_only_their_cases(
    app_client: TestClient, directory: StaffDirectory, store: CaseStore
) -> None:
    liaison(app_client, directory, "財政局")
    response = app_client.get("/cases/export", params={"format": "xlsx", "agency": "交通局"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert rows[0][0] == "案號"
    assert [r[0] for r in rows[1:]] == ["115-質-0457"]
    # The whole store holds four: the export is the liaison's share only.
    assert store.find(CaseQuery(limit=None)).total == 4
