"""The reply drafting page on the real app: an empty index, a small real index, a fake LLM."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest
from docx import Document
from fastapi.testclient import TestClient

import rag
from bots import StaffDirectory
from tests.fakes.openai_server import FakeOpenAI, Reply, running_fake_openai
from tests.rag.conftest import RECORDS
from tests.web.conftest import make_staff, sign_in
from yishi.audit import draft_log
from yishi.config import get_settings
from yishi.db import get_engine
from yishi.web.app import create_app

INQUIRY = "信義區社會住宅興建進度落後的原因為何？何時完工？"


@pytest.fixture()
def indexed(app_client: TestClient) -> TestClient:
    """The app, with the four past records of tests/rag in this test's own reply index."""
    rag.open_index(get_settings()).index_records(RECORDS)
    return app_client


def logged() -> list[Any]:
    return draft_log(get_engine(get_settings()), kind="reply")


def secretary_in(client: TestClient, directory: StaffDirectory) -> str:
    _, username = make_staff(directory, "王秘書")
    return sign_in(client, username)


def textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea id="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name}"
    return match.group(1)


def test_anonymous_visitors_are_sent_to_sign_in(app_client: TestClient) -> None:
    response = app_client.get("/replies", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/replies"
    assert app_client.post("/replies/draft", data={"inquiry": "x"}).status_code == 401


def test_empty_index_says_how_to_build_it(
    app_client: TestClient, directory: StaffDirectory
) -> None:
    csrf = secretary_in(app_client, directory)
    page = app_client.get("/replies")
    assert page.status_code == 200
    assert "答復索引尚未建立" in page.text and "yishi replies index" in page.text
    response = app_client.post("/replies/draft", data={"inquiry": INQUIRY, "csrf_token": csrf})
    assert response.status_code == 200
    assert "答復索引尚未建立" in response.text
    assert "答復草稿" not in response.text
    assert INQUIRY in response.text  # what was pasted is kept
    assert logged() == []


def test_draft_with_similar_cases_agency_and_citations_is_logged(
    indexed: TestClient, directory: StaffDirectory
) -> None:
    csrf = secretary_in(indexed, directory)
    response = indexed.post("/replies/draft", data={"inquiry": INQUIRY, "csrf_token": csrf})
    assert response.status_code == 200, response.text
    html = response.text
    assert "答復索引尚未建立" not in html
    similar = html.split('id="similar-h"', 1)[1].split("</section>", 1)[0]
    assert similar.index("113-質-0001") < similar.index("113-質-0002")  # best first
    assert "<strong>都市發展局</strong>" in html  # the suggested answering agency
    draft = textarea(html, "text")
    assert "[1]" in draft and "113-質-0001" in draft
    assert "前案整理大綱" in html  # no model configured: the rule-based outline
    assert '<input type="hidden" name="source_id" value="113-質-0001">' in html

    entries = logged()
    assert len(entries) == 1
    entry = entries[0]
    assert entry.drafter == "outline" and entry.actor == "王秘書（網頁）"
    assert {"id": "113-質-0001", "number": 1} in entry.sources


def test_liaison_sees_and_cites_only_own_agency(
    indexed: TestClient, directory: StaffDirectory
) -> None:
    _, username = make_staff(directory, "環保局聯絡人", role="liaison", agency="環保局")
    csrf = sign_in(indexed, username)
    response = indexed.post("/replies/draft", data={"inquiry": INQUIRY, "csrf_token": csrf})
    assert response.status_code == 200
    for other in ("113-質-0001", "113-質-0003", "112-索-0004"):
        assert other not in response.text
    assert "信義區社會住宅，因工程招標流標" not in response.text
    entry = logged()[0]
    assert all(source["id"] == "113-質-0002" for source in entry.sources)


def test_posts_without_a_valid_csrf_token_are_refused(
    indexed: TestClient, directory: StaffDirectory
) -> None:
    csrf = secretary_in(indexed, directory)
    for data in ({"inquiry": INQUIRY}, {"inquiry": INQUIRY, "csrf_token": "forged"}):
        assert indexed.post("/replies/draft", data=data).status_code == 403
        assert indexed.post("/replies/export", data=data | {"text": "x"}).status_code == 403
    assert logged() == []
    assert indexed.post("/replies/draft", data={"csrf_token": csrf}).status_code == 400


def test_export_gives_the_edited_text_with_citations_as_docx(
    indexed: TestClient, directory: StaffDirectory
) -> None:
    csrf = secretary_in(indexed, directory)
    edited = "一、本局已重新決標，預計114年底完工。[1]\n二、將按月追蹤進度。"
    response = indexed.post(
        "/replies/export",
        data={
            "csrf_token": csrf, "text": edited, "inquiry": INQUIRY, "agency_name": "都市發展局",
            "made_by": "前案大綱", "source_id": ["113-質-0001"],
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "書面答復草稿" in unquote(disposition.split("filename*=UTF-8''", 1)[1])
    paragraphs = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert "一、本局已重新決標，預計114年底完工。[1]" in paragraphs
    assert "二、將按月追蹤進度。" in paragraphs
    assert "[1] 案號 113-質-0001（都市發展局，2024-04-01）" in paragraphs
    assert f"質詢內容：{INQUIRY}" in paragraphs
    assert (
        indexed.post("/replies/export", data={"csrf_token": csrf, "text": "  "}).status_code == 400
    )


@pytest.fixture()
def llm_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, FakeOpenAI]]:
    """The app with a language model configured: a local OpenAI-compatible fake."""

    def model(body: dict[str, Any]) -> Reply:
        prompt = body["messages"][0]["content"]
        numbers = dict(re.findall(r"^\[(\d+)\] 案號 ([^（\s]+)", prompt, re.MULTILINE))
        housing = next(int(n) for n, case_id in numbers.items() if case_id == "113-質-0001")
        sentences = [
            {"text": "一、信義區社會住宅因工程招標流標二次，業於113年3月重新決標，預計114年底完工。",
             "citations": [housing]},
        ]  # fmt: skip
        return Reply(json.dumps({"sentences": sentences, "unanswered": []}, ensure_ascii=False))

    with running_fake_openai(FakeOpenAI(responder=model)) as fake:
        monkeypatch.setenv("YISHI_WEB_SECURE_COOKIES", "0")
        monkeypatch.setenv("YISHI_JOB_WORKERS", "0")
        monkeypatch.setenv("YISHI_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("YISHI_LLM_MODEL", "taide-test")
        monkeypatch.setenv("YISHI_LLM_API_KEY", fake.api_key)
        monkeypatch.setenv("YISHI_LLM_MAX_RETRIES", "0")
        get_settings.cache_clear()
        with TestClient(create_app(get_settings())) as client:
            rag.open_index(get_settings()).index_records(RECORDS)
            yield client, fake


def test_configured_language_model_writes_the_draft_and_is_logged(
    llm_client: tuple[TestClient, FakeOpenAI],
) -> None:
    client, fake = llm_client
    directory = StaffDirectory(get_engine(get_settings()))
    csrf = secretary_in(client, directory)
    response = client.post("/replies/draft", data={"inquiry": INQUIRY, "csrf_token": csrf})
    assert response.status_code == 200, response.text
    assert len(fake.requests) == 1
    assert "語言模型 taide-test（提示 reply-draft/1）" in response.text
    assert "預計114年底完工。[1]" in textarea(response.text, "text")
    entry = logged()[0]
    assert entry.drafter == "llm" and entry.model == "taide-test"
    assert entry.prompt_version == "reply-draft/1"
    assert entry.sources == [{"id": "113-質-0001", "number": 1}]
