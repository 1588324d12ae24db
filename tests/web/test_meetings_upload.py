"""Uploading recordings: checked by decoding, stored before processing, abuse refused cleanly."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from tests.conftest import SPEECH
from tests.web.conftest import make_staff
from transcription.meetings import MeetingStore
from yishi.config import get_settings
from yishi.db import get_engine
from yishi.jobstore import JobStore
from yishi.web.app import create_app

AUDIO = (SPEECH / "briefing.mp3").read_bytes()
Secretary = Callable[[], tuple[TestClient, str, int]]


def _upload(client: TestClient, csrf: str, files: list[tuple[str, bytes]], **fields: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/meetings",
        data={"csrf_token": csrf, **fields},
        files=[("files", (name, body, "audio/mpeg")) for name, body in files],
        follow_redirects=False,
    )


def _stored_files() -> list[Path]:
    root = get_settings().data_dir
    return sorted(
        p for sub in ("recordings", "uploads") for p in (root / sub).rglob("*") if p.is_file()
    )


def test_an_upload_is_stored_recorded_and_queued(secretary: Secretary) -> None:
    client, csrf, staff_id = secretary()
    response = _upload(
        client, csrf, [("第2301次市政會議.mp3", AUDIO)], title="第2301次市政會議",
        meeting_type="市政會議", date="2026-03-10", chair="蔣萬安", location="市政大樓",
    )  # fmt: skip
    assert response.status_code == 303, response.text
    meeting_id = int(response.headers["location"].rsplit("/", 1)[-1])
    meeting = MeetingStore(get_engine(get_settings())).get(meeting_id)
    assert meeting.title == "第2301次市政會議" and meeting.chair == "蔣萬安"
    assert meeting.created_by == staff_id and meeting.audio_seconds == pytest.approx(15.9, abs=0.5)
    assert (get_settings().data_dir / meeting.audio_path).read_bytes() == AUDIO
    jobs = JobStore(get_engine(get_settings())).list(meeting_id=meeting_id)
    assert [j.state for j in jobs] == ["queued"] and jobs[0].created_by == staff_id
    page = client.get(f"/meetings/{meeting_id}")
    assert "排隊中" in page.text and "第2301次市政會議" in page.text
    audio = client.get(f"/meetings/{meeting_id}/audio", headers={"Range": "bytes=0-99"})
    assert audio.status_code == 206 and audio.content == AUDIO[:100]


def test_several_recordings_become_a_queue(secretary: Secretary) -> None:
    client, csrf, _ = secretary()
    response = _upload(client, csrf, [("a.mp3", AUDIO), ("b.mp3", AUDIO + b"\0")], title="專案會議")
    assert response.status_code == 303
    meetings = MeetingStore(get_engine(get_settings())).list()
    assert sorted(m.title for m in meetings) == ["專案會議（1）", "專案會議（2）"]
    assert len(JobStore(get_engine(get_settings())).list(states=("queued",))) == 2


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("會議.mp3", b"this is a text file, renamed" * 50, "無法讀取音訊"),
        ("empty.mp3", b"", "檔案是空的"),
        ("cut.mp3", AUDIO[:700], "不完整或已損毀"),
    ],
)
def test_a_file_that_does_not_decode_is_refused_and_nothing_is_kept(
    secretary: Secretary, name: str, body: bytes, message: str
) -> None:
    client, csrf, _ = secretary()
    response = _upload(client, csrf, [(name, body)], title="測試")
    assert response.status_code == 400
    assert message in response.text
    assert _stored_files() == []
    assert MeetingStore(get_engine(get_settings())).list() == []
    assert JobStore(get_engine(get_settings())).list() == []


def test_path_like_names_never_choose_where_a_file_goes(secretary: Secretary) -> None:
    client, csrf, _ = secretary()
    for name in ("../../../etc/cron.d/evil.mp3", "..\\..\\win.ini.mp3", "/abs/x.mp3\r\n.mp3"):
        response = _upload(client, csrf, [(name, AUDIO)])
        assert response.status_code == 303, name
    root = get_settings().data_dir
    for meeting in MeetingStore(get_engine(get_settings())).list():
        path = (root / meeting.audio_path).resolve()
        assert path.is_relative_to(root.resolve() / "recordings")
        assert "/" not in meeting.audio_name and "\\" not in meeting.audio_name
        assert "\r" not in meeting.audio_name and "\n" not in meeting.audio_name
    assert not (root.parent / "etc").exists()


def test_one_bad_file_among_good_ones_is_reported_by_name(secretary: Secretary) -> None:
    client, csrf, _ = secretary()
    response = _upload(client, csrf, [("好.mp3", AUDIO), ("壞.mp3", b"junk" * 100)], title="會報")
    assert response.status_code == 207
    assert "已排入 1 場會議" in response.text and "壞.mp3" in response.text
    assert len(MeetingStore(get_engine(get_settings())).list()) == 1


def test_oversize_uploads_are_refused(
    monkeypatch: pytest.MonkeyPatch, web_env: None, directory
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YISHI_UPLOAD_MAX_BYTES", str(40 * 1024))
    get_settings.cache_clear()
    with TestClient(create_app(get_settings())) as client:
        _, username = make_staff(directory, "王秘書")
        from tests.web.conftest import sign_in

        csrf = sign_in(client, username)
        # Under the body limit (the limit + 1 MB for the form), over the per-file limit.
        response = _upload(client, csrf, [("big.mp3", AUDIO)])
        assert response.status_code == 400 and "檔案過大" in response.text
        # Over the whole-body limit: refused before the body is read.
        huge = _upload(client, csrf, [("huge.mp3", AUDIO * 20)])
        assert huge.status_code == 413 and "上傳檔案過大" in huge.text
    assert _stored_files() == []
    assert MeetingStore(get_engine(get_settings())).list() == []


def test_too_many_files_and_bad_details_are_refused(secretary: Secretary) -> None:
    client, csrf, _ = secretary()
    many = _upload(client, csrf, [(f"{i}.mp3", AUDIO) for i in range(11)])
    assert many.status_code == 400 and "最多上傳 10 個" in many.text
    bad_date = _upload(client, csrf, [("a.mp3", AUDIO)], date="2026-13-45")
    assert bad_date.status_code == 400 and "會議日期" in bad_date.text
    bad_type = _upload(client, csrf, [("a.mp3", AUDIO)], meeting_type="<script>")
    assert bad_type.status_code == 400 and "&lt;script&gt;" in bad_type.text
    assert _stored_files() == []


@pytest.fixture()
def live_server(web_env: None) -> Iterator[tuple[str, int]]:
    """The app on a real uvicorn server (an interrupted upload needs a real socket)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(get_settings()), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield "127.0.0.1", port
    server.should_exit = True
    thread.join(timeout=10)


def test_an_interrupted_upload_stores_nothing_and_the_server_stays_up(
    live_server: tuple[str, int], directory
) -> None:  # type: ignore[no-untyped-def]
    import httpx

    host, port = live_server
    base = f"http://{host}:{port}"
    _, username = make_staff(directory, "王秘書")
    with httpx.Client(base_url=base) as client:
        client.post("/login", data={"username": username, "password": "correct horse battery"})
        from tests.web.conftest import csrf_of

        csrf = csrf_of(client.get("/meetings").text)
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    boundary = "yishiboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.mp3"\r\n'
        "Content-Type: audio/mpeg\r\n\r\n"
    ).encode()
    declared = len(head) + len(AUDIO) + 100
    with socket.create_connection((host, port)) as raw:
        raw.sendall(
            (
                f"POST /meetings HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {declared}\r\n\r\n"
            ).encode()
            + head
            + AUDIO[: len(AUDIO) // 2]
        )
        time.sleep(0.3)  # the connection drops halfway through the file
    time.sleep(0.5)
    assert httpx.get(f"{base}/healthz").status_code == 200
    assert _stored_files() == []
    assert MeetingStore(get_engine(get_settings())).list() == []
