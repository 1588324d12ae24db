"""Kill the job worker, then the whole server, during a transcription: the job still finishes.

`yishi serve` runs the console and one job worker (Celery on the default SQLite broker). The
recording is uploaded through the console as the secretary would; the uploader is bound to
LINE and must get the "done" notice once, at the end.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from bots import StaffDirectory
from tests.conftest import SAMPLES
from tests.faults.harness import Platforms, Server, free_port, platforms, server_env
from transcription.meetings import MeetingStore
from yishi.config import get_settings
from yishi.db import dispose_engines, get_engine
from yishi.jobstore import JobStore
from yishi.web.auth import hash_password

PASSWORD = "correct horse battery"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _wait_running(
    store: JobStore, job_id: str, past: float, timeout: float = 90, attempt: int = 1
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = store.get(job_id)
        if job and job.state == "running" and job.progress_done > past and job.attempts >= attempt:
            return
        time.sleep(0.2)
    raise AssertionError(f"job never passed {past} s: {store.get(job_id)}")


@pytest.mark.slow
def test_a_transcription_survives_killing_its_worker_and_the_server() -> None:
    settings = get_settings()
    staff = StaffDirectory(get_engine(settings))
    invitation = staff.invite(name="王秘書", agency="秘書處", role="secretariat")
    staff.set_login(invitation.staff.id, username="wang", password_hash=hash_password(PASSWORD))
    with platforms() as fakes:
        staff.bind(
            invitation.code, platform="line", platform_user_id="Usecretary", chat_id="Usecretary"
        )
        dispose_engines()
        _run(settings.data_dir, fakes)


def _run(data_dir: Path, fakes: Platforms) -> None:
    env = server_env(
        data_dir, fakes, YISHI_WEB_SECURE_COOKIES="0", YISHI_JOB_STALE_SECONDS="5",
        YISHI_JOB_HEARTBEAT_SECONDS="1", YISHI_JOB_RECOVER_SECONDS="1",
    )  # fmt: skip
    server = Server(env, free_port())
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30, follow_redirects=True) as client:
            signed = client.post("/login", data={"username": "wang", "password": PASSWORD})
            assert signed.status_code == 200, signed.text
            page = client.get("/meetings").text
            csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            with (SAMPLES / "sample_meeting.m4a").open("rb") as recording:
                upload = client.post(
                    "/meetings",
                    data={"csrf_token": csrf, "title": "第2301次市政會議", "date": "2026-03-10"},
                    files={"files": ("sample_meeting.m4a", recording, "audio/mp4")},
                    follow_redirects=False,
                )
            assert upload.status_code == 303, upload.text
            meeting_id = int(upload.headers["location"].rsplit("/", 1)[-1])
        store = JobStore(get_engine(get_settings()))
        job = store.list(meeting_id=meeting_id)[0]

        # 1. The worker dies mid-transcription: serve starts another and hands the job back.
        _wait_running(store, job.id, past=10)
        assert server.process is not None
        workers = _children(server.process.pid)
        assert workers, "serve started no job worker"
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        _wait_running(store, job.id, past=10, attempt=2)
        assert store.get(job.id).attempts == 2  # type: ignore[union-attr]

        # 2. The whole server and its worker die at once (a crash, a power cut).
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()
        server.start()
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            current = store.get(job.id)
            if current and current.state in ("done", "failed"):
                break
            time.sleep(0.5)
        done = store.get(job.id)
        assert done is not None and done.state == "done", done
        assert done.attempts == 3
        meeting = MeetingStore(get_engine(get_settings())).get(meeting_id)
        assert meeting.status == "ready" and meeting.has_transcript and meeting.has_minutes
        notices = [t for t in fakes.line.texts() if "已轉寫完成" in t]
        assert len(notices) == 1 and "第2301次市政會議" in notices[0]
    finally:
        server.stop()
