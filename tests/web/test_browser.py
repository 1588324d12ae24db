"""The console in a real browser: Debian's chromium driven by Playwright against `yishi serve`.

One secretary's day: sign in, upload a recording, wait for its job (a real worker, real
Whisper), play and edit a segment, rename a speaker, add a directive with an agency and a
spoken deadline, file it as a case, download the DOCX and read it back. Then a liaison who
cannot open another agency's case, even by URL, and a forged CSRF token refused. Screenshots
of each main page go to ``test-artifacts/screenshots/`` (or ``$YISHI_TEST_ARTIFACTS``).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bots import StaffDirectory
from inquiries import CaseStore, Kind, NewCase
from tests.conftest import ROOT, SPEECH
from tests.faults.harness import Server, free_port, platforms, server_env
from yishi.config import get_settings
from yishi.db import dispose_engines, get_engine
from yishi.web.auth import hash_password

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "correct horse battery"
ARTIFACTS = Path(os.environ.get("YISHI_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "screenshots"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture()
def server() -> Iterator[Server]:
    settings = get_settings()
    staff = StaffDirectory(get_engine(settings))
    secretary = staff.invite(name="王秘書", agency="秘書處", role="secretariat").staff
    staff.set_login(secretary.id, username="wang", password_hash=hash_password(PASSWORD))
    liaison = staff.invite(name="李聯絡人", agency="交通局", role="liaison").staff
    staff.set_login(liaison.id, username="li.traffic", password_hash=hash_password(PASSWORD))
    store = CaseStore.from_settings(settings, actor="seed")
    for case_id, agency in (("115-質-0457", "都發局"), ("115-質-0458", "交通局")):
        store.add(
            NewCase(id=case_id, kind=Kind.INTERPELLATION, title=f"{agency}社宅進度",
                    lead_agency=agency, councillor="林議員", received_on=store.today())
        )  # fmt: skip
    dispose_engines()
    with platforms() as fakes:
        env = server_env(settings.data_dir, fakes, YISHI_WEB_SECURE_COOKIES="0")
        running = Server(env, free_port())
        running.start()
        try:
            yield running
        finally:
            running.stop()


@pytest.fixture()
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--autoplay-policy=no-user-gesture-required"],
        )  # fmt: skip
        yield launched
        launched.close()


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _sign_in(browser, server: Server, username: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=server.url, viewport={"width": 1366, "height": 768}, accept_downloads=True
    )
    page = context.new_page()
    page.goto("/cases")
    assert "/login" in page.url  # nothing before sign-in
    page.get_by_label("帳號").fill(username)
    page.get_by_label("密碼").fill(PASSWORD)
    page.get_by_role("button", name="登入").click()
    page.wait_for_url("**/cases")
    return context, page


def test_a_secretary_turns_a_recording_into_filed_directives(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    expect = playwright_api.expect
    context, page = _sign_in(browser, server, "wang")
    page.goto("/login")
    _shot(page, "01-login")
    page.goto("/meetings")
    _shot(page, "02-meetings")

    # Upload a recording with the meeting's details.
    page.set_input_files("#files", str(SPEECH / "directive_noisy.webm"))
    page.fill("#title", "第2301次市政會議")
    page.fill("#date", "2026-03-10")
    page.fill("#chair", "蔣萬安")
    page.get_by_role("button", name="上傳並開始轉寫").click()
    page.wait_for_url("**/meetings/*")
    meeting_url = page.url
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "ready", timeout=180_000)
    _shot(page, "03-meeting-ready")

    # Transcript: play a segment, edit it, rename a speaker.
    page.get_by_role("link", name="校對逐字稿").click()
    page.wait_for_url("**/transcript")
    first = page.locator("li.seg").first
    segment_id = first.get_attribute("id").removeprefix("seg-")  # type: ignore[union-attr]
    first.locator(".seg-time").click()
    page.wait_for_function("document.getElementById('audio').currentTime > 0.2", timeout=15_000)
    _shot(page, "04-transcript")
    edited = "請環境保護局在三天內完成垃圾清運路線的檢討。"
    page.fill(f"#text-{segment_id}", edited)
    first.get_by_role("button", name="儲存").click()
    expect(page.locator(f"#seg-{segment_id}")).to_have_class(
        re.compile(r"\bedited\b"), timeout=10_000
    )
    speakers = page.locator("#speakers input[name=name]")
    if speakers.count():
        speakers.first.fill("蔣萬安")
        page.locator("#speakers").get_by_role("button", name="改名").first.click()
        page.wait_for_load_state("networkidle")
        expect(page.locator("#speakers input[name=name]").first).to_have_value("蔣萬安")
    page.reload()
    expect(page.locator(f"#text-{segment_id}")).to_have_value(edited)

    # Minutes: add a directive for 交通局 with a spoken deadline, save, file it, download.
    page.goto(meeting_url + "/minutes")
    _shot(page, "05-minutes")
    page.click("#add-directive")
    row = page.locator("#directives-body tr.directive").last
    row.locator("textarea").fill("請交通局於兩週內提出公車路線調整方案。")
    row.locator("select").first.select_option(label="交通局")
    row.locator("input[name$='-deadline']").fill("兩週內")
    page.click("#save-minutes")
    page.wait_for_load_state("networkidle")
    saved = page.locator("#directives-body tr.directive").filter(has_text="請交通局於兩週內提出")
    expect(saved).to_have_count(1)
    expect(saved.locator("select").first).to_have_value(re.compile(".+"))
    expect(saved.locator(".due-basis")).to_contain_text("115年3月24日")  # 2026-03-10 + two weeks
    page.click("#file-directives")
    page.wait_for_load_state("networkidle")
    assert int(page.locator("#filed-created").inner_text()) >= 1
    _shot(page, "06-minutes-filed")
    with page.expect_download() as download:
        page.click("#download-docx")
    path = download.value.path()
    import docx

    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    text += "\n".join(
        c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells
    )
    assert "請交通局於兩週內提出公車路線調整方案" in text

    for name, url in (("07-cases", "/cases"), ("08-replies", "/replies"),
                      ("09-search", "/search?q=交通局"), ("10-jobs", "/jobs")):  # fmt: skip
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        _shot(page, name)

    # A forged CSRF token is refused, and nothing changes.
    status = page.evaluate(
        """async () => {
            const body = new URLSearchParams({csrf_token: 'forged'});
            const r = await fetch('/logout', {method: 'POST', body});
            return r.status;
        }"""
    )
    assert status == 403
    page.goto("/meetings")
    assert "/login" not in page.url
    context.close()


def test_a_liaison_sees_only_their_agency(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    context, page = _sign_in(browser, server, "li.traffic")
    assert "115-質-0458" in page.content() and "115-質-0457" not in page.content()
    response = page.goto("/cases/115-質-0457")
    assert response is not None and response.status == 404
    response = page.goto("/meetings")
    assert response is not None and response.status == 403
    _shot(page, "11-liaison-refused")
    response = page.goto("/cases/115-質-0458")
    assert response is not None and response.status == 200
    context.close()
