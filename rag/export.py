"""The draft reply as a DOCX a liaison can edit (python-docx)."""

from __future__ import annotations

from pathlib import Path

from rag.drafting import ReplyDraft
from yishi.documents import government_document, to_bytes
from yishi.errors import InputError
from yishi.files import write_file_atomically


def draft_lines(draft: ReplyDraft) -> list[str]:
    """The draft as the lines a liaison reads, shared by the CLI and the DOCX."""
    agency = draft.agency.agency.short if draft.agency.agency else "待確認"
    lines = [
        f"建議答復機關：{agency}（信心 {draft.agency.confidence:.0%}，{draft.agency.reason}）",
        "",
    ]
    lines += [s.render() for s in draft.sentences] or ["（無可引用的前案）"]
    if draft.unanswered:
        lines += ["", "尚無依據、待補資料的子題：", *[f"　・{q}" for q in draft.unanswered]]
    if draft.sources:
        lines += ["", "引用來源："]
        lines += [
            f"[{s.number}] 案號 {s.id}（{s.agency or '未載機關'}，{s.date or '日期不詳'}）"
            for s in draft.sources
        ]
    return lines


def render_docx(draft: ReplyDraft) -> bytes:
    document = government_document("書面答復（草稿）", title_size=18)
    document.add_paragraph(f"質詢內容：{draft.inquiry}")
    for line in draft_lines(draft):
        if line:
            document.add_paragraph(line)
    for note in draft.notes:
        document.add_paragraph(f"注意：{note}")
    made_by = (
        "前案大綱"
        if draft.drafter == "outline"
        else f"語言模型 {draft.model}（提示 {draft.prompt_version}）"
    )
    document.add_paragraph(f"〔Yishi 議事助理{made_by}草稿，引用之數據請以最新資料核對後定稿。〕")
    return to_bytes(document)


def write_docx(draft: ReplyDraft, path: Path) -> Path:
    data = render_docx(draft)
    try:
        return write_file_atomically(path, data)
    except OSError as exc:
        raise InputError(f"無法寫入 {path}（{exc.strerror or exc}）") from exc
