"""Every test gets its own data and cache directories; the assembled model is shared."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from yishi.config import get_settings
from yishi.db import make_engine, migrate

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SPEECH = DATA / "speech"
SAMPLES = ROOT / "samples"
FIXED_TODAY = date(2026, 11, 18)
POSTGRES_ADMIN_URL = os.environ.get(
    "YISHI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache directory for the whole run: assembling the bundled model takes a second."""
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(autouse=True)
def isolated_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, model_cache: Path
) -> Iterator[None]:
    for name in list(__import__("os").environ):
        if name.startswith("YISHI_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("YISHI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("YISHI_CACHE_DIR", str(model_cache))
    # No test may depend on the day it runs: "today" is a fixed ordinary working day
    # (a Wednesday); tests about weekends and holidays pick their own dates.
    monkeypatch.setenv("YISHI_TODAY", FIXED_TODAY.isoformat())
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


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
