"""The search page: meetings (transcripts, minutes) for the secretariat, cases for everyone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from bots import StaffDirectory
from inquiries import CaseStore, Kind, NewCase
from tests.web.conftest import make_staff, sign_in
from transcription.meetings import MeetingStore
from transcription.minutes.schema import Directive, DraftRecord, MeetingHeader, Minutes, Span
from transcription.schema import ModelInfo, Segment, SourceInfo, Stats, Transcript
from yishi.config import get_settings
from yishi.db import get_engine


def _transcript(texts: list[tuple[float, str]]) -> Transcript:
    return Transcript(
        created_at=datetime(2026, 11, 1, tzinfo=UTC), yishi_version="test",
        source=SourceInfo(file="m.m4a", sha256="0" * 64, size_bytes=1, duration=60, codec="aac"),
        model=ModelInfo(id="t", origin="tests", device="cpu", compute_type="int8", cpu_threads=1),
        settings={}, language="zh",
        segments=[
            Segment(id=n, start=start, end=start + 3, text=text, avg_logprob=-0.2,
                    no_speech_prob=0.01, compression_ratio=1.2)
            for n, (start, text) in enumerate(texts, 1)
        ],
        stats=Stats(processing_seconds=0, real_time_factor=0, speech_seconds=60, flagged_segments=0),
    )  # fmt: skip


@pytest.fixture()
def seeded(app_client: TestClient) -> int:
    """One meeting with a transcript and minutes, and cases of two agencies; the meeting's id."""
    meetings = MeetingStore(get_engine(get_settings()))
    meeting = meetings.create(
        title="第2301次市政會議", meeting_type="市政會議", day=date(2026, 11, 10),
        start_time="09:00", chair="市長", location="市政大樓", audio_path="x.m4a",
        audio_name="x.m4a", audio_sha256="0" * 64, audio_bytes=1, audio_seconds=60,
        created_by=None,
    )  # fmt: skip
    meetings.save_recognised(
        meeting.id,
        _transcript([(12.5, "請都發局加速社會住宅興建。"), (30.0, "交通局報告公車路網調整。")]),
    )
    minutes = Minutes(
        header=MeetingHeader(title="第2301次市政會議"),
        directives=[
            Directive(text="社會住宅進度每月列管追蹤", lead_agency="urban-development",
                      lead_agency_name="都市發展局", span=Span(start=12.5, end=15.5))
        ],
        draft=DraftRecord(drafter="rules", created_at=datetime(2026, 11, 1, tzinfo=UTC)),
    )  # fmt: skip
    meetings.save_minutes(meeting.id, minutes, origin="ai", author="test", summary="草稿")
    store = CaseStore.from_settings(get_settings(), actor="seed")
    today = store.today()
    for case_id, title, agency in [
        ("115-質-0457", "社會住宅興建進度落後", "都發局"),
        ("115-索-0101", "社會住宅補貼預算", "財政局"),
        ("115-陳-0201", "公車站牌損壞", "交通局"),
    ]:
        store.add(
            NewCase(
                id=case_id, kind={"質": Kind.INTERPELLATION, "索": Kind.DATA_REQUEST,
                                  "陳": Kind.PETITION}[case_id[4]],
                title=title, lead_agency=agency, councillor="林議員",
                received_on=today - timedelta(days=3),
            )
        )  # fmt: skip
    return meeting.id


def test_anonymous_visitors_are_sent_to_sign_in(app_client: TestClient) -> None:
    response = app_client.get("/search?q=社會住宅", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/search")


def test_secretariat_finds_meetings_and_cases(
    app_client: TestClient, directory: StaffDirectory, seeded: int
) -> None:
    _, username = make_staff(directory, "王秘書")
    sign_in(app_client, username)
    page = app_client.get("/search", params={"q": "社會住宅"})
    assert page.status_code == 200
    html = page.text
    assert f'href="/meetings/{seeded}/transcript#seg-1"' in html
    assert f'href="/meetings/{seeded}/minutes"' in html
    assert "請都發局加速社會住宅興建。" in html
    assert "公車路網" not in html  # that segment doesn't match
    assert "115-質-0457" in html and "115-索-0101" in html and "115-陳-0201" not in html
    second = app_client.get("/search", params={"q": "公車路網"}).text
    assert f'href="/meetings/{seeded}/transcript#seg-2"' in second
    # The anchor is the one the transcript page gives that segment.
    assert 'id="seg-2"' in app_client.get(f"/meetings/{seeded}/transcript").text
    # Simplified script finds the same transcript line.
    assert (
        f"/meetings/{seeded}/transcript#seg-1"
        in app_client.get("/search", params={"q": "社会住宅"}).text
    )


def test_liaison_sees_no_meetings_and_only_own_cases(
    app_client: TestClient, directory: StaffDirectory, seeded: int
) -> None:
    _, username = make_staff(directory, "財政局聯絡人", role="liaison", agency="財政局")
    sign_in(app_client, username)
    html = app_client.get("/search", params={"q": "社會住宅"}).text
    assert "115-索-0101" in html
    assert "115-質-0457" not in html
    assert "/meetings/" not in html and "請都發局加速" not in html and "每月列管" not in html
    # A case number said outright: another agency's case stays hidden.
    hidden = app_client.get("/search", params={"q": "115-質-0457"}).text
    assert "社會住宅興建進度落後" not in hidden and 'href="/cases/' not in hidden
    own = app_client.get("/search", params={"q": "115-索-0101"}).text
    assert 'href="/cases/' in own and "社會住宅補貼預算" in own


def test_empty_query_shows_only_the_form(
    app_client: TestClient, directory: StaffDirectory, seeded: int
) -> None:
    _, username = make_staff(directory, "王秘書")
    sign_in(app_client, username)
    page = app_client.get("/search")
    assert page.status_code == 200 and 'name="q"' in page.text
    assert "115-質-0457" not in page.text and 'id="cases-h"' not in page.text
