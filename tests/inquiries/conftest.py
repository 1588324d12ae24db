"""Stores on a real SQLite file and on the real PostgreSQL server of this machine (and CI's)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from inquiries import CaseStore
from yishi.db import make_engine, migrate

TODAY = date(2026, 3, 10)  # a Tuesday
TABLES = ("case_history", "case_co_agencies", "cases", "calendar_overrides")


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
