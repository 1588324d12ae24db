"""The database: SQLAlchemy engine and sessions, migrated by Alembic to the current schema."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from yishi.config import Settings, get_settings
from yishi.errors import ConfigError, UpstreamError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def database_url(settings: Settings) -> str:
    if settings.database_url is not None:
        return settings.database_url.get_secret_value()
    return f"sqlite:///{settings.data_dir / 'yishi.db'}"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        if sqlite3.sqlite_version_info < (3, 35):  # RETURNING (the bots' inbox) needs 3.35
            raise ConfigError(
                f"SQLite {sqlite3.sqlite_version} 太舊（需要 3.35 以上），請更新或改用 PostgreSQL"
            )
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # A database host that stops answering must fail a call in seconds, not hang it for the
    # operating system's TCP timeout (webhooks answer 503 and the platform delivers again).
    connect_args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, start transactions (see _sqlite_begin).
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A transaction that will write takes the write lock at the start: a deferred one that
    # reads, then writes, fails at once with "database is locked" when another writer got in
    # between. Read-only sessions stay deferred, so readers never queue behind writers (WAL).
    mode = "DEFERRED" if connection.get_execution_options().get("yishi_read_only") else "IMMEDIATE"
    connection.exec_driver_sql(f"BEGIN {mode}")


def import_all_models() -> None:
    """Register every table on ``Base.metadata`` (for autogenerate and the schema test)."""
    import importlib

    for module in (
        "bots.models", "inquiries.models", "rag.models", "transcription.speakers.voices",
        "transcription.meetings", "yishi.audit", "yishi.jobstore",
    ):  # fmt: skip
        importlib.import_module(module)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (idempotent)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            if engine.dialect.name == "sqlite":
                # Refresh the planner's statistics where they are stale (cheap when they aren't).
                connection.exec_driver_sql("PRAGMA optimize")
    except OperationalError as exc:
        raise UpstreamError(
            f"無法連線或更新資料庫：{engine.url.render_as_string(hide_password=True)}",
            service="database",
        ) from exc


_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def get_engine(settings: Settings | None = None) -> Engine:
    """The process-wide engine for the configured database, migrated on first use."""
    url = database_url(settings or get_settings())
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = make_engine(url)
            migrate(engine)
            _ENGINES[url] = engine
    return engine


def dispose_engines() -> None:
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


@contextmanager
def session_scope(engine: Engine, *, read_only: bool = False) -> Iterator[Session]:
    """One transaction: committed on success, rolled back on any error.

    ``read_only`` sessions don't take SQLite's write lock; don't write in them.
    """
    factory = sessionmaker(engine, expire_on_commit=False)
    session = factory()
    if read_only:
        session.connection(execution_options={"yishi_read_only": True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
