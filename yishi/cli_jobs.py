"""``yishi worker`` and ``yishi jobs``: run the job workers, see and retry jobs."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from yishi.cli_common import out, run_guarded
from yishi.config import get_settings

jobs_app = typer.Typer(
    help="背景工作（轉寫、草擬紀錄、提醒）. Background jobs.", no_args_is_help=True
)


def worker(
    beat: Annotated[
        bool,
        typer.Option("--beat", help="同時執行排程（回收中斷的工作、每日提醒）；全系統只需一個."),
    ] = False,
    loglevel: Annotated[str, typer.Option(help="記錄層級. Log level.")] = "WARNING",
) -> None:
    """執行背景工作程序（一次一件）. Run a job worker."""

    def action() -> None:
        from yishi.jobs import run_worker

        run_worker(get_settings(), beat=beat, loglevel=loglevel.upper())

    run_guarded(action)


@jobs_app.command("list")
def list_jobs(
    state: Annotated[str | None, typer.Option(help="queued、running、done、failed. State.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="筆數. Rows.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="輸出 JSON.")] = False,
) -> None:
    """列出背景工作. List jobs."""

    def action() -> None:
        from yishi.db import get_engine
        from yishi.errors import InputError
        from yishi.jobstore import STATES, JobStore

        if state is not None and state not in STATES:
            raise InputError(f"不明的狀態：{state}（可用：{'、'.join(STATES)}）")
        jobs = JobStore(get_engine(get_settings())).list(
            states=(state,) if state else (), limit=limit
        )
        if as_json:
            out.print_json(json.dumps([_record(j) for j in jobs], ensure_ascii=False))
            return
        if not jobs:
            out.print("沒有背景工作。")
            return
        for job in jobs:
            fraction = job.fraction
            shown = f"{fraction:.0%}" if fraction is not None else "—"
            line = f"{job.id[:8]}  {job.kind}  {job.state_name}  {shown}  第 {job.attempts} 次"
            if job.error:
                line += f"  {job.error}"
            out.print(line, highlight=False)

    run_guarded(action)


@jobs_app.command("retry")
def retry(job_id: Annotated[str, typer.Argument(metavar="工作編號")]) -> None:
    """重試失敗的工作. Retry a failed job."""

    def action() -> None:
        from yishi.db import get_engine
        from yishi.errors import InputError
        from yishi.jobs import publish
        from yishi.jobstore import JobStore

        store = JobStore(get_engine(get_settings()))
        matches = [j for j in store.list(limit=1000) if j.id.startswith(job_id.lower())]
        if len(matches) != 1:
            raise InputError(f"找不到唯一的工作：{job_id}")
        job = store.retry(matches[0].id)
        if job is None:
            raise InputError(f"只能重試失敗的工作（目前：{matches[0].state_name}）")
        publish(job.id)
        out.print(f"已重新排入佇列：{job.id}")

    run_guarded(action)


def _record(job) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "id": job.id, "kind": job.kind, "state": job.state, "attempts": job.attempts,
        "progress": job.fraction, "error": job.error, "meeting_id": job.meeting_id,
        "created_at": job.created_at.isoformat(), "result": job.result,
    }  # fmt: skip
