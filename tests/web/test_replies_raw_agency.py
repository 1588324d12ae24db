"""The reply drafting page shows a past case's agency as written when it is no known agency."""

from __future__ import annotations

import io

from docx import Document
from fastapi.testclient import TestClient

import rag
from bots import StaffDirectory
from rag import PastRecord
from tests.rag.conftest import RECORDS
from tests.web.conftest import make_staff, sign_in
from yishi.config import get_settings

UNKNOWN = PastRecord(
    "114-質-0009", "北投士林科技園區社會住宅何時動工？", "一、本處預計115年6月動工，118年完工。",
    None, "李議員", "2025-03-03", agency_raw="都發處",
)  # fmt: skip
INQUIRY = "請說明北投士林科技園區社會住宅何時動工？"


def test_similar_cases_citations_and_docx_show_the_written_name(
    app_client: TestClient, directory: StaffDirectory
) -> None:
    rag.open_index(get_settings()).index_records([*RECORDS, UNKNOWN])
    _, username = make_staff(directory, "王秘書")
    csrf = sign_in(app_client, username)
    response = app_client.post("/replies/draft", data={"inquiry": INQUIRY, "csrf_token": csrf})
    assert response.status_code == 200, response.text
    html = response.text
    similar = html.split('id="similar-h"', 1)[1].split("</section>", 1)[0]
    assert f"<tr><td>{UNKNOWN.id}</td><td>都發處</td>" in similar
    cited = html.split("引用來源</h3>", 1)[1].split("</ol>", 1)[0]
    assert f"案號 {UNKNOWN.id}（都發處，2025-03-03）" in cited and "未載機關" not in cited

    exported = app_client.post(
        "/replies/export",
        data={"csrf_token": csrf, "text": "一、預計115年6月動工。[1]", "source_id": [UNKNOWN.id]},
    )
    assert exported.status_code == 200
    paragraphs = [p.text for p in Document(io.BytesIO(exported.content)).paragraphs]
    assert f"[1] 案號 {UNKNOWN.id}（都發處，2025-03-03）" in paragraphs
