"""Nothing acknowledged is lost: `yishi serve` under load while its worker, the server itself and
the database fail. Every webhook that got a 200 is answered; a message is answered twice only
where a send was cut off between the platform's answer and the commit (its row says so)."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from bots import StaffDirectory
from inquiries import CaseStore, Kind, NewCase
from tests.conftest import POSTGRES_ADMIN_URL
from tests.faults.harness import (
    Delivery,
    Platforms,
    Sender,
    Server,
    answered,
    answers,
    event_key,
    free_port,
    ledger,
    line_delivery,
    platforms,
    server_env,
    telegram_delivery,
    wait_until_answered,
)
from yishi.config import get_settings
from yishi.db import database_url, dispose_engines

QUESTIONS = ["逾期案件", "本週到期", "三天內到期", "我的案件", "說明", "115-質-0457 進度?"]


def seed(users: int) -> list[str]:
    """A few cases and ``users`` bound LINE accounts, in the database the server will use."""
    settings = get_settings()
    store = CaseStore.from_settings(settings, actor="seed")
    for n in range(30):
        store.add(NewCase(id=f"115-質-{457 + n:04d}", kind=Kind.INTERPELLATION, title=f"社宅進度第{n}案",
                          lead_agency="都發局" if n % 2 else "交通局", councillor="林議員",
                          received_on=store.today()))  # fmt: skip
    staff = StaffDirectory(store.engine)
    ids = []
    for n in range(users):
        role = "secretariat" if n % 4 == 0 else "liaison"
        code = staff.invite(name=f"承辦{n}", agency="都發局", role=role).code
        staff.bind(code, platform="line", platform_user_id=f"Ufault{n}", chat_id=f"Ufault{n}")
        ids.append(f"Ufault{n}")
    dispose_engines()
    return ids


def deliveries(fakes: Platforms, users: list[str], count: int) -> list[Delivery]:
    made = []
    for n in range(count):
        if n % 5 < 3:
            made.append(line_delivery(fakes.line, n, users[n % len(users)], QUESTIONS[n % 6]))
        else:
            made.append(telegram_delivery(n, QUESTIONS[n % 6]))
    return made


def check_every_acknowledged_answered_once(
    fakes: Platforms, sent: list[Delivery], url: str, *, timeout: float = 120
) -> dict[str, int]:
    missing = wait_until_answered(fakes, sent, timeout)
    assert not missing, f"{len(missing)} acknowledged messages never answered"
    time.sleep(1.0)  # anything still on its way arrives
    counted, book = answers(fakes), ledger(url)
    twice = [d for d in sent if answered(d, counted) > 1]
    # A second answer only where the row shows a send begun twice (cut off by a kill).
    assert all(event_key(d) in book.resent for d in twice), [event_key(d) for d in twice]
    assert book.states.get("failed", 0) == 0 and book.states.get("pending", 0) == 0, book.states
    return {
        "acknowledged": sum(d.acknowledged for d in sent),
        "answered_twice": len(twice),
        "sends_cut_off": len(book.resent),
    }


@pytest.fixture()
def fakes() -> Iterator[Platforms]:
    with platforms() as both:
        yield both


def test_killing_the_worker_and_the_server_mid_load_loses_nothing(
    tmp_path: Path, fakes: Platforms
) -> None:
    users = seed(40)
    server = Server(server_env(Path(get_settings().data_dir), fakes), free_port())
    sent = deliveries(fakes, users, 1000)
    server.start()
    try:
        sender = Sender(server.url, sent, rate=100)
        sender.start()
        time.sleep(2.5)
        os.kill(server.health()["worker"]["pid"], signal.SIGKILL)  # type: ignore[index]
        time.sleep(2.5)
        server.kill()  # the web server dies; its worker notices and stops
        time.sleep(1.0)
        server.start()
        time.sleep(1.5)
        os.kill(server.health()["worker"]["pid"], signal.SIGKILL)  # type: ignore[index]
        sender.join(timeout=120)
        assert not sender.thread.is_alive()
        figures = check_every_acknowledged_answered_once(fakes, sent, database_url(get_settings()))
        print("kill test:", figures, dict(sender.statuses))
        assert figures["acknowledged"] == 1000 and sender.statuses[0] > 0  # the server was down
        assert (server.health() or {}).get("worker", {}).get("restarts") == 1
    finally:
        server.stop()


@pytest.fixture()
def postgres_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    name = f"yishi_fault_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    monkeypatch.setenv("YISHI_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        yield url
    finally:
        dispose_engines()
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    f"WHERE datname = '{name}'"))  # fmt: skip
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def outage(url: str, *, on: bool) -> None:
    """Take the database away from every client (connections refused, sessions cut), or back."""
    name = url.rsplit("/", 1)[1]
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(not on).lower()}'))
        if on:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"))  # fmt: skip
    admin.dispose()


def test_a_database_outage_is_retried_and_nothing_is_lost(
    fakes: Platforms, postgres_url: str
) -> None:
    users = seed(20)
    env = server_env(Path(get_settings().data_dir), fakes, YISHI_DATABASE_URL=postgres_url)
    server = Server(env, free_port())
    sent = deliveries(fakes, users, 300)
    random.Random(5).shuffle(sent)
    server.start()
    health_codes: list[int] = []
    stop = threading.Event()

    def watch_health() -> None:
        while not stop.is_set():
            try:
                health_codes.append(httpx.get(f"{server.url}/healthz", timeout=5).status_code)
            except httpx.HTTPError:
                health_codes.append(0)
            time.sleep(0.2)

    watcher = threading.Thread(target=watch_health, daemon=True)
    try:
        watcher.start()
        sender = Sender(server.url, sent, rate=50)
        sender.start()
        time.sleep(2.0)
        outage(postgres_url, on=True)
        time.sleep(4.0)
        outage(postgres_url, on=False)
        sender.join(timeout=120)
        assert not sender.thread.is_alive()
        figures = check_every_acknowledged_answered_once(fakes, sent, postgres_url)
        print("outage test:", figures, dict(sender.statuses))
        assert figures["acknowledged"] == 300
        assert sender.statuses[503] > 0  # refused (not acknowledged) while the database was away
        assert 503 in health_codes and health_codes[-1] == 200
    finally:
        stop.set()
        server.stop()


def test_serve_starts_when_a_platform_is_unreachable(tmp_path: Path, fakes: Platforms) -> None:
    closed = f"http://127.0.0.1:{free_port()}/bot"  # nothing listens there
    env = server_env(Path(get_settings().data_dir), fakes, YISHI_TELEGRAM_API_BASE_URL=closed)
    server = Server(env, free_port())
    server.start()
    try:
        deadline = time.monotonic() + 20
        while (server.health() or {}).get("platforms", {}).get("telegram", {}).get(
            "state"
        ) != "degraded":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        health = server.health() or {}
        assert health["status"] == "degraded" and health["platforms"]["line"]["state"] == "ok"
        delivery = line_delivery(fakes.line, 1, "Unew", "說明")
        sender = Sender(server.url, [delivery], rate=10)
        sender.start()
        sender.join(10)
        assert not wait_until_answered(fakes, [delivery], 20)
        assert "Traceback" not in server.log.read_text(errors="replace")
    finally:
        server.stop()
