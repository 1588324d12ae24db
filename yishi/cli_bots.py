"""``yishi serve``, ``yishi staff …``: the bots' server and who may use them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from yishi.clock import local_time
from yishi.config import get_settings
from yishi.errors import InputError

if TYPE_CHECKING:
    from bots import Staff, StaffDirectory

staff_app = typer.Typer(help="人員綁定與權限. Staff binding and access.", no_args_is_help=True)


def _guarded(action: Any) -> None:
    from yishi.cli_common import run_guarded

    run_guarded(action)


def _directory() -> StaffDirectory:
    from bots import StaffDirectory
    from yishi.db import get_engine

    return StaffDirectory(get_engine(get_settings()))


# Role ids (stored, and in --json) and the names people read and may type.
ROLE_NAMES = {"liaison": "機關聯絡人", "secretariat": "秘書處人員", "admin": "系統管理員"}
_ROLE_ALIASES = {"聯絡人": "liaison", "秘書處": "secretariat", "管理員": "admin"}
PLATFORM_NAMES = {"line": "LINE", "telegram": "Telegram"}


def parse_role(value: str) -> str:
    """The role id for 機關聯絡人／秘書處人員 (or liaison／secretariat)."""
    text = value.strip()
    by_name = {name: role for role, name in ROLE_NAMES.items()} | _ROLE_ALIASES
    role = by_name.get(text) or (text.lower() if text.lower() in ROLE_NAMES else None)
    if role is None:
        raise InputError(f"不明的角色：{value}（可用：{'、'.join(ROLE_NAMES.values())}）")
    return role


@staff_app.command("invite")
def invite(
    name: Annotated[str, typer.Option(help="姓名. Name.")],
    agency: Annotated[str, typer.Option(help="所屬機關（如 都發局）. Agency.")],
    role: Annotated[
        str,
        typer.Option(
            help="機關聯絡人（只查本機關案件）或 秘書處人員（查全府案件）."
            " Role: liaison or secretariat."
        ),
    ] = ROLE_NAMES["liaison"],
    hours: Annotated[int, typer.Option(min=1, max=720, help="綁定碼有效小時. Code validity.")] = 72,
) -> None:
    """產生一次性綁定碼. Create a one-time binding code."""

    def action() -> None:
        from yishi.cli_common import out

        directory = _directory()
        invitation = directory.invite(
            name=name, agency=agency, role=parse_role(role), valid_hours=hours
        )
        staff = invitation.staff
        agency_name = directory.agencies.get(staff.agency).short
        out.print(f"人員編號 {staff.id}：{staff.name}（{agency_name}，{ROLE_NAMES[staff.role]}）")
        expires = local_time(invitation.expires_at)
        out.print(f"綁定碼：{invitation.code}（{expires:%Y-%m-%d %H:%M} 前有效，只能使用一次）")
        out.print("請本人在 LINE 或 Telegram 傳送此綁定碼給議事助理。")

    _guarded(action)


@staff_app.command("revoke")
def revoke(
    staff_id: Annotated[int, typer.Argument(metavar="人員編號", help="人員編號. Staff id.")],
) -> None:
    """立即停止某人員的查詢權限. Cut access at once."""

    def action() -> None:
        from yishi.cli_common import out

        staff = _directory().revoke(staff_id)
        out.print(f"已停用 {staff.name}，其綁定的帳號立即無法查詢。")

    _guarded(action)


@staff_app.command("set-login")
def set_login(
    staff_id: Annotated[int, typer.Argument(metavar="人員編號", help="人員編號. Staff id.")],
    username: Annotated[str, typer.Option(help="登入帳號（英數字）. Console user name.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="由標準輸入讀取密碼. Read it from stdin.")
    ] = False,
) -> None:
    """設定網頁操作介面的帳號與密碼（argon2 雜湊保存）. Set a console sign-in."""

    def action() -> None:
        import sys

        from yishi.cli_common import out
        from yishi.web.auth import hash_password

        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = typer.prompt("密碼", hide_input=True, confirmation_prompt=True)
        staff = _directory().set_login(
            staff_id, username=username, password_hash=hash_password(password)
        )
        out.print(f"已設定 {staff.name} 的登入帳號：{username.strip().lower()}")

    _guarded(action)


@staff_app.command("list")
def list_staff(
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 輸出. Print JSON.")] = False,
) -> None:
    """列出人員與綁定狀態. List staff."""

    def action() -> None:
        from yishi.cli_common import out

        directory = _directory()
        accounts: dict[int, list[tuple[str, bool]]] = {}
        for account in directory.accounts():
            accounts.setdefault(account.staff.id, []).append((account.platform, account.blocked))
        if as_json:
            rows = [_staff_json(directory, s, accounts.get(s.id, [])) for s in directory.staff()]
            out.print_json(data=rows, ensure_ascii=False)
            return
        table = Table("編號", "姓名", "機關", "角色", "狀態", "綁定")
        for staff in directory.staff():
            bound = "、".join(
                PLATFORM_NAMES.get(platform, platform) + ("（已封鎖）" if blocked else "")
                for platform, blocked in accounts.get(staff.id, [])
            )
            agency_name = directory.agencies.get(staff.agency).short
            role_name = ROLE_NAMES.get(staff.role, staff.role)
            status = "啟用" if staff.active else "停用"
            table.add_row(str(staff.id), staff.name, agency_name, role_name, status, bound)
        out.print(table)

    _guarded(action)


def _staff_json(
    directory: StaffDirectory, staff: Staff, accounts: list[tuple[str, bool]]
) -> dict[str, Any]:
    return {
        "id": staff.id, "name": staff.name, "agency": staff.agency,
        "agency_name": directory.agencies.get(staff.agency).short, "role": staff.role,
        "role_name": ROLE_NAMES.get(staff.role, staff.role), "active": staff.active,
        "accounts": [{"platform": p, "blocked": blocked} for p, blocked in accounts],
    }  # fmt: skip


def serve(
    host: Annotated[str, typer.Option(help="監聽位址. Host.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="連接埠. Port.")] = 8000,
) -> None:
    """啟動網頁操作介面、LINE／Telegram webhook 與背景工作程序. Serve the console, webhooks and workers."""

    def action() -> None:
        import uvicorn

        from yishi.web.app import create_app

        uvicorn.run(create_app(start_workers=True), host=host, port=port, log_level="warning")

    _guarded(action)


def remind(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只列出會發給誰，不發送. Don't send.")
    ] = False,
    at: Annotated[
        str | None, typer.Option("--at", help="每天此時發送（HH:MM，持續執行）. Send daily at.")
    ] = None,
) -> None:
    """發送每日案件提醒（今天到期、即將到期、逾期）. Send the daily digest."""

    def action() -> None:
        import asyncio

        from yishi.cli_common import out

        if at is not None:
            asyncio.run(_daily(at, dry_run))
            return
        report = asyncio.run(_remind_once(dry_run))
        if not report.working_day:
            out.print(f"{report.day} 不是工作日，不發送提醒。")
            return
        out.print(
            f"{report.day}：已發送 {len(report.sent)} 人"
            + ("（試算，未實際發送）" if dry_run else "")
        )
        for label, people in (
            ("無到期案件", report.nothing_due),
            ("已封鎖機器人", report.blocked),
            ("發送失敗", report.failed),
        ):
            if people:
                out.print(f"{label}：{'、'.join(people)}")
        if report.failed:
            raise typer.Exit(1)

    _guarded(action)


async def _remind_once(dry_run: bool):  # type: ignore[no-untyped-def]
    from bots.notify import remind_once
    from yishi.cli_common import err

    def problem(text: str) -> None:
        err.print(f"[bold red]錯誤：[/]{text}", highlight=False)

    return await remind_once(get_settings(), dry_run=dry_run, on_problem=problem)


async def _daily(at: str, dry_run: bool) -> None:
    import asyncio
    import re
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from yishi.errors import InputError

    if not re.fullmatch(r"\d{1,2}:\d{2}", at):
        raise InputError(f"時間格式應為 HH:MM：{at}")
    hour, minute = (int(p) for p in at.split(":"))
    zone = ZoneInfo(get_settings().timezone)
    while True:
        now = datetime.now(zone)
        next_run = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if next_run <= now:
            next_run += timedelta(days=1)
        await asyncio.sleep((next_run - now).total_seconds())
        await _remind_once(dry_run)
