"""The transcript editor, the minutes form, filing directives and downloads, on a real database.

The meeting is stored as an upload would be (a real recording through ``store_recording``);
its transcript is written by hand and its minutes come from the rule-based drafter, so no
speech model runs.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from inquiries import CaseQuery, CaseStore
from tests.conftest import FIXED_TODAY, SPEECH
from transcription.meetings import MeetingStore, store_recording
from transcription.minutes.filing import meeting_key
from transcription.minutes.schema import DiscussionItem, MeetingHeader, Minutes, Span
from transcription.minutes.service import draft_minutes
from transcription.schema import ModelInfo, Segment, SourceInfo, SpeakerInfo, Stats, Transcript
from yishi.config import get_settings
from yishi.db import get_engine

Secretary = Callable[[], tuple[TestClient, str, int]]

SAID = [
    ("S1", "各位同仁早安，我們開始開會。", []),
    ("S2", "報告主席，交通局報告本市公車路線調整情形。", []),
    ("S1", "主席裁示：請交通局於兩週內提出改善方案。", []),
    ("S2", "好的，遵照辦理。", ["low_confidence"]),
    ("S1", "散會。", []),
]
DIRECTIVE = "請交通局於兩週內提出改善方案"


def _transcript() -> Transcript:
    segments = [
        Segment(
            id=n,
            start=(n - 1) * 3.0,
            end=(n - 1) * 3.0 + 2.5,
            text=text,
            avg_logprob=-0.2,
            no_speech_prob=0.01,
            compression_ratio=1.2,
            flags=list(flags),
            speaker=speaker,
        )
        for n, (speaker, text, flags) in enumerate(SAID, 1)
    ]
    return Transcript(
        created_at=datetime(2026, 11, 18, tzinfo=UTC),
        yishi_version="test",
        source=SourceInfo(
            file="briefing.mp3", sha256="0" * 64, size_bytes=1, duration=15.0, codec="mp3"
        ),
        model=ModelInfo(
            id="by-hand", origin="tests", device="cpu", compute_type="int8", cpu_threads=1
        ),
        settings={},
        language="zh",
        segments=segments,
        stats=Stats(
            processing_seconds=0, real_time_factor=0, speech_seconds=15, flagged_segments=1
        ),
        speakers=[
            SpeakerInfo(id="S1", name="發言者 1", seconds=7.5, turns=3, embedding=[0.25, 0.5]),
            SpeakerInfo(id="S2", name="發言者 2", seconds=5.0, turns=2, embedding=[0.75, 0.5]),
        ],
    )


def _new_meeting(tmp_path: Path, title: str = "交通改善專案會議") -> int:
    settings = get_settings()
    upload = tmp_path / "upload.mp3"
    shutil.copyfile(SPEECH / "briefing.mp3", upload)
    recording = store_recording(
        upload, data_dir=settings.data_dir, max_bytes=settings.upload_max_bytes
    )
    meeting = MeetingStore(get_engine(settings)).create(
        title=title, meeting_type="專案會議", day=FIXED_TODAY, start_time="09:30",
        chair="李副市長", location="市政大樓", audio_path=recording.relative_path,
        audio_name="briefing.mp3", audio_sha256=recording.sha256,
        audio_bytes=recording.size_bytes, audio_seconds=recording.seconds, created_by=None,
    )  # fmt: skip
    return meeting.id


@pytest.fixture()
def meeting(tmp_path: Path, app_client: TestClient) -> int:
    """A ready meeting: recording, hand-made transcript, rule-drafted minutes (one directive)."""
    settings = get_settings()
    store = MeetingStore(get_engine(settings))
    meeting_id = _new_meeting(tmp_path)
    transcript = _transcript()
    store.save_recognised(meeting_id, transcript)
    header = MeetingHeader(
        title="交通改善專案會議", meeting_type="專案會議", date=FIXED_TODAY,
        start_time="09:30", chair="李副市長", location="市政大樓",
    )  # fmt: skip
    minutes = draft_minutes(
        transcript, header, calendar=CaseStore.from_settings(settings).calendar()
    )
    assert [d.text for d in minutes.directives] == [DIRECTIVE]
    minutes.discussions.append(
        DiscussionItem(subject="本市公車路線調整案", span=Span(start=3, end=5.5, segment_ids=[2]))
    )
    store.save_minutes(meeting_id, minutes, origin="ai", author="規則式草擬", summary="草擬完成")
    store.set_status(meeting_id, "ready")
    return meeting_id


def _store() -> MeetingStore:
    return MeetingStore(get_engine(get_settings()))


def _stored_minutes(meeting_id: int) -> Minutes:
    minutes = _store().minutes(meeting_id)
    assert minutes is not None
    return minutes


class _Fields(HTMLParser):
    """What a browser would submit for one form: inputs, checked boxes, selects, textareas."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.in_template = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if tag == "template":
            self.in_template = True
        if not self.inside or self.in_template:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.in_template = False
        elif tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            chosen = [v for v, s in self._options if s] or [self._options[0][0]]
            self.fields.append((self._select, chosen[0]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data


def form_of(html: str, form_id: str) -> dict[str, str]:
    parser = _Fields(form_id)
    parser.feed(html)
    assert parser.fields, f"no form #{form_id} on the page"
    return dict(parser.fields)


def _inline_script_free(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline <script> breaks the CSP"
    assert not re.search(r"\son[a-z]+=", html), "on* attributes break the CSP"


# Transcript -------------------------------------------------------------------------------


def test_editor_page_shows_segments_speakers_and_flags(secretary: Secretary, meeting: int) -> None:
    client, _, _ = secretary()
    page = client.get(f"/meetings/{meeting}/transcript")
    assert page.status_code == 200
    html = page.text
    _inline_script_free(html)
    for n in range(1, 6):
        assert f'id="seg-{n}"' in html
    assert 'data-start="6.000" data-end="8.500"' in html
    assert 'data-seek="6.000"' in html
    assert f'src="/meetings/{meeting}/audio"' in html and "<audio" in html and "controls" in html
    assert "/static/js/editor.js" in html and "wavesurfer-7.12.12.min.js" in html
    assert html.count('<span class="seg-speaker">發言者 1</span>') == 3
    assert html.count('<span class="seg-speaker">發言者 2</span>') == 2
    # Only the flagged segment is 待查, with its flag's name and a check button.
    row4 = re.search(r'<li id="seg-4".*?</li>', html, re.S)
    row3 = re.search(r'<li id="seg-3".*?</li>', html, re.S)
    assert row4 and row3
    assert "待查：辨識信心低" in row4.group(0) and "已確認" in row4.group(0)
    assert "待查" not in row3.group(0) and "/check" not in row3.group(0)
    assert 'id="speaker-name-S1"' in html and "Alt</kbd>+<kbd>P" in html
    for speed in ("1×", "1.25×", "1.5×", "2×"):
        assert speed in html


def test_meeting_without_transcript_says_so(
    secretary: Secretary, tmp_path: Path, app_client: TestClient
) -> None:
    client, _, _ = secretary()
    meeting_id = _new_meeting(tmp_path, "尚未轉寫的會議")
    page = client.get(f"/meetings/{meeting_id}/transcript")
    assert page.status_code == 200
    assert "還沒有逐字稿" in page.text and f'href="/meetings/{meeting_id}"' in page.text
    page = client.get(f"/meetings/{meeting_id}/minutes")
    assert page.status_code == 200 and "還沒有會議紀錄" in page.text
    assert client.get(f"/meetings/{meeting_id}/download/srt").status_code == 404
    assert client.get(f"/meetings/{meeting_id}/download/docx").status_code == 404
    assert client.get("/meetings/999999/transcript").status_code == 404


def test_edit_segment_keeps_the_ai_text_and_history(secretary: Secretary, meeting: int) -> None:
    client, csrf, _ = secretary()
    new = "主席裁示：請交通局於兩週內提出公車改善方案。"
    answer = client.post(
        f"/meetings/{meeting}/segments/3", data={"text": new},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.text.strip().startswith('<li id="seg-3"')
    assert new in answer.text and "已修改" in answer.text and "顯示 AI 原文" in answer.text
    assert "yishiStatus" in answer.headers["hx-trigger"]
    store = _store()
    transcript = store.transcript(meeting)
    assert transcript is not None
    assert transcript.segments[2].text == new and "edited" in transcript.segments[2].flags
    assert store.recognised_text(meeting, 3) == SAID[2][1]
    assert "修改第 3 段" in [r.summary for r in store.revisions(meeting)]
    assert "修改第 3 段" in client.get(f"/meetings/{meeting}").text
    original = client.get(f"/meetings/{meeting}/segments/3/original")
    assert SAID[2][1] in original.text
    # Without HTMX (a plain form post) the browser is sent back to the segment.
    plain = client.post(
        f"/meetings/{meeting}/segments/1", data={"text": "各位早安。", "csrf_token": csrf},
        follow_redirects=False,
    )  # fmt: skip
    assert plain.status_code == 303 and plain.headers["location"].endswith("#seg-1")
    assert (
        client.post(
            f"/meetings/{meeting}/segments/99", data={"text": "x", "csrf_token": csrf}
        ).status_code
        == 404
    )


def test_check_clears_the_flag(secretary: Secretary, meeting: int) -> None:
    client, csrf, _ = secretary()
    answer = client.post(
        f"/meetings/{meeting}/segments/4/check", data={"csrf_token": csrf},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert answer.status_code == 200
    assert "待查" not in answer.text and "已確認" in answer.text and "flagged" not in answer.text
    transcript = _store().transcript(meeting)
    assert transcript is not None and transcript.segments[3].flags == ["checked"]


def test_rename_speaker_everywhere(secretary: Secretary, meeting: int) -> None:
    client, csrf, _ = secretary()
    answer = client.post(
        f"/meetings/{meeting}/speakers/S1", data={"name": "李副市長", "csrf_token": csrf},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303
    html = client.get(answer.headers["location"]).text
    assert "發言者已改名為「李副市長」（3 段）" in html
    assert html.count('<span class="seg-speaker">李副市長</span>') == 3
    assert '<span class="seg-speaker">發言者 1</span>' not in html
    txt = client.get(f"/meetings/{meeting}/download/txt").text
    assert "李副市長：" in txt and "發言者 1" not in txt and "發言者 2：" in txt
    assert "[00:00:06] 主席裁示：請交通局於兩週內提出改善方案。" in txt
    assert (
        client.post(
            f"/meetings/{meeting}/speakers/S1", data={"name": "  ", "csrf_token": csrf}
        ).status_code
        == 400
    )


def test_forged_csrf_changes_nothing(secretary: Secretary, meeting: int) -> None:
    client, _, _ = secretary()
    before_transcript = _store().transcript(meeting)
    before_minutes = _stored_minutes(meeting)
    forged = {"csrf_token": "forged"}
    attempts = [
        (f"/meetings/{meeting}/segments/3", {"text": "被竄改", **forged}),
        (f"/meetings/{meeting}/segments/4/check", forged),
        (f"/meetings/{meeting}/speakers/S1", {"name": "冒名", **forged}),
        (f"/meetings/{meeting}/minutes", {"title": "被竄改", "d-0-text": "x", **forged}),
        (f"/meetings/{meeting}/minutes/file", forged),
        (f"/meetings/{meeting}/segments/3", {"text": "沒有權杖"}),
    ]
    for url, data in attempts:
        assert client.post(url, data=data).status_code == 403, url
    assert (
        client.post(
            f"/meetings/{meeting}/segments/3", data={"text": "x"},
            headers={"HX-Request": "true", "X-CSRF-Token": "forged"},
        ).status_code == 403
    )  # fmt: skip
    assert _store().transcript(meeting) == before_transcript
    assert _stored_minutes(meeting) == before_minutes
    assert CaseStore.from_settings(get_settings()).find(CaseQuery(limit=None)).cases == []


def test_liaison_cannot_open_the_editor(
    app_client: TestClient, directory: object, meeting: int
) -> None:
    from tests.web.conftest import make_staff, sign_in

    _, username = make_staff(directory, "交通局聯絡人", role="liaison", agency="交通局")  # type: ignore[arg-type]
    sign_in(app_client, username)
    assert app_client.get(f"/meetings/{meeting}/transcript").status_code == 403
    assert app_client.get(f"/meetings/{meeting}/download/txt").status_code == 403


# Minutes ----------------------------------------------------------------------------------


def test_minutes_form_saves_agency_and_resolves_deadline(
    secretary: Secretary, meeting: int
) -> None:
    client, _, _ = secretary()
    page = client.get(f"/meetings/{meeting}/minutes")
    assert page.status_code == 200
    _inline_script_free(page.text)
    assert "/static/js/minutes.js" in page.text
    assert '<option value="transport" selected>交通局</option>' in page.text
    assert "115年12月2日：期間屆滿日" in page.text  # 兩週內 from 2026-11-18
    fields = form_of(page.text, "minutes-form")
    assert fields["d-0-text"] == DIRECTIVE and fields["d-0-due"] == "2026-12-02"
    assert fields["d-1-text"] == ""  # the blank row for a new directive
    edited = "請工務局會同財政局於一個月內提出公車站體改善方案"
    fields.update({
        "d-0-text": edited, "d-0-lead": "public-works", "d-0-co": "財政局、交通局",
        "d-0-deadline": "一個月內",  # the date field still holds the old date, as in a browser
        "d-1-text": "請工務局於12月15日前完成人行道修繕", "d-1-lead": "public-works",
        "d-1-deadline": "12月15日前",
        "disc-0-decision": "照案通過", "recorder": "王秘書",
    })  # fmt: skip
    answer = client.post(f"/meetings/{meeting}/minutes", data=fields, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    minutes = _stored_minutes(meeting)
    first, second = minutes.directives
    assert (first.text, first.lead_agency, first.lead_agency_name) == (
        edited,
        "public-works",
        "工務局",
    )
    assert (first.co_agencies, first.co_agency_names) == (
        ["finance", "transport"],
        ["財政局", "交通局"],
    )
    assert (first.deadline_text, first.due, first.due_basis) == (
        "一個月內",
        date(2026, 12, 18),
        "期間屆滿日",
    )
    assert first.span.segment_ids == [3]  # still points at where it was said
    assert (second.due, second.lead_agency, second.flags) == (
        date(2026, 12, 15),
        "public-works",
        [],
    )
    assert minutes.discussions[0].decision == "照案通過" and minutes.header.recorder == "王秘書"
    latest = _store().revisions(meeting)[0]
    assert latest.origin == "human" and latest.kind == "minutes" and "裁示事項" in latest.summary
    saved = client.get(answer.headers["location"]).text
    assert "已儲存會議紀錄" in saved and "115年12月18日：期間屆滿日" in saved
    assert '<option value="public-works" selected>工務局</option>' in saved
    # Saving the page unchanged records nothing; a typed date wins over the phrase.
    fields = form_of(saved, "minutes-form")
    count = len(_store().revisions(meeting))
    again = client.post(f"/meetings/{meeting}/minutes", data=fields, follow_redirects=False)
    assert (
        "沒有變更" in unquote(again.headers["location"])
        and len(_store().revisions(meeting)) == count
    )
    fields.update({"d-0-due": "2026-12-10", "d-1-delete": "1"})
    assert client.post(f"/meetings/{meeting}/minutes", data=fields).status_code == 200
    (only,) = _stored_minutes(meeting).directives
    assert (only.due, only.due_basis) == (date(2026, 12, 10), "人工指定日期")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("d-0-lead", "no-such-agency", "權責機關「no-such-agency」不在機關清單"),
        ("d-0-co", "財政局、不存在局", "會同機關「不存在局」不在機關清單"),
        ("date", "2026-13-40", "會議日期"),
    ],
)
def test_bad_minutes_input_saves_nothing(
    secretary: Secretary, meeting: int, field: str, value: str, message: str
) -> None:
    client, _, _ = secretary()
    before = _stored_minutes(meeting)
    revisions = len(_store().revisions(meeting))
    fields = form_of(client.get(f"/meetings/{meeting}/minutes").text, "minutes-form")
    fields.update({"d-0-text": "請交通局改為三週內提出", field: value})
    answer = client.post(f"/meetings/{meeting}/minutes", data=fields)
    assert answer.status_code == 400
    assert message in answer.text and "未儲存" in answer.text
    assert "請交通局改為三週內提出" in answer.text  # what was typed is shown again
    assert _stored_minutes(meeting) == before
    assert len(_store().revisions(meeting)) == revisions


def test_filing_directives_is_idempotent(secretary: Secretary, meeting: int) -> None:
    client, csrf, _ = secretary()
    cases = CaseStore.from_settings(get_settings())
    query = CaseQuery(meeting_id=meeting_key(_stored_minutes(meeting)), limit=None)
    first = client.post(f"/meetings/{meeting}/minutes/file", data={"csrf_token": csrf})
    assert first.status_code == 200
    assert 'id="filed-created">1<' in first.text and 'id="filed-existing">0<' in first.text
    (case,) = cases.find(query).cases
    assert (case.lead_agency, case.due_on, case.question) == (
        "transport",
        date(2026, 12, 2),
        DIRECTIVE,
    )
    assert case.id in first.text
    second = client.post(f"/meetings/{meeting}/minutes/file", data={"csrf_token": csrf})
    assert 'id="filed-created">0<' in second.text and 'id="filed-existing">1<' in second.text
    assert len(cases.find(query).cases) == 1


# Downloads --------------------------------------------------------------------------------


def test_downloads_carry_the_edits(secretary: Secretary, meeting: int) -> None:
    import docx

    client, csrf, _ = secretary()
    new_text = "主席裁示：請交通局於三週內提出改善方案。"
    client.post(f"/meetings/{meeting}/segments/3", data={"text": new_text, "csrf_token": csrf})
    fields = form_of(client.get(f"/meetings/{meeting}/minutes").text, "minutes-form")
    fields.update({"d-0-text": "請交通局於三週內提出改善方案", "d-0-deadline": "三週內"})
    client.post(f"/meetings/{meeting}/minutes", data=fields)

    answer = client.get(f"/meetings/{meeting}/download/docx")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    disposition = answer.headers["content-disposition"]
    assert (
        disposition.startswith('attachment; filename="meeting-') and "minutes.docx" in disposition
    )
    assert "filename*=UTF-8''" + "%E4%BA%A4%E9%80%9A" in disposition  # 交通…
    document = docx.Document(io.BytesIO(answer.content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "請交通局於三週內提出改善方案" in cells
    assert any("2026-12-09" in c for c in cells)

    for fmt, media in (("odt", "application/vnd.oasis.opendocument.text"), ("md", "text/markdown")):
        answer = client.get(f"/meetings/{meeting}/download/{fmt}")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(media)
    assert "請交通局於三週內提出改善方案" in client.get(f"/meetings/{meeting}/download/md").text

    for fmt, media in (("srt", "application/x-subrip"), ("vtt", "text/vtt"), ("txt", "text/plain")):
        answer = client.get(f"/meetings/{meeting}/download/{fmt}")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(media)
        assert new_text in answer.text, fmt
        assert "edited" not in answer.text  # a reviewer's edit is no 待查
        assert f"transcript.{fmt}" in answer.headers["content-disposition"]
    assert "00:00:06,000 --> 00:00:08,500" in client.get(f"/meetings/{meeting}/download/srt").text
    assert (
        "<v 發言者 1>發言者 1：" + new_text in client.get(f"/meetings/{meeting}/download/vtt").text
    )
    exported = json.loads(client.get(f"/meetings/{meeting}/download/json").content)
    assert exported["segments"][2]["text"] == new_text
    assert all(s["embedding"] is None for s in exported["speakers"])  # no voice prints leave

    assert client.get(f"/meetings/{meeting}/download/exe").status_code == 404
    scratch = get_settings().data_dir / "tmp"
    assert not scratch.exists() or list(scratch.iterdir()) == []  # nothing left behind
