"""Alembic environment: run with the connection handed over by ``yishi.db.migrate``."""

from __future__ import annotations

from typing import Any

from alembic import context

config = context.config
connection = config.attributes.get("connection")
target_metadata: Any = None
if connection is None:  # pragma: no cover - the alembic CLI (autogenerate), a URL in alembic.ini
    from sqlalchemy import create_engine

    from yishi.db import Base, import_all_models

    import_all_models()
    target_metadata = Base.metadata
    connection = create_engine(config.get_main_option("sqlalchemy.url") or "").connect()
# ``yishi.db.migrate`` only upgrades: the revisions need no models, so opening the database
# does not import chromadb, the chat SDKs or faster-whisper with them.

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
