"""Cases: the dashboard by agency, the filtered list, one case with its history, import, export.

A liaison sees only the cases their agency leads or helps with, on every route here: the list,
the counts, the export and a case opened by URL (404, so that other agencies' case numbers are
not confirmed). Import is for the secretariat only and is all or nothing.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from inquiries import (
    OPEN_STATUSES,
    Case,
    CaseQuery,
    CaseStore,
    HistoryEntry,
    ImportReport,
    Kind,
    Status,
    export_cases,
    field_label,
    import_cases,
    parse_kind,
    parse_status,
)
from yishi.dates import date_input
from yishi.errors import InputError, NotFound
from yishi.web.deps import Secretariat, SignedIn, Viewer, checked_form, render, settings_of

router = APIRouter()
PAGE_SIZE = 50
IMPORT_MAX_BYTES = 50 * 1024**2
SOON_DAYS = 3  # what CaseStore.agency_summary counts as "due soon" (working days)
STATUS_OPTIONS = tuple(Status)
KIND_OPTIONS = tuple(Kind)


def store_of(request: Request, viewer: Viewer) -> CaseStore:
    """The case store, with changes recorded under the signed-in person's name."""
    actor = f"{viewer.staff.name}（網頁）"
    return CaseStore.from_settings(settings_of(request), actor=actor)


# Filters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The list's filters as typed in the form; ``query`` turns them into a CaseQuery."""

    kind: str = ""
    status: str = ""
    agency: str = ""
    scope: str = "all"  # all: lead or co-agency; lead: lead agency only
    due_before: str = ""
    due_within: str = ""
    overdue: bool = False
    q: str = ""
    page: int = 1

    @classmethod
    def from_request(cls, request: Request, viewer: Viewer) -> Filters:
        params = request.query_params

        def text(name: str, limit: int = 100) -> str:
            return (params.get(name) or "").strip()[:limit]

        try:
            page = max(1, min(int(params.get("page") or 1), 100_000))
        except ValueError:
            page = 1
        return cls(
            kind=text("kind"),
            status=text("status"),
            agency=text("agency") if viewer.sees_all else "",
            scope="lead" if params.get("scope") == "lead" else "all",
            due_before=text("due_before", 20),
            due_within=text("due_within", 3),
            overdue=params.get("overdue") in ("1", "on", "true"),
            q=text("q", 200),
            page=page,
        )

    def query(self, store: CaseStore, viewer: Viewer, *, limit: int | None) -> CaseQuery:
        """The CaseQuery for these filters; a liaison's own agency (lead or co) is forced."""
        kind = _parsed(parse_kind, self.kind)
        status = _parsed(parse_status, self.status)
        due_to = date_input(self.due_before, label="期限") if self.due_before else None
        within: int | None = None
        if self.due_within:
            if not self.due_within.isdigit() or not 0 < int(self.due_within) <= 60:
                raise InputError("「幾個工作天內到期」請填 1 至 60 的整數")
            within = int(self.due_within)
        agency: str | None
        if viewer.agency_filter is not None:
            agency, with_co = viewer.agency_filter, True
        else:
            agency = store.agencies.resolve(self.agency).code if self.agency else None
            with_co = self.scope != "lead"
        return CaseQuery(
            agency=agency, include_co_agency=with_co, kind=kind,
            statuses=(status,) if status else (), overdue=self.overdue, due_within=within,
            due_to=due_to, text=self.q or None, limit=limit,
            offset=(self.page - 1) * PAGE_SIZE if limit is not None else 0,
        )  # fmt: skip

    def params(self, **changes: Any) -> str:
        """These filters as a query string (for the pages' links and the export)."""
        values = {
            "kind": self.kind, "status": self.status, "agency": self.agency,
            "scope": self.scope if self.scope != "all" else "", "due_before": self.due_before,
            "due_within": self.due_within, "overdue": "1" if self.overdue else "",
            "q": self.q, "page": str(self.page) if self.page > 1 else "",
        }  # fmt: skip
        values.update({k: str(v) for k, v in changes.items()})
        return urlencode({k: v for k, v in values.items() if v})


def _parsed(parser: Any, value: str) -> Any:
    if not value:
        return None
    try:
        return parser(value)
    except ValueError as exc:
        raise InputError(str(exc)) from None


# Dashboard ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyRow:
    code: str
    name: str
    open: int
    overdue: int
    due_soon: int


def _agency_rows(store: CaseStore, viewer: Viewer) -> list[AgencyRow]:
    """Tracked open, overdue and due-soon counts by agency (a liaison: their own, co included)."""
    if viewer.agency_filter is None:
        return [
            AgencyRow(s.agency, _agency_name(store, s.agency), s.open, s.overdue, s.due_soon)
            for s in store.agency_summary()
            if s.open
        ]
    code = viewer.agency_filter

    def count(**kwargs: Any) -> int:
        query = CaseQuery(agency=code, include_co_agency=True, tracked=True, limit=0, **kwargs)
        return store.find(query).total

    return [
        AgencyRow(
            code, f"{_agency_name(store, code)}（主辦及協辦）", count(open_only=True),
            count(overdue=True), count(due_within=SOON_DAYS),
        )
    ]  # fmt: skip


def _chart(rows: list[AgencyRow]) -> dict[str, Any]:
    """Geometry of the horizontal grouped bar chart, drawn as inline SVG by the template."""
    label_w, bar_h, gap, width = 170, 12, 10, 760
    scale_w = width - label_w - 50
    peak = max([1, *(max(r.open, r.overdue, r.due_soon) for r in rows)])
    bars = []
    for index, row in enumerate(rows):
        top = 24 + index * (3 * bar_h + gap)
        bars.append(
            {
                "row": row,
                "y": top,
                "series": [
                    ("overdue", "逾期", row.overdue, top, round(row.overdue / peak * scale_w, 1)),
                    (
                        "soon",
                        f"{SOON_DAYS}個工作天內到期",
                        row.due_soon,
                        top + bar_h,
                        round(row.due_soon / peak * scale_w, 1),
                    ),
                    (
                        "open",
                        "辦理中",
                        row.open,
                        top + 2 * bar_h,
                        round(row.open / peak * scale_w, 1),
                    ),
                ],
            }
        )
    return {
        "bars": bars, "width": width, "label_w": label_w, "bar_h": bar_h,
        "height": 24 + len(rows) * (3 * bar_h + gap) + 4,
    }  # fmt: skip


@router.get("/cases", response_class=HTMLResponse)
async def cases_page(request: Request, viewer: SignedIn) -> HTMLResponse:
    store = store_of(request, viewer)
    filters = Filters.from_request(request, viewer)
    return await asyncio.to_thread(
        _render_cases, request, viewer, store, filters, 200, None, request.query_params.get("ok")
    )


def _render_cases(
    request: Request,
    viewer: Viewer,
    store: CaseStore,
    filters: Filters,
    status_code: int,
    report: ImportReport | None,
    flash: str | None,
    flash_kind: str | None = None,
) -> HTMLResponse:
    problem: str | None = None
    try:
        query = filters.query(store, viewer, limit=PAGE_SIZE)
    except InputError as exc:
        problem, query = exc.message, None
    page = store.find(query) if query is not None else None
    rows = _agency_rows(store, viewer)
    totals = {
        "open": sum(r.open for r in rows),
        "overdue": sum(r.overdue for r in rows),
        "due_soon": sum(r.due_soon for r in rows),
    }
    pages = max(1, -(-page.total // PAGE_SIZE)) if page else 1
    return render(
        request, "cases.html", viewer, status_code=status_code if not problem else 400,
        nav="cases", filters=filters, page=page, pages=pages, problem=problem,
        agency_rows=rows, totals=totals, chart=_chart(rows), soon_days=SOON_DAYS,
        kinds=KIND_OPTIONS, statuses=STATUS_OPTIONS, agencies=list(store.agencies),
        today=store.today(), names=_names(store), report=report,
        own_agency=_agency_name(store, viewer.staff.agency), flash=flash, flash_kind=flash_kind,
    )  # fmt: skip


# Export and import -------------------------------------------------------------------------


@router.get("/cases/export")
async def export(request: Request, viewer: SignedIn, format: str = "csv") -> Response:
    if format not in ("csv", "xlsx"):
        raise HTTPException(400, f"不支援的匯出格式：{format}（可用 csv、xlsx）")
    store = store_of(request, viewer)
    filters = Filters.from_request(request, viewer)
    query = filters.query(store, viewer, limit=None)
    data, count = await asyncio.to_thread(_export_bytes, store, query, format)
    name = f"案件匯出-{store.today():%Y%m%d}.{format}"
    media = (
        "text/csv; charset=utf-8"
        if format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return Response(
        data,
        media_type=media,
        headers={
            "Content-Disposition": attachment(name, f"cases.{format}"),
            "X-Case-Count": str(count),
        },
    )


def _export_bytes(store: CaseStore, query: CaseQuery, suffix: str) -> tuple[bytes, int]:
    cases = store.find(query).cases
    with tempfile.TemporaryDirectory(prefix="yishi-export-") as folder:
        path = Path(folder) / f"cases.{suffix}"
        count = export_cases(cases, path, store.agencies)
        return path.read_bytes(), count


def attachment(name: str, fallback: str) -> str:
    """A Content-Disposition for a download named in Chinese (RFC 6266/5987 filename*)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.post("/cases/import", response_class=HTMLResponse)
async def import_file(request: Request, viewer: Secretariat) -> HTMLResponse:
    try:
        form = await checked_form(request, viewer)
    except HTTPException:
        await request.close()  # checked_form refuses without closing the uploaded file
        raise
    store = store_of(request, viewer)
    try:
        report, dry_run = await _import_form(form, store)
    except InputError as exc:
        return await asyncio.to_thread(
            _render_cases, request, viewer, store, Filters(), 400, None, exc.message, "error"
        )
    finally:
        await form.close()
    if report.ok:
        verb = "檢查通過，未匯入（僅檢查）" if dry_run else f"已匯入 {report.imported} 件"
        message = f"{report.source}：{report.rows} 列{verb}"
        return await asyncio.to_thread(
            _render_cases, request, viewer, store, Filters(), 200, report, message, "ok"
        )
    message = f"{report.source} 有 {len(report.problems)} 個問題，未匯入任何資料"
    return await asyncio.to_thread(
        _render_cases, request, viewer, store, Filters(), 400, report, message, "error"
    )


async def _import_form(form: FormData, store: CaseStore) -> tuple[ImportReport, bool]:
    upload = form.get("file")
    dry_run = form.get("dry_run") in ("1", "on")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InputError("請選擇要匯入的 CSV 或 XLSX 檔")
    shown = _display_name(upload.filename)
    if Path(shown).suffix.lower() not in (".csv", ".xlsx", ".xlsm", ".txt"):
        raise InputError(f"不支援的檔案格式：{shown}（請用 CSV 或 XLSX）")
    data = await upload.read(IMPORT_MAX_BYTES + 1)
    if len(data) > IMPORT_MAX_BYTES:
        raise InputError(f"檔案過大（上限 {IMPORT_MAX_BYTES // 1024**2} MB）")
    report = await asyncio.to_thread(_import_bytes, store, shown, data, dry_run)
    return report, dry_run


def _import_bytes(store: CaseStore, shown: str, data: bytes, dry_run: bool) -> ImportReport:
    with tempfile.TemporaryDirectory(prefix="yishi-import-") as folder:
        path = Path(folder) / shown
        path.write_bytes(data)
        return import_cases(store, path, dry_run=dry_run)


def _display_name(raw: str) -> str:
    """The uploaded file's own name, safe as a file name: no folders, no control characters."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    name = re.sub(r"[<>:\"|?*]", "_", name)
    stem, suffix = Path(name).stem[:80], Path(name).suffix[:6]
    return (stem or "匯入檔") + suffix


# One case ----------------------------------------------------------------------------------


def visible_case(store: CaseStore, viewer: Viewer, case_id: str) -> Case:
    """The case, if this viewer may see it; 404 alike for a missing case and another agency's."""
    try:
        case = store.get(case_id)
    except NotFound:
        raise HTTPException(404, f"找不到案件：{case_id}") from None
    if not viewer.staff.may_see(case):
        raise HTTPException(404, f"找不到案件：{case_id}")
    return case


def may_change(viewer: Viewer, case: Case) -> bool:
    """The secretariat, and the lead agency's liaisons (a co-agency reads only)."""
    return viewer.sees_all or viewer.staff.agency == case.lead_agency


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_page(request: Request, case_id: str, viewer: SignedIn) -> HTMLResponse:
    store = store_of(request, viewer)
    context = await asyncio.to_thread(_case_context, store, viewer, case_id)
    return render(
        request, "case.html", viewer, nav="cases", flash=request.query_params.get("ok"), **context
    )


def _case_context(store: CaseStore, viewer: Viewer, case_id: str) -> dict[str, Any]:
    case = visible_case(store, viewer, case_id)
    if case.due_rule == "manual":
        explanation = "此期限為人工指定或展延（不依期限規則計算），原因見下方歷程。"
    else:
        try:
            explanation = store.deadline(case.kind, case.priority, case.received_on).explain()
        except InputError as exc:
            explanation = exc.message
    today = store.today()
    late_days = (
        store.calendar().working_days_between(case.due_on, today) if case.is_overdue(today) else 0
    )
    return {
        "case": case,
        "names": _names(store),
        "explanation": explanation,
        "history": [_history_row(store, h) for h in reversed(store.history(case.id))],
        "overdue": case.is_overdue(today),
        "late_days": late_days,
        "statuses": STATUS_OPTIONS,
        "open_statuses": OPEN_STATUSES,
        "may_change": may_change(viewer, case),
    }


@router.post("/cases/{case_id}/status")
async def change_status(request: Request, case_id: str, viewer: SignedIn) -> Response:
    form = await checked_form(request, viewer)
    store = store_of(request, viewer)
    case = visible_case(store, viewer, case_id)
    if not may_change(viewer, case):
        raise HTTPException(403, "協辦機關僅能檢視本案，狀態由主辦機關或秘書處更新")
    status = _parsed(parse_status, str(form.get("status") or "").strip())
    if status is None:
        raise InputError("請選擇新的狀態")
    reason = str(form.get("reason") or "").strip()[:500] or None
    reply = str(form.get("reply_text") or "").strip()[:20_000] or None
    if status == case.status and not reply:
        raise InputError(f"案件已是「{status}」，沒有變更")
    await asyncio.to_thread(store.update, case.id, status=status, reply_text=reply, reason=reason)
    return RedirectResponse(
        f"/cases/{quote(case.id)}?ok=" + quote(f"已更新狀態為「{status}」"), status_code=303
    )


@router.post("/cases/{case_id}/reopen")
async def reopen(request: Request, case_id: str, viewer: SignedIn) -> Response:
    form = await checked_form(request, viewer)
    store = store_of(request, viewer)
    case = visible_case(store, viewer, case_id)
    if not may_change(viewer, case):
        raise HTTPException(403, "協辦機關僅能檢視本案，狀態由主辦機關或秘書處更新")
    await asyncio.to_thread(store.reopen, case.id, reason=str(form.get("reason") or "")[:500])
    return RedirectResponse(f"/cases/{quote(case.id)}?ok=" + quote("已改為辦理中"), status_code=303)


# Display helpers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    at: Any
    actor: str
    change: str
    reason: str


def _history_row(store: CaseStore, entry: HistoryEntry) -> HistoryRow:
    """One history entry as people read it (as ``yishi cases show`` prints it)."""
    if entry.field:
        old = _history_value(store, entry.field, entry.old_value)
        new = _history_value(store, entry.field, entry.new_value)
        change = f"{field_label(entry.field)}：{old} → {new}"
    else:
        summary = entry.new_value or ""
        summary = re.sub(r"(?<=主辦 )[^｜]+", lambda m: _agency_name(store, m.group(0)), summary)
        change = "建立：" + summary.replace("（manual）", "（指定）")
    return HistoryRow(entry.at, entry.actor, change, entry.reason or "")


def _history_value(store: CaseStore, field: str, value: str | None) -> str:
    if not value:
        return "（空）"
    if field in ("lead_agency", "co_agencies"):
        return "、".join(_agency_name(store, code) for code in value.split("、"))
    return value


def _agency_name(store: CaseStore, code: str) -> str:
    try:
        return store.agencies.get(code).short
    except InputError:  # an agency since removed from the list: its code is all we have
        return code


def _names(store: CaseStore) -> dict[str, str]:
    return {a.code: a.short for a in store.agencies}
