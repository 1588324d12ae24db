"""Import cases from CSV/XLSX (validated whole, all or nothing) and export cases and reports."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from inquiries.agencies import AgencyRegistry
from inquiries.cases import AgencySummary, Case, NewCase
from inquiries.store import CaseStore
from inquiries.vocabulary import Priority, Status, parse_kind, parse_priority, parse_status
from yishi.dates import parse_date
from yishi.errors import InputError, NotFound
from yishi.files import write_file_atomically

# Column name → field; staff headers in Chinese, English accepted too.
COLUMNS: dict[str, str] = {
    "案號": "id", "類別": "kind", "標題": "title", "內容": "question", "議員": "councillor",
    "主辦機關": "lead_agency", "協辦機關": "co_agencies", "速別": "priority",
    "收文日期": "received_on", "期限": "due_on", "狀態": "status", "答復內容": "reply_text",
    "答復日期": "replied_on", "列管": "tracked", "來源": "source", "文號": "source_ref",
    "備註": "notes",
}  # fmt: skip
ENGLISH = {field: field for field in COLUMNS.values()}
REQUIRED = ("id", "kind", "title", "lead_agency", "received_on")
HEADERS = {field: header for header, field in COLUMNS.items()}
MAX_ROWS = 200_000


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    source: str
    rows: int = 0
    imported: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_table(path: Path) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of a CSV (UTF-8 or Big5) or the first sheet of an XLSX file."""
    if not path.is_file():
        raise NotFound(f"找不到檔案：{path}")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path)
    if suffix in {".csv", ".txt"}:
        return _read_csv(path)
    raise InputError(f"不支援的檔案格式：{path.name}（請用 CSV 或 XLSX）")


def _read_csv(path: Path) -> tuple[list[str], list[list[Any]]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp950"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(f"無法辨識 {path.name} 的文字編碼（請存成 UTF-8 或 Big5）")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise InputError(f"{path.name} 是空的")
    return [h.strip() for h in rows[0]], [list(r) for r in rows[1:]]


def _read_xlsx(path: Path) -> tuple[list[str], list[list[Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and XML errors alike
        raise InputError(f"無法讀取 Excel 檔：{path.name}") from exc
    try:
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    if not rows:
        raise InputError(f"{path.name} 是空的")
    return [str(h or "").strip() for h in rows[0]], rows[1:]


def import_cases(store: CaseStore, path: Path, *, dry_run: bool = False) -> ImportReport:
    """Validate every row; import all of them in one transaction, or none with a report."""
    headers, rows = read_table(path)
    report = ImportReport(source=path.name, rows=len(rows))
    mapping = _map_headers(headers, report)
    if len(rows) > MAX_ROWS:
        report.problems.append(RowProblem(0, "", f"超過單次匯入上限 {MAX_ROWS:,} 列"))
    if not report.ok:
        return report
    cases: list[NewCase] = []
    seen: dict[str, int] = {}
    for number, values in enumerate(rows, start=2):
        if all(_blank(v) for v in values):
            continue
        record = {mapping[i]: v for i, v in enumerate(values) if i in mapping}
        new = _row_to_case(store, record, number, report)
        if new is None:
            continue
        if new.id in seen:
            report.problems.append(
                RowProblem(number, "案號", f"與第 {seen[new.id]} 列重複：{new.id}")
            )
            continue
        seen[str(new.id)] = number
        cases.append(new)
    for case_id in sorted(store.existing_ids(seen)):
        report.problems.append(RowProblem(seen[case_id], "案號", f"案號已存在：{case_id}"))
    report.problems.sort(key=lambda p: p.row)
    if report.ok and not dry_run:
        report.imported = store.add_many(cases, reason=f"匯入 {path.name}")
    return report


def _map_headers(headers: list[str], report: ImportReport) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        name = COLUMNS.get(header) or ENGLISH.get(header.lower())
        if name is None:
            if header:
                report.problems.append(RowProblem(1, header, f"不認得的欄位「{header}」"))
            continue
        mapping[index] = name
    missing = [HEADERS[f] for f in REQUIRED if f not in mapping.values()]
    if missing:
        report.problems.append(RowProblem(1, "", f"缺少必要欄位：{'、'.join(missing)}"))
    return mapping


def _row_to_case(
    store: CaseStore, record: dict[str, Any], number: int, report: ImportReport
) -> NewCase | None:
    problems_before = len(report.problems)

    def problem(field_name: str, message: str) -> None:
        report.problems.append(RowProblem(number, HEADERS[field_name], message))

    def text(name: str) -> str | None:
        value = record.get(name)
        return None if _blank(value) else str(value).strip()

    def parsed(name: str, parser: Any, default: Any = None) -> Any:
        raw = record.get(name)
        if _blank(raw):
            if name in REQUIRED:
                problem(name, "必填")
            return default
        try:
            return parser(raw)
        except ValueError as exc:
            problem(name, str(exc))
            return default

    kind = parsed("kind", lambda v: parse_kind(str(v)))
    priority = parsed("priority", lambda v: parse_priority(str(v)), Priority.NORMAL)
    status = parsed("status", lambda v: parse_status(str(v)), Status.RECEIVED)
    received = parsed("received_on", parse_date)
    due = parsed("due_on", parse_date)
    replied = parsed("replied_on", parse_date)
    tracked = parsed("tracked", parse_flag, True)
    for name in REQUIRED:
        if name in {"kind", "received_on"}:
            continue
        if text(name) is None:
            problem(name, "必填")
    if len(report.problems) > problems_before:
        return None
    lead, co = agencies_of(store.agencies, text("lead_agency") or "", text("co_agencies") or "")
    draft = NewCase(
        id=text("id"), kind=kind, title=text("title") or "", question=text("question") or "",
        councillor=text("councillor"), lead_agency=lead, co_agencies=co, priority=priority,
        received_on=received, due_on=due, status=status, reply_text=text("reply_text"),
        replied_on=replied, tracked=tracked, source=text("source"),
        source_ref=text("source_ref"), notes=text("notes"),
    )  # fmt: skip
    try:
        validated = store.validated(draft)
        if validated.due_on is None:
            store.rules.rule_for(validated.kind, validated.priority, validated.received_on)
        return validated
    except InputError as exc:
        for message in exc.message.split("；"):
            report.problems.append(RowProblem(number, _column_for(message), message))
        return None


_MESSAGE_COLUMNS = (
    ("協辦機關", "協辦機關"), ("機關", "主辦機關"), ("案號", "案號"), ("標題", "標題"),
    ("議員", "議員"), ("期限", "期限"), ("答復日期", "答復日期"), ("收文日期", "收文日期"),
    ("規則", "速別"),
)  # fmt: skip


def _column_for(message: str) -> str:
    for keyword, header in _MESSAGE_COLUMNS:
        if keyword in message:
            return header
    return ""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_flag(value: Any) -> bool:
    text = str(value).strip().lower()
    if text in {"是", "y", "yes", "true", "1", "列管"}:
        return True
    if text in {"否", "n", "no", "false", "0", "不列管", "解除"}:
        return False
    raise ValueError(f"「{value}」應為 是 或 否")


def split_names(text: str) -> list[str]:
    return [n.strip() for n in re.split(r"[、,，;；/\s]+", text) if n.strip()]


def agencies_of(agencies: AgencyRegistry, lead: str, co: str) -> tuple[str, tuple[str, ...]]:
    """Lead and co-agencies of a row. A lead cell naming several agencies ("產業局、文化局",
    "由工務局會同都發局") gives the first as lead and the others as co-agencies; names that
    don't resolve are passed on as written, for the store's check to report with suggestions."""
    co_names: list[str] = split_names(co)
    if co.strip():
        try:
            first, others = agencies.resolve_many(co)
            co_names = [a.code for a in (first, *others)]
        except InputError:
            pass
    try:
        agencies.resolve(lead)
    except InputError:
        try:
            first, others = agencies.resolve_many(lead)
        except InputError:
            return lead, tuple(co_names)
        return first.code, (*(a.code for a in others), *co_names)
    return lead, tuple(co_names)


# Export


def case_record(case: Case, agencies: AgencyRegistry) -> dict[str, Any]:
    return {
        "案號": case.id, "類別": case.kind.value, "標題": case.title, "內容": case.question,
        "議員": case.councillor or "", "主辦機關": agencies.get(case.lead_agency).short,
        "協辦機關": "、".join(agencies.get(c).short for c in case.co_agencies),
        "速別": case.priority.value, "收文日期": case.received_on, "期限": case.due_on,
        "狀態": case.status.value, "答復內容": case.reply_text or "",
        "答復日期": case.replied_on or "", "列管": "是" if case.tracked else "否",
        "來源": case.source or "", "文號": case.source_ref or "", "備註": case.notes or "",
    }  # fmt: skip


def export_cases(cases: Iterable[Case], path: Path, agencies: AgencyRegistry) -> int:
    records = [case_record(c, agencies) for c in cases]
    _write_table(path, list(COLUMNS), [list(r.values()) for r in records], sheet="案件")
    return len(records)


SUMMARY_HEADERS = ["機關", "列管案件", "辦理中", "逾期", "逾期率", "3個工作天內到期", "最早期限"]
DETAIL_HEADERS = ["機關", "案號", "類別", "標題", "議員", "期限", "逾期工作天", "狀態"]


def export_overdue_report(
    store: CaseStore, path: Path, summaries: Sequence[AgencySummary], overdue: Sequence[Case]
) -> None:
    """The 研考會's 執行情形一覽表: one line per agency, then every overdue case."""
    agencies, calendar, today = store.agencies, store.calendar(), store.today()
    summary_rows = [
        [agencies.get(s.agency).short, s.total, s.open, s.overdue, f"{s.overdue_rate:.0%}",
         s.due_soon, s.oldest_open_due or ""]
        for s in summaries
    ]  # fmt: skip
    detail_rows = [
        [agencies.get(c.lead_agency).short, c.id, c.kind.value, c.title, c.councillor or "",
         c.due_on, calendar.working_days_between(c.due_on, today), c.status.value]
        for c in overdue
    ]  # fmt: skip
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(path, [("執行情形一覽表", SUMMARY_HEADERS, summary_rows),
                           ("逾期案件明細", DETAIL_HEADERS, detail_rows)])  # fmt: skip
    else:
        _write_table(path, SUMMARY_HEADERS, summary_rows, sheet="執行情形一覽表")


def _write_table(path: Path, headers: list[str], rows: list[list[Any]], *, sheet: str) -> None:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _write_xlsx(path, [(sheet, headers, rows)])
    elif suffix == ".csv":
        _atomic_write(path, _csv_bytes(headers, rows))
    else:
        raise InputError(f"不支援的匯出格式：{path.name}（請用 .csv 或 .xlsx）")


def _csv_bytes(headers: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([v.isoformat() if isinstance(v, date) else v for v in row])
    # A BOM so that Excel on staff desktops opens the Chinese text correctly.
    return buffer.getvalue().encode("utf-8-sig")


def _write_xlsx(path: Path, sheets: list[tuple[str, list[str], list[list[Any]]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    book.remove(book.active) if book.active is not None else None
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column, header in zip(sheet.columns, headers, strict=False):
            width = max(
                [len(str(header)) * 2, *[min(len(str(c.value or "")), 40) for c in column][:200]]
            )
            sheet.column_dimensions[column[0].column_letter].width = width + 2
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    _atomic_write(path, buffer.getvalue())


def _atomic_write(path: Path, data: bytes) -> None:
    try:
        write_file_atomically(path, data)
    except OSError as exc:
        raise InputError(f"無法寫入 {path}（{exc.strerror or exc}）") from exc
