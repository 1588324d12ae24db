"""Alembic environment: run with the connection handed over by ``yishi.db.migrate``."""

from __future__ import annotations

from alembic import context

import bots.models  # noqa: F401
import inquiries.models  # noqa: F401 - registers the tables on Base.metadata
import rag.models  # noqa: F401
import transcription.speakers.voices  # noqa: F401
import yishi.audit  # noqa: F401
from yishi.db import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - the alembic CLI with a URL in alembic.ini
    from sqlalchemy import create_engine

    connection = create_engine(config.get_main_option("sqlalchemy.url") or "").connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
