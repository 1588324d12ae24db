from __future__ import annotations

from pathlib import Path

import pytest

from transcription import TranscribeOptions, load_engine
from transcription.models import bundled_model, resolve_model
from yishi.errors import InputError, ModelError, NotFound


def test_bundled_model_is_assembled_once_and_reused(tmp_path: Path) -> None:
    first = bundled_model(tmp_path)
    model = Path(first.location) / "model.bin"
    assert model.stat().st_size == 145_217_607
    stamp = model.stat().st_mtime_ns
    second = resolve_model("base", cache_dir=tmp_path)
    assert second == first
    assert model.stat().st_mtime_ns == stamp
    assert not list(tmp_path.glob("models/.assemble-*"))


def test_damaged_assembly_is_rebuilt(tmp_path: Path) -> None:
    source = bundled_model(tmp_path)
    model = Path(source.location) / "model.bin"
    with model.open("r+b") as handle:
        handle.truncate(1000)
    bundled_model(tmp_path)
    assert model.stat().st_size == 145_217_607


def test_model_directory_must_hold_a_ctranslate2_model(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelError, match=r"缺少 model\.bin"):
        resolve_model(str(tmp_path), cache_dir=tmp_path)


def test_missing_model_directory(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="找不到模型目錄"):
        resolve_model(str(tmp_path / "large-v3"), cache_dir=tmp_path)


def test_unknown_model_name_never_downloads(model_cache: Path) -> None:
    with pytest.raises(InputError, match="未知的模型"):
        load_engine(TranscribeOptions(model="whisper-gigantic", cache_dir=model_cache))


def test_known_name_not_in_local_cache_is_refused(
    model_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(ModelError, match="不會自網路下載"):
        load_engine(TranscribeOptions(model="large-v3", cache_dir=model_cache))


def test_corrupt_model_directory(tmp_path: Path, model_cache: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"not a model")
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelError, match="無法載入模型目錄"):
        load_engine(TranscribeOptions(model=str(tmp_path), cache_dir=model_cache))
