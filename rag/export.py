"""The draft reply as a DOCX a liaison can edit (python-docx)."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from rag.drafting import ReplyDraft
from yishi.errors import InputError

FONT = "標楷體"


def render_docx(draft: ReplyDraft) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("書面答復（草稿）")
    run.bold = True
    run.font.size = Pt(18)
    agency = draft.agency.agency.short if draft.agency.agency else "待確認"
    document.add_paragraph(
        f"答復機關：{agency}（建議，信心 {draft.agency.confidence:.0%}；{draft.agency.reason}）"
    )
    document.add_paragraph(f"質詢內容：{draft.inquiry}")
    for sentence in draft.sentences:
        document.add_paragraph(sentence.render())
    if draft.unanswered:
        document.add_paragraph("尚無依據、待補資料的子題：")
        for question in draft.unanswered:
            document.add_paragraph(f"　・{question}")
    if draft.sources:
        document.add_paragraph("引用來源：")
        for source in draft.sources:
            document.add_paragraph(
                f"[{source.number}] 案號 {source.id}（{source.agency or '未載機關'}，{source.date or '日期不詳'}）"
            )
    for note in draft.notes:
        document.add_paragraph(f"注意：{note}")
    made_by = (
        "前案大綱"
        if draft.drafter == "outline"
        else f"語言模型 {draft.model}（提示 {draft.prompt_version}）"
    )
    document.add_paragraph(f"〔Yishi 議事助理{made_by}草稿，引用之數據請以最新資料核對後定稿。〕")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_docx(draft: ReplyDraft, path: Path) -> Path:
    data = render_docx(draft)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(handle, "wb") as sink:
            sink.write(data)
        os.replace(partial, path)
    except OSError as exc:
        raise InputError(f"無法寫入 {path}（{exc.strerror or exc}）") from exc
    return path
