"""``yishi cases …`` and ``yishi calendar …``: the tracking store from the command line."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from inquiries import (
    Case,
    CaseQuery,
    CaseStore,
    Kind,
    NewCase,
    Status,
    export_cases,
    export_overdue_report,
    field_label,
    import_cases,
    parse_kind,
    parse_priority,
    parse_status,
)
from yishi.clock import local_time
from yishi.config import get_settings
from yishi.dates import date_input
from yishi.errors import InputError

cases_app = typer.Typer(
    help="案件追蹤：質詢、索資、陳情、裁示事項. Track inquiries, requests, petitions, directives.",
    no_args_is_help=True,
)
calendar_app = typer.Typer(
    help="行事曆異動：停班、補班. Working-day calendar overrides.", no_args_is_help=True
)

JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 輸出. Print JSON.")]


def _store() -> CaseStore:
    return CaseStore.from_settings(get_settings())


def _guarded(action: Any) -> None:
    from yishi.cli_common import run_guarded

    run_guarded(action)


def _date(value: str | None, label: str) -> date | None:
    return None if value is None else date_input(value, label=label)


def _parsed(parser: Any, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return parser(value)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def _print_json(data: Any) -> None:
    from yishi.cli_common import out

    out.print_json(json.dumps(data, ensure_ascii=False, default=str))


def _case_json(store: CaseStore, case: Case) -> dict[str, Any]:
    data = asdict(case)
    data["lead_agency_name"] = store.agencies.get(case.lead_agency).short
    data["co_agency_names"] = [store.agencies.get(c).short for c in case.co_agencies]
    data["overdue"] = case.is_overdue(store.today())
    return data


@cases_app.command("add")
def add(
    kind: Annotated[str, typer.Option(help="質詢、索資、陳情、裁示. Kind.")],
    title: Annotated[str, typer.Option(help="標題. Title.")],
    agency: Annotated[str, typer.Option(help="主辦機關（如 都發局）. Lead agency.")],
    received: Annotated[
        str | None, typer.Option(help="收文日期（預設今天）. Received date.")
    ] = None,
    priority: Annotated[str, typer.Option(help="最速件、速件、普通件. Priority.")] = "普通件",
    case_id: Annotated[
        str | None, typer.Option("--id", help="案號（預設自動編號）. Case id.")
    ] = None,
    question: Annotated[str, typer.Option(help="內容. Question text.")] = "",
    councillor: Annotated[str | None, typer.Option(help="議員. Councillor.")] = None,
    co_agency: Annotated[
        list[str] | None, typer.Option(help="協辦機關，可重複. Co-agency.")
    ] = None,
    source: Annotated[str | None, typer.Option(help="來源（會議、文號）. Source.")] = None,
    due: Annotated[
        str | None, typer.Option(help="指定期限（不依規則）. Explicit due date.")
    ] = None,
    untracked: Annotated[bool, typer.Option(help="不列管. Not tracked.")] = False,
    notes: Annotated[str | None, typer.Option(help="備註. Notes.")] = None,
    as_json: JsonOption = False,
) -> None:
    """新增案件並依規則計算期限. Add a case; its deadline is computed from the rules."""

    def action() -> None:
        store = _store()
        new = NewCase(
            id=case_id,
            kind=_parsed(parse_kind, kind),
            title=title,
            question=question,
            councillor=councillor,
            lead_agency=agency,
            co_agencies=tuple(co_agency or ()),
            priority=_parsed(parse_priority, priority),
            received_on=_date(received, "收文日期") or store.today(),
            due_on=_date(due, "期限"),
            source=source,
            tracked=not untracked,
            notes=notes,
        )
        case = store.add(new, reason="手動新增" if due is None else "手動新增，指定期限")
        if as_json:
            _print_json(_case_json(store, case))
            return
        _show_case(store, case)
        if case.due_rule != "manual":
            from yishi.cli_common import out

            out.print(store.deadline(case.kind, case.priority, case.received_on).explain())

    _guarded(action)


@cases_app.command("show")
def show(
    case_id: Annotated[str, typer.Argument(metavar="案號", help="案號. Case id.")],
    as_json: JsonOption = False,
) -> None:
    """顯示案件與完整歷程. Show a case and its history."""

    def action() -> None:
        store = _store()
        case = store.get(case_id)
        history = store.history(case_id)
        if as_json:
            data = _case_json(store, case)
            data["history"] = [asdict(h) for h in history]
            _print_json(data)
            return
        _show_case(store, case)
        _show_history(store, history)

    _guarded(action)


@cases_app.command("list")
def list_cases(
    agency: Annotated[str | None, typer.Option(help="機關（含別名）. Agency.")] = None,
    kind: Annotated[str | None, typer.Option(help="類別. Kind.")] = None,
    status: Annotated[list[str] | None, typer.Option(help="狀態，可重複. Status.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列逾期. Overdue only.")] = False,
    due_within: Annotated[
        int | None, typer.Option(min=0, help="N 個工作天內到期. Due within N working days.")
    ] = None,
    councillor: Annotated[str | None, typer.Option(help="議員. Councillor.")] = None,
    text: Annotated[str | None, typer.Option(help="標題或內容包含. Text contains.")] = None,
    with_co: Annotated[
        bool, typer.Option("--with-co", help="含協辦案件. Include co-agency cases.")
    ] = False,
    open_only: Annotated[bool, typer.Option("--open", help="只列未結案. Open only.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="最多列出幾件. Limit.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="略過前幾件. Offset.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """列出案件，依期限排序. List cases by due date."""

    def action() -> None:
        store = _store()
        query = CaseQuery(
            agency=agency,
            include_co_agency=with_co,
            kind=_parsed(parse_kind, kind),
            statuses=tuple(_parsed(parse_status, s) for s in status or ()),
            open_only=open_only,
            overdue=overdue,
            due_within=due_within,
            councillor=councillor,
            text=text,
            limit=limit,
            offset=offset,
        )
        page = store.find(query)
        if as_json:
            _print_json(
                {
                    "total": page.total,
                    "remaining": page.remaining,
                    "cases": [_case_json(store, c) for c in page.cases],
                }
            )
            return
        _show_table(store, page.cases)
        from yishi.cli_common import out

        summary = f"共 {page.total} 件"
        if page.remaining:
            summary += (
                f"，還有 {page.remaining} 件（用 --offset {offset + len(page.cases)} 看下一頁）"
            )
        out.print(summary)

    _guarded(action)


@cases_app.command("update")
def update(
    case_id: Annotated[str, typer.Argument(metavar="案號", help="案號. Case id.")],
    reason: Annotated[str | None, typer.Option(help="原因（記入歷程）. Reason.")] = None,
    status: Annotated[str | None, typer.Option(help="狀態. Status.")] = None,
    agency: Annotated[str | None, typer.Option(help="改分主辦機關. Lead agency.")] = None,
    co_agency: Annotated[
        list[str] | None, typer.Option(help="協辦機關（取代原有）. Co-agencies.")
    ] = None,
    priority: Annotated[str | None, typer.Option(help="速別. Priority.")] = None,
    received: Annotated[str | None, typer.Option(help="收文日期. Received date.")] = None,
    due: Annotated[str | None, typer.Option(help="展延或指定期限（須附原因）. Due date.")] = None,
    title: Annotated[str | None, typer.Option(help="標題. Title.")] = None,
    question: Annotated[str | None, typer.Option(help="內容. Question.")] = None,
    councillor: Annotated[str | None, typer.Option(help="議員. Councillor.")] = None,
    reply: Annotated[str | None, typer.Option(help="答復內容. Reply text.")] = None,
    replied: Annotated[str | None, typer.Option(help="答復日期. Reply date.")] = None,
    notes: Annotated[str | None, typer.Option(help="備註. Notes.")] = None,
    tracked: Annotated[
        bool | None, typer.Option("--tracked/--untracked", help="列管. Tracked.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """修改案件；每項變更都記入歷程. Change a case; every change is recorded."""

    def action() -> None:
        store = _store()
        changes = {
            "status": _parsed(parse_status, status),
            "lead_agency": agency,
            "co_agencies": tuple(co_agency) if co_agency else None,
            "priority": _parsed(parse_priority, priority),
            "received_on": _date(received, "收文日期"),
            "due_on": _date(due, "期限"),
            "title": title,
            "question": question,
            "councillor": councillor,
            "reply_text": reply,
            "replied_on": _date(replied, "答復日期"),
            "notes": notes,
            "tracked": tracked,
        }
        if all(v is None for v in changes.values()):
            raise InputError("沒有指定要修改的欄位")
        before = len(store.history(case_id))
        case = store.update(case_id, reason=reason, **changes)
        if as_json:
            _print_json(_case_json(store, case))
            return
        _show_case(store, case)
        _show_history(store, store.history(case_id)[before:], title="本次變更")

    _guarded(action)


@cases_app.command("close")
def close(
    case_id: Annotated[str, typer.Argument(metavar="案號", help="案號. Case id.")],
    reason: Annotated[str | None, typer.Option(help="原因. Reason.")] = None,
    release: Annotated[
        bool, typer.Option("--release", help="解除列管. Release from tracking.")
    ] = False,
) -> None:
    """結案或解除列管. Close a case, or release it from tracking."""

    def action() -> None:
        store = _store()
        case = store.close(case_id, reason=reason, release=release)
        from yishi.cli_common import out

        out.print(f"{case.id} 已{case.status.value}")

    _guarded(action)


@cases_app.command("reopen")
def reopen(
    case_id: Annotated[str, typer.Argument(metavar="案號", help="案號. Case id.")],
    reason: Annotated[str, typer.Option(help="原因（必填）. Reason.")],
) -> None:
    """重新辦理已答復或已結案的案件. Reopen a replied or closed case."""

    def action() -> None:
        case = _store().reopen(case_id, reason=reason)
        from yishi.cli_common import out

        out.print(f"{case.id} 已改為{case.status.value}")

    _guarded(action)


@cases_app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(metavar="檔案", help="CSV 或 XLSX 檔. CSV or XLSX file.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只檢查不匯入. Validate only.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """匯入案件：整份檔案先檢查，全部正確才一次匯入. Import all rows or none."""

    def action() -> None:
        from yishi.cli_common import err, out

        report = import_cases(_store(), path, dry_run=dry_run)
        if as_json:
            _print_json(asdict(report) | {"ok": report.ok})
        elif report.ok:
            verb = "檢查通過" if dry_run else "已匯入"
            out.print(f"{report.source}：{report.rows} 列{verb}，匯入 {report.imported} 件")
        else:
            table = Table(
                "列",
                "欄位",
                "問題",
                title=f"{report.source} 有 {len(report.problems)} 個問題，未匯入任何資料",
            )
            for problem in report.problems[:200]:
                table.add_row(str(problem.row), problem.column, problem.message)
            err.print(table)
        if not report.ok:
            raise typer.Exit(2)

    _guarded(action)


@cases_app.command("export")
def export(
    path: Annotated[
        Path, typer.Option("-o", "--output", help="輸出檔（.csv 或 .xlsx）. Output file.")
    ],
    report: Annotated[
        str | None, typer.Option(help="overdue：各機關執行情形一覽表. Report to export.")
    ] = None,
    agency: Annotated[str | None, typer.Option(help="機關. Agency.")] = None,
    kind: Annotated[str | None, typer.Option(help="類別. Kind.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只匯出逾期. Overdue only.")] = False,
) -> None:
    """匯出案件或逾期報表. Export cases, or the overdue report by agency."""

    def action() -> None:
        from yishi.cli_common import out

        store = _store()
        if report not in (None, "overdue"):
            raise InputError(f"不明的報表：{report}（可用：overdue）")
        if report == "overdue":
            late = store.find(CaseQuery(overdue=True, tracked=True, limit=None)).cases
            late = sorted(late, key=lambda c: (c.lead_agency, c.due_on))
            export_overdue_report(store, path, store.agency_summary(), late)
            out.print(f"已匯出執行情形一覽表：{path}（逾期 {len(late)} 件）")
            return
        query = CaseQuery(
            agency=agency, kind=_parsed(parse_kind, kind), overdue=overdue, limit=None
        )
        count = export_cases(store.find(query).cases, path, store.agencies)
        out.print(f"已匯出 {count} 件：{path}")

    _guarded(action)


@cases_app.command("deadline")
def deadline(
    kind: Annotated[str, typer.Option(help="類別. Kind.")],
    received: Annotated[str, typer.Option(help="收文日期. Received date.")],
    priority: Annotated[str, typer.Option(help="速別. Priority.")] = "普通件",
    as_json: JsonOption = False,
) -> None:
    """計算期限並說明理由. Compute a due date and explain it."""

    def action() -> None:
        from yishi.cli_common import out

        store = _store()
        result = store.deadline(
            _parsed(parse_kind, kind),
            _parsed(parse_priority, priority),
            _date(received, "收文日期") or store.today(),
        )
        if as_json:
            _print_json(
                {
                    "due": result.due,
                    "received": result.received,
                    "rule": asdict(result.rule),
                    "skipped": [{"date": d, "reason": r} for d, r in result.skipped],
                    "explanation": result.explain(),
                }
            )
            return
        out.print(f"期限：{result.due.isoformat()}")
        out.print(result.explain())

    _guarded(action)


@calendar_app.command("close")
def calendar_close(
    day: Annotated[str, typer.Argument(metavar="日期", help="日期. Date.")],
    reason: Annotated[str, typer.Option(help="原因（如 颱風停班）. Reason.")],
) -> None:
    """將某日設為停止上班（如颱風），並重算受影響案件期限. Close a day and re-date cases."""
    _guarded(lambda: _override(day, working=False, reason=reason))


@calendar_app.command("open")
def calendar_open(
    day: Annotated[str, typer.Argument(metavar="日期", help="日期. Date.")],
    reason: Annotated[str, typer.Option(help="原因（如 補班）. Reason.")],
) -> None:
    """將某日設為上班日（如補班、行事曆修正）. Make a day a working day."""
    _guarded(lambda: _override(day, working=True, reason=reason))


@calendar_app.command("remove")
def calendar_remove(
    day: Annotated[str, typer.Argument(metavar="日期", help="日期. Date.")],
) -> None:
    """取消某日的行事曆異動. Remove an override."""

    def action() -> None:
        moved = _store().remove_override(date_input(day, label="日期"))
        _print_moved(moved)

    _guarded(action)


@calendar_app.command("list")
def calendar_list(as_json: JsonOption = False) -> None:
    """列出行事曆異動. List overrides."""

    def action() -> None:
        from yishi.cli_common import out

        overrides = _store().overrides()
        if as_json:
            _print_json([asdict(o) for o in overrides])
            return
        table = Table("日期", "上班", "原因")
        for o in overrides:
            table.add_row(o.day.isoformat(), "是" if o.working else "否", o.reason)
        out.print(table)

    _guarded(action)


def _override(day: str, *, working: bool, reason: str) -> None:
    moved = _store().set_override(date_input(day, label="日期"), working=working, reason=reason)
    _print_moved(moved)


def _print_moved(moved: list[tuple[str, date, date]]) -> None:
    from yishi.cli_common import out

    out.print(f"已更新行事曆；{len(moved)} 件案件期限隨之調整")
    for case_id, old, new in moved[:50]:
        out.print(f"  {case_id}：{old} → {new}")


def _show_case(store: CaseStore, case: Case) -> None:
    from yishi.cli_common import out

    agencies = store.agencies
    late = "（逾期）" if case.is_overdue(store.today()) else ""
    table = Table(show_header=False, box=None)
    rows = [
        ("案號", case.id),
        (
            "類別",
            f"{case.kind.value}｜{case.priority.value}｜{'列管' if case.tracked else '不列管'}",
        ),
        ("標題", case.title),
        ("議員", case.councillor or ""),
        ("主辦機關", agencies.get(case.lead_agency).short),
        ("協辦機關", "、".join(agencies.get(c).short for c in case.co_agencies)),
        ("收文日期", case.received_on.isoformat()),
        (
            "期限",
            f"{case.due_on.isoformat()}{late}" + ("（指定）" if case.due_rule == "manual" else ""),
        ),
        ("狀態", case.status.value),
        ("來源", case.source or ""),
        ("內容", case.question),
        ("答復", (case.reply_text or "") + (f"（{case.replied_on}）" if case.replied_on else "")),
        ("備註", case.notes or ""),
    ]
    for label, value in rows:
        if value:
            table.add_row(f"[bold]{label}[/]", value)
    out.print(table)


def _show_history(store: CaseStore, history: list[Any], *, title: str = "歷程") -> None:
    from yishi.cli_common import out

    table = Table("時間", "人員", "變更", "原因", title=title)
    for entry in history:
        if entry.field:
            old = _history_value(store, entry.field, entry.old_value)
            new = _history_value(store, entry.field, entry.new_value)
            change = f"{field_label(entry.field)}：{old} → {new}"
        else:
            change = f"建立：{_created(store, entry.new_value or '')}"
        when = local_time(entry.at)
        table.add_row(f"{when:%Y-%m-%d %H:%M}", entry.actor, change, entry.reason or "")
    out.print(table)


def _history_value(store: CaseStore, field: str, value: str | None) -> str:
    """A stored history value as people read it: agency codes become short names."""
    if not value:
        return "（空）"
    if field in ("lead_agency", "co_agencies"):
        return "、".join(_agency_name(store, code) for code in value.split("、"))
    return value


def _created(store: CaseStore, summary: str) -> str:
    """The stored creation summary (…｜主辦 urban-development｜…（manual）) as people read it."""
    summary = re.sub(r"(?<=主辦 )[^｜]+", lambda m: _agency_name(store, m.group(0)), summary)
    return summary.replace("（manual）", "（指定）")


def _agency_name(store: CaseStore, code: str) -> str:
    try:
        return store.agencies.get(code).short
    except InputError:  # an agency since removed from the list: its code is all we have
        return code


def _show_table(store: CaseStore, cases: list[Case]) -> None:
    from yishi.cli_common import out

    today = store.today()
    table = Table("案號", "類別", "標題", "主辦", "期限", "狀態", "議員")
    for case in cases:
        due = case.due_on.isoformat()
        if case.is_overdue(today):
            due = f"[red]{due} 逾期[/]"
        table.add_row(
            case.id,
            case.kind.value,
            case.title[:30],
            store.agencies.get(case.lead_agency).short,
            due,
            case.status.value,
            case.councillor or "",
        )
    out.print(table)


__all__ = ["Kind", "Status", "calendar_app", "cases_app"]
