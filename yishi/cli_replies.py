"""``yishi replies …``: index past replies, search them, draft a cited reply, evaluate retrieval."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from yishi.config import get_settings
from yishi.errors import InputError

replies_app = typer.Typer(
    help="答復草擬：以過去質詢與答復檢索並草擬書面答復. Reply drafting from past replies.",
    no_args_is_help=True,
)
JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 輸出. Print JSON.")]


def _guarded(action: Any) -> None:
    from yishi.cli_common import run_guarded

    run_guarded(action)


@replies_app.command("index")
def index(
    files: Annotated[
        list[Path] | None,
        typer.Argument(metavar="檔案", help="JSONL、CSV 或 XLSX 檔. Record files."),
    ] = None,
    from_cases: Annotated[
        bool, typer.Option("--from-cases", help="同步追蹤系統中已答復的案件. Sync replied cases.")
    ] = False,
    remove: Annotated[list[str] | None, typer.Option(help="移除指定 id. Remove ids.")] = None,
    as_json: JsonOption = False,
) -> None:
    """建立或更新答復索引（同一 id 重新匯入即更新）. Index past question/reply records."""

    def action() -> None:
        import rag
        from inquiries import CaseStore
        from yishi.cli_common import err, out

        if not files and not from_cases and not remove:
            raise InputError("請指定檔案、--from-cases 或 --remove")
        settings = get_settings()
        index_ = rag.open_index(settings)
        summary: dict[str, Any] = {"files": [], "problems": [], "warnings": []}
        for path in files or []:
            loaded = rag.load_records(path, index_.agencies)
            with _progress("建立索引") as advance:
                report = index_.index_records(loaded.records, on_progress=advance)
            summary["files"].append(
                {"file": path.name, **{k: len(v) for k, v in asdict(report).items()}}
            )
            for p in loaded.problems:  # a warning's record was indexed; a problem's line was not
                found = {"file": path.name, "line": p.line, "message": p.message}
                summary["warnings" if p.kept else "problems"].append(found)
        if from_cases:
            report = index_.sync_from_cases(CaseStore.from_settings(settings))
            summary["cases"] = {k: len(v) for k, v in asdict(report).items()}
        if remove:
            summary["removed"] = index_.remove(remove)
        summary["total"] = index_.count()
        if as_json:
            out.print_json(json.dumps(summary, ensure_ascii=False))
        else:
            for item in summary["files"]:
                out.print(
                    f"{item['file']}：新增 {item['added']}、更新 {item['updated']}、未變 {item['unchanged']}"
                )
            if "cases" in summary:
                c = summary["cases"]
                out.print(
                    f"追蹤案件：新增 {c['added']}、更新 {c['updated']}、未變 {c['unchanged']}、移除 {c['removed']}"
                )
            if summary.get("removed"):
                out.print(f"已移除：{'、'.join(summary['removed'])}")
            out.print(f"索引共 {summary['total']} 件")
            for kind, label in (("problems", "略過"), ("warnings", "注意")):
                for found in summary[kind][:100]:
                    err.print(
                        f"{label} {found['file']} 第 {found['line']} 行：{found['message']}",
                        highlight=False,
                    )
        if summary["problems"]:
            raise typer.Exit(2)

    _guarded(action)


@replies_app.command("search")
def search(
    query: Annotated[str, typer.Argument(metavar="查詢", help="質詢內容或關鍵字. Inquiry text.")],
    k: Annotated[int, typer.Option("-k", min=1, max=50, help="筆數. Results.")] = 5,
    agency: Annotated[str | None, typer.Option(help="只看某機關. Agency filter.")] = None,
    mode: Annotated[str, typer.Option(help="hybrid、dense、lexical. Retrieval arm.")] = "hybrid",
    as_json: JsonOption = False,
) -> None:
    """檢索最相似的過去質詢與答復. Find the most similar past cases."""

    def action() -> None:
        import rag
        from yishi.cli_common import out

        if mode not in ("hybrid", "dense", "lexical"):
            raise InputError(f"不明的檢索方式：{mode}")
        index_ = rag.open_index()
        hits = rag.search(query, k=k, agency=agency, mode=mode, index=index_)  # type: ignore[arg-type]
        names = {a.code: a.short for a in index_.agencies}
        if as_json:
            out.print_json(json.dumps([
                {"id": h.record.id, "score": h.score, "dense": h.dense, "lexical": h.lexical, "exact": h.exact,
                 "agency": h.record.agency_label(names),
                 "co_agencies": [names.get(c, c) for c in h.record.co_agencies], "date": h.record.date,
                 "question": h.record.question, "reply": h.record.reply}
                for h in hits
            ], ensure_ascii=False))  # fmt: skip
            return
        if not hits:
            out.print("找不到相似的前案。")
            return
        table = Table("案號", "分數", "機關", "日期", "問", "答")
        for hit in hits:
            record = hit.record
            table.add_row(
                record.id,
                f"{hit.score:.3f}",
                record.agencies_label(names) or "",
                record.date or "",
                record.question[:40],
                record.reply[:60],
            )
        out.print(table)

    _guarded(action)


@replies_app.command("draft")
def draft(
    inquiry: Annotated[
        str, typer.Argument(metavar="質詢內容", help="新的質詢內容. The new inquiry.")
    ],
    agency: Annotated[str | None, typer.Option(help="指定答復機關. Answering agency.")] = None,
    k: Annotated[int, typer.Option("-k", min=1, max=20, help="參考前案數. Cases to use.")] = 5,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="另存 DOCX. Save as DOCX.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """草擬書面答復，每句附引用來源. Draft a cited written reply."""

    def action() -> None:
        import rag
        from rag.export import draft_lines, write_docx
        from yishi.cli_common import err, out

        result = rag.draft_reply(inquiry, k=k, agency=agency)
        if output is not None:
            write_docx(result, output)
        if as_json:
            data = {
                "agency": result.agency.agency.short if result.agency.agency else None,
                "agency_confidence": result.agency.confidence, "agency_reason": result.agency.reason,
                "sentences": [asdict(s) | {"rendered": s.render()} for s in result.sentences],
                "sources": [asdict(s) for s in result.sources], "unanswered": result.unanswered,
                "subquestions": result.subquestions, "drafter": result.drafter, "model": result.model,
                "prompt_version": result.prompt_version, "notes": result.notes,
            }  # fmt: skip
            out.print_json(json.dumps(data, ensure_ascii=False))
            return
        for line in draft_lines(result):
            out.print(line, highlight=False)
        for note in result.notes:
            err.print(f"注意：{note}", highlight=False)
        if output is not None:
            out.print(f"\n已存成 {output}")

    _guarded(action)


@replies_app.command("eval")
def evaluate(
    files: Annotated[
        list[Path],
        typer.Argument(metavar="評估檔", help="評估用質詢 JSONL. Labelled inquiries."),
    ],
    as_json: JsonOption = False,
) -> None:
    """評估檢索：各方式的 recall@1/5、MRR 與機關判斷正確率. Evaluate retrieval."""

    def action() -> None:
        import rag
        from rag.eval import evaluate as run
        from rag.eval import load_inquiries
        from yishi.cli_common import out

        results = run(rag.open_index(), load_inquiries(files))
        if as_json:
            out.print_json(json.dumps([
                {"mode": r.mode, "queries": r.queries, "recall_at_1": r.recall_at_1, "recall_at_5": r.recall_at_5,
                 "full_recall_at_5": r.full_recall_at_5, "mrr": r.mrr, "agency_accuracy": r.agency_accuracy}
                for r in results
            ]))  # fmt: skip
            return
        table = Table("方式", "題數", "recall@1", "recall@5", "全部相關@5", "MRR", "機關正確率")
        for r in results:
            table.add_row(
                r.mode,
                str(r.queries),
                f"{r.recall_at_1:.3f}",
                f"{r.recall_at_5:.3f}",
                f"{r.full_recall_at_5:.3f}",
                f"{r.mrr:.3f}",
                f"{r.agency_accuracy:.3f}",
            )
        out.print(table)

    _guarded(action)


class _progress:
    def __init__(self, label: str) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        from yishi.cli_common import err, show_progress

        self._progress = Progress(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            disable=not show_progress(),
        )
        self._task = self._progress.add_task(label, total=None)

    def __enter__(self):  # type: ignore[no-untyped-def]
        self._progress.start()
        return lambda done, total: self._progress.update(self._task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()
