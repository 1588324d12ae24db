"""Every test gets its own data and cache directories; the assembled model is shared."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from yishi.config import get_settings

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SPEECH = DATA / "speech"
SAMPLES = ROOT / "samples"
FIXED_TODAY = date(2026, 3, 11)


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
