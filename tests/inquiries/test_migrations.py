from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

import bots.models  # noqa: F401
import inquiries.models  # noqa: F401 - registers the tables
import rag.models  # noqa: F401
import yishi.audit  # noqa: F401
from yishi.db import Base, migrate


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_migrating_twice_is_harmless(engine: Engine) -> None:
    migrate(engine)
    migrate(engine)
