"""Stores on a real SQLite file and on the real PostgreSQL server of this machine (and CI's)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from inquiries import CaseStore
from yishi.db import make_engine, migrate

POSTGRES_ADMIN_URL = os.environ.get(
    "YISHI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TODAY = date(2026, 3, 10)  # a Tuesday
TABLES = ("case_history", "case_co_agencies", "cases", "calendar_overrides")


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    """A database of its own on the local PostgreSQL server, dropped at the end."""
    name = f"yishi_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(admin.url.set(database=name).render_as_string(hide_password=False))
    migrate(engine)
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'yishi.db'}")
        migrate(engine)
        yield engine
        engine.dispose()
        return
    engine = request.getfixturevalue("postgres_engine")
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(TABLES)} CASCADE"))
    yield engine


@pytest.fixture()
def store(engine: Engine) -> CaseStore:
    return CaseStore(engine, actor="王承辦", today=lambda: TODAY)
