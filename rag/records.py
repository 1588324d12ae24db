"""Past question/reply records and the files they come from (JSONL, CSV, XLSX)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from inquiries import AgencyRegistry, parse_date
from yishi.errors import InputError, NotFound

FIELDS = ("id", "question", "reply", "agency", "councillor", "date", "topic", "session")
HEADER_ALIASES = {
    "案號": "id", "編號": "id", "質詢內容": "question", "問題": "question", "內容": "question",
    "答復內容": "reply", "答復": "reply", "答覆": "reply", "機關": "agency", "主辦機關": "agency",
    "議員": "councillor", "日期": "date", "答復日期": "date", "主題": "topic", "會期": "session",
}  # fmt: skip


@dataclass(frozen=True)
class PastRecord:
    id: str
    question: str
    reply: str
    agency: str | None = None  # agency code (the lead agency)
    councillor: str | None = None
    date: str | None = None  # ISO date
    topic: str | None = None
    session: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    agency_raw: str | None = None  # the agency as written, kept when it is no known agency
    co_agencies: tuple[str, ...] = ()  # codes

    @property
    def content_hash(self) -> str:
        fields: list[Any] = [
            self.question,
            self.reply,
            self.agency,
            self.councillor,
            self.date,
            self.topic,
            self.session,
            self.extra,
        ]
        if self.agency_raw or self.co_agencies:
            # Only then, so that the hash of every record indexed before these fields is unchanged
            # and nothing is re-embedded for them.
            fields += [self.agency_raw, list(self.co_agencies)]
        payload = json.dumps(
            fields,
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def agency_label(self, names: dict[str, str]) -> str | None:
        """The agency to show: its short name from ``names`` (code → name), else as written."""
        if self.agency:
            return names.get(self.agency, self.agency)
        return self.agency_raw

    def agencies_label(self, names: dict[str, str]) -> str | None:
        """The lead agency and its co-agencies to show, e.g. 工務局會同都市發展局、交通局."""
        lead = self.agency_label(names)
        others = [names.get(code, code) for code in self.co_agencies]
        return f"{lead}會同{'、'.join(others)}" if lead and others else lead


@dataclass(frozen=True)
class LineProblem:
    line: int
    message: str
    kept: bool = False  # a warning: the record was loaded all the same


@dataclass
class LoadReport:
    source: str
    records: list[PastRecord] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)  # warnings included, kept=True

    @property
    def warnings(self) -> list[LineProblem]:
        return [p for p in self.problems if p.kept]


def load_records(path: Path, agencies: AgencyRegistry) -> LoadReport:
    """Every good record of the file, and a report of the bad ones by line."""
    if not path.is_file():
        raise NotFound(f"找不到檔案：{path}")
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        rows = _jsonl_rows(path)
    elif suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix in {".xlsx", ".xlsm"}:
        rows = _xlsx_rows(path)
    else:
        raise InputError(f"不支援的檔案格式：{path.name}（請用 JSONL、CSV 或 XLSX）")
    report = LoadReport(source=path.name)
    seen: dict[str, int] = {}
    for line, row in rows:
        if isinstance(row, str):
            report.problems.append(LineProblem(line, row))
            continue
        try:
            record = to_record(row, agencies)
        except ValueError as exc:
            report.problems.append(LineProblem(line, str(exc)))
            continue
        if record.id in seen:
            report.problems.append(
                LineProblem(line, f"與第 {seen[record.id]} 行的 id 重複：{record.id}")
            )
            continue
        seen[record.id] = line
        report.records.append(record)
        if record.agency_raw is not None:
            report.problems.append(LineProblem(line, _kept_message(record, agencies), kept=True))
    return report


def _kept_message(record: PastRecord, agencies: AgencyRegistry) -> str:
    reason = f"未知的機關：{record.agency_raw}"
    try:
        agencies.resolve_many(record.agency_raw or "")
    except InputError as exc:
        reason = exc.message  # each unknown part, with suggestions
    return f"{reason}；仍已收錄，機關保留原文「{record.agency_raw}」"


def to_record(row: dict[str, Any], agencies: AgencyRegistry) -> PastRecord:
    data = {
        HEADER_ALIASES.get(str(k).strip(), str(k).strip()): v
        for k, v in row.items()
        if k is not None
    }
    problems = []
    for name in ("id", "question", "reply"):
        if not str(data.get(name) or "").strip():
            problems.append(f"缺少 {name}")
    if problems:
        raise ValueError("、".join(problems))
    agency: str | None = None
    co_agencies: tuple[str, ...] = ()
    agency_raw: str | None = None
    written = _text(data.get("agency"))
    if written:
        # An agency that cannot be resolved does not cost the record: its reply is still worth
        # finding. The name is kept as written and the load report warns about it.
        try:
            lead, others = agencies.resolve_many(written)
            agency, co_agencies = lead.code, tuple(a.code for a in others)
        except InputError:
            agency_raw = written
    when = None
    if str(data.get("date") or "").strip():
        value = data["date"]
        when = (
            value.date()
            if isinstance(value, datetime)
            else value
            if isinstance(value, date)
            else parse_date(str(value))
        ).isoformat()
    extra = {k: v for k, v in data.items() if k not in FIELDS and v not in (None, "")}
    return PastRecord(
        id=str(data["id"]).strip(),
        question=str(data["question"]).strip(),
        reply=str(data["reply"]).strip(),
        agency=agency,
        councillor=_text(data.get("councillor")),
        date=when,
        topic=_text(data.get("topic")),
        session=_text(data.get("session")),
        extra=json.loads(json.dumps(extra, ensure_ascii=False, default=str)),
        agency_raw=agency_raw,
        co_agencies=co_agencies,
    )


def _text(value: Any) -> str | None:
    text = str(value or "").strip()
    return text or None


def _jsonl_rows(path: Path) -> list[tuple[int, dict[str, Any] | str]]:
    rows: list[tuple[int, dict[str, Any] | str]] = []
    text = _decode(path)
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append((number, f"不是有效的 JSON（第 {exc.colno} 字元）"))
            continue
        rows.append((number, value if isinstance(value, dict) else "每行必須是一個 JSON 物件"))
    return rows


def _csv_rows(path: Path) -> list[tuple[int, dict[str, Any] | str]]:
    reader = csv.DictReader(io.StringIO(_decode(path), newline=""))
    return [(number, dict(row)) for number, row in enumerate(reader, 2)]


def _xlsx_rows(path: Path) -> list[tuple[int, dict[str, Any] | str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and XML errors alike
        raise InputError(f"無法讀取 Excel 檔：{path.name}") from exc
    try:
        values = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    if not values:
        return []
    header = [str(h or "").strip() for h in values[0]]
    return [
        (number, dict(zip(header, row, strict=False)))
        for number, row in enumerate(values[1:], 2)
        if any(v not in (None, "") for v in row)
    ]


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp950"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"無法辨識 {path.name} 的文字編碼（請存成 UTF-8 或 Big5）")
