"""The durable inbox on a real SQLite file and the real PostgreSQL server: accept, lease, prune."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text, update

from bots import Inbox, Job
from bots.models import InboxRow, QueryLogRow
from yishi.db import make_engine, migrate


@pytest.fixture(params=["sqlite", "postgresql"])
def inbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Inbox]:
    if request.param == "sqlite":
        engine: Engine = make_engine(f"sqlite:///{tmp_path / 'yishi.db'}")
        migrate(engine)
    else:
        engine = request.getfixturevalue("postgres_engine")
        with engine.begin() as connection:
            connection.execute(text("TRUNCATE bot_inbox, bot_query_log, bot_bind_attempts"))
    yield Inbox(engine)


def job(n: int, platform: str = "line") -> Job:
    return Job(platform, f"E{n}", "text", f"U{n}", f"U{n}", False, "說明", at=time.time())


def test_a_redelivery_is_stored_once(inbox: Inbox) -> None:
    assert inbox.accept([job(1), job(2)]) == 2
    inbox.accept([job(1), job(3), job(1, "telegram")])  # E1 again; telegram E1 is another
    with inbox.engine.connect() as connection:
        stored = connection.execute(select(InboxRow.platform, InboxRow.event_id)).all()
    assert sorted(stored) == [("line", "E1"), ("line", "E2"), ("line", "E3"), ("telegram", "E1")]


def test_leases_expire_and_a_dead_workers_leases_come_back(inbox: Inbox) -> None:
    inbox.accept([job(n) for n in range(5)])
    first = inbox.claim("host:1", limit=3, lease_seconds=60)
    assert [c.job.event_id for c in first] == ["E0", "E1", "E2"] and first[0].attempts == 1
    assert [c.job.event_id for c in inbox.claim("host:2", limit=10, lease_seconds=0.2)] == [
        "E3",
        "E4",
    ]
    assert inbox.claim("host:3", limit=10, lease_seconds=60) == []
    time.sleep(0.3)  # host:2's short leases ran out
    assert [c.job.event_id for c in inbox.claim("host:3", limit=10, lease_seconds=60)] == [
        "E3",
        "E4",
    ]
    assert inbox.release("host:1") == 3
    again = inbox.claim("host:4", limit=10, lease_seconds=60)
    assert [c.job.event_id for c in again] == ["E0", "E1", "E2"] and again[0].attempts == 2
    assert inbox.sending(again[0].id, "reply", worker="host:4", lease_seconds=60)
    inbox.finish(again[0].id, via="reply")
    inbox.retry(again[1].id, after=60, error="LINE 回應 500")
    inbox.finish(again[2].id, via="none", error="LINE 拒絕：400")
    inbox.release("host:3")
    stats = inbox.stats()
    assert stats.pending == 3 and stats.failed_last_day == 1
    assert [c.job.event_id for c in inbox.claim("host:5", limit=10, lease_seconds=60)] == [
        "E3",
        "E4",
    ]


def test_concurrent_workers_never_claim_the_same_message(inbox: Inbox) -> None:
    inbox.accept([job(n) for n in range(200)])
    claimed: list[int] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        while True:
            got = inbox.claim(name, limit=7, lease_seconds=60)
            if not got:
                return
            with lock:
                claimed.extend(c.id for c in got)

    threads = [threading.Thread(target=work, args=(f"host:{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(claimed) == 200 and len(set(claimed)) == 200


def test_pruning_forgets_old_answers_and_logs_but_never_pending(inbox: Inbox) -> None:
    inbox.accept([job(n) for n in range(3)])
    done, failed, _pending = inbox.claim("host:1", limit=3, lease_seconds=60)
    inbox.finish(done.id, via="reply")
    inbox.finish(failed.id, via="none", error="x")
    old = datetime.now(UTC) - timedelta(days=40)
    with inbox.engine.begin() as connection:
        connection.execute(update(InboxRow).values(received_at=old))
        connection.execute(
            QueryLogRow.__table__.insert(),  # type: ignore[attr-defined]
            [{"at": old, "platform": "line", "platform_user_id": "U", "text": "舊", "intent": "list"},
             {"at": datetime.now(UTC), "platform": "line", "platform_user_id": "U", "text": "新", "intent": "list"}],
        )  # fmt: skip
    assert inbox.prune(inbox_days=30, query_log_days=30) == 3
    with inbox.engine.connect() as connection:
        assert connection.execute(select(InboxRow.event_id)).scalars().all() == ["E2"]
        assert connection.execute(select(QueryLogRow.text)).scalars().all() == ["新"]


def test_a_lost_lease_stops_the_send_and_answered_text_is_dropped(inbox: Inbox) -> None:
    inbox.accept([job(1), job(2)])
    first, second = inbox.claim("host:1:a", limit=2, lease_seconds=0.2)
    time.sleep(0.3)
    assert [c.id for c in inbox.claim("host:2:b", limit=2, lease_seconds=60)] == [
        first.id,
        second.id,
    ]
    # The first worker comes back from a long pause: it must not send what host:2 now holds.
    assert not inbox.sending(first.id, "reply", worker="host:1:a", lease_seconds=60)
    assert inbox.sending(
        first.id, "reply", worker="host:2:b", lease_seconds=60, reply={"text": "x"}
    )
    inbox.finish(first.id, via="reply")
    with inbox.engine.connect() as connection:
        payload = connection.execute(
            select(InboxRow.payload).where(InboxRow.id == first.id)
        ).scalar_one()
    assert '"text": ""' in payload and "說明" not in payload
    assert inbox.release("host:2:") == 1  # a process's workers, by prefix


def test_an_unreadable_row_is_handed_over_to_be_failed(inbox: Inbox) -> None:
    inbox.accept([job(1), job(2)])
    with inbox.engine.begin() as connection:
        connection.execute(
            update(InboxRow).where(InboxRow.event_id == "E1").values(payload='{"x": 1}')
        )
    broken, fine = inbox.claim("host:1:a", limit=5, lease_seconds=60)
    assert broken.job.kind == "unreadable" and fine.job.event_id == "E2"
