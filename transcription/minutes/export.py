"""Lay the minutes out as Taipei's minutes are: Markdown, DOCX (python-docx) and ODT (odfpy)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from transcription.minutes.schema import DIRECTIVE_FLAGS, Directive, DiscussionItem, Minutes
from yishi.documents import FONT, government_document, to_bytes
from yishi.errors import InputError
from yishi.files import write_atomically

FORMATS = ("md", "docx", "odt", "json")
CHINESE_NUMBERS = "一二三四五六七八九十"
SECTION_NUMBERS = ("壹", "貳", "參", "肆", "伍", "陸", "柒", "捌", "玖", "拾")
DIRECTIVE_HEADERS = ("編號", "裁示事項", "權責機關", "期限", "錄音位置")
COLUMN_CM = (1.3, 8.0, 3.6, 3.2, 2.0)


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 3600:d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _ordinal(index: int) -> str:
    return CHINESE_NUMBERS[index] if index < 10 else str(index + 1)


def directive_row(number: int, directive: Directive) -> tuple[str, str, str, str, str]:
    if directive.lead_agency_name:
        agencies = directive.lead_agency_name
    elif directive.agency_said and "no_agency" in directive.flags:
        agencies = f"（待確認：{directive.agency_said}）"  # a head addressed by title: 處長
    else:
        agencies = directive.agency_said or "（待確認）"
    if directive.co_agency_names:
        agencies += f"（會同{'、'.join(directive.co_agency_names)}）"
    if directive.due is not None:
        due = (
            f"{directive.due.isoformat()}（{directive.deadline_text}）"
            if directive.deadline_text
            else directive.due.isoformat()
        )
    else:
        due = directive.deadline_text or "未指定"
    text = directive.text
    if directive.flags:
        reasons = [DIRECTIVE_FLAGS.get(f, f) for f in directive.flags]
        if "not_from_chair" in directive.flags and directive.speaker:
            reasons.append(f"發言者：{directive.speaker}")
        text += "〔待確認：" + "、".join(reasons) + "〕"
    return str(number), text, agencies, due, _clock(directive.span.start)


def sections(minutes: Minutes) -> list[tuple[str, list[str]]]:
    """The body as numbered sections of paragraphs, shared by every format."""
    body: list[tuple[str, list[str]]] = []
    if minutes.follow_ups:
        body.append((
            "上次會議決議及指裁示事項執行情形",
            [f"{_ordinal(i)}、{f.text}（{f.decision}）" if f.decision else f"{_ordinal(i)}、{f.text}"
             for i, f in enumerate(minutes.follow_ups)],
        ))  # fmt: skip
    if minutes.reports:
        lines = []
        for i, report in enumerate(minutes.reports):
            lines.append(f"{_ordinal(i)}、{report.title}")
            lines += [f"　　{s}" for s in report.summary]
        body.append(("報告事項", lines))
    for title, items in (("討論事項", minutes.discussions), ("臨時動議", minutes.motions)):
        if items:
            body.append((title, _discussion_lines(items)))
    if minutes.questions:
        body.append((
            "議員質詢",
            [f"{_ordinal(i)}、{q.councillor}（{_clock(q.span.start)}）：{q.text}"
             for i, q in enumerate(minutes.questions)],
        ))  # fmt: skip
    body.append(("主席裁示（指示）事項", [] if minutes.directives else ["（本次會議無裁示事項）"]))
    if minutes.adjourned_at is not None:
        body.append(("散會", [_adjourned(minutes)]))
    return body


def _adjourned(minutes: Minutes) -> str:
    """The clock time when the start time is known ("散會時間 10:47"), else the recording time."""
    recorded = f"錄音時間 {_clock(minutes.adjourned_at)}"
    start = minutes.header.start_time or ""
    if minutes.adjourned_at is None or not re.fullmatch(r"\d{1,2}:\d{2}", start):
        return recorded
    hours, minutes_part = (int(p) for p in start.split(":"))
    total = hours * 60 + minutes_part + int(minutes.adjourned_at // 60)
    return f"散會時間 {total // 60 % 24:02d}:{total % 60:02d}（{recorded}）"


def _discussion_lines(items: list[DiscussionItem]) -> list[str]:
    lines = []
    for i, item in enumerate(items):
        lines.append(f"第{_ordinal(i)}案")
        lines.append(
            f"　　案由：{item.subject}" + (f"（{item.proposer}提）" if item.proposer else "")
        )
        if item.explanation:
            lines.append("　　說明：" + "".join(item.explanation))
        lines.append(f"　　決議：{item.decision or '（待填）'}")
    return lines


def header_lines(minutes: Minutes) -> list[tuple[str, str]]:
    header = minutes.header
    when = header.date.isoformat() if header.date else ""
    if header.start_time:
        when += f" {header.start_time}"
    return [
        ("時間", when),
        ("地點", header.location or ""),
        ("主席", header.chair or ""),
        ("出席人員", "、".join(header.attendees)),
        ("列席人員", "、".join(header.observers)),
        ("紀錄", header.recorder or ""),
    ]


def render_markdown(minutes: Minutes) -> str:
    lines = [f"# {_title(minutes)}", ""]
    lines += [f"- {label}：{value}" for label, value in header_lines(minutes)]
    lines.append("")
    for index, (title, paragraphs) in enumerate(sections(minutes)):
        lines += [f"## {SECTION_NUMBERS[index]}、{title}", ""]
        lines += [p.replace("　　", "　　") for p in paragraphs]
        if title.startswith("主席裁示") and minutes.directives:
            lines.append("| " + " | ".join(DIRECTIVE_HEADERS) + " |")
            lines.append("|" + "---|" * len(DIRECTIVE_HEADERS))
            for number, directive in enumerate(minutes.directives, 1):
                cells = [c.replace("|", "｜") for c in directive_row(number, directive)]
                lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    if minutes.notes:
        lines += ["---", "", *[f"> 注意：{note}" for note in minutes.notes], ""]
    lines.append(_draft_note(minutes))
    return "\n".join(lines) + "\n"


def _draft_note(minutes: Minutes) -> str:
    drafter = (
        "規則式草擬"
        if minutes.draft.drafter == "rules"
        else f"語言模型草擬（{minutes.draft.model}，提示 {minutes.draft.prompt_version}）"
    )
    return f"〔本紀錄為 Yishi 議事助理{drafter}之草稿，請核對錄音後定稿。〕"


def render_docx(minutes: Minutes) -> bytes:
    from docx.shared import Cm

    document = government_document(_title(minutes))
    for label, value in header_lines(minutes):
        document.add_paragraph(f"{label}：{value}")
    for index, (heading, paragraphs) in enumerate(sections(minutes)):
        head = document.add_paragraph()
        head_run = head.add_run(f"{SECTION_NUMBERS[index]}、{heading}")
        head_run.bold = True
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        if heading.startswith("主席裁示") and minutes.directives:
            table = document.add_table(rows=1, cols=len(DIRECTIVE_HEADERS))
            table.style = "Table Grid"
            table.autofit = False
            for cell, text in zip(table.rows[0].cells, DIRECTIVE_HEADERS, strict=True):
                cell.text = text
            for number, directive in enumerate(minutes.directives, 1):
                for cell, text in zip(
                    table.add_row().cells, directive_row(number, directive), strict=True
                ):
                    cell.text = text
            for row in table.rows:
                for cell, width in zip(row.cells, COLUMN_CM, strict=True):
                    cell.width = Cm(width)
    for note in minutes.notes:
        document.add_paragraph(f"注意：{note}")
    document.add_paragraph(_draft_note(minutes))
    return to_bytes(document)


def render_odt(minutes: Minutes) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.style import (
        FontFace,
        ParagraphProperties,
        Style,
        TableColumnProperties,
        TextProperties,
    )
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    document = OpenDocumentText()
    document.fontfacedecls.addElement(FontFace(name=FONT, fontfamily=FONT))
    body_style = Style(name="Body", family="paragraph")
    body_style.addElement(TextProperties(fontsize="14pt", fontnameasian=FONT, fontname=FONT))
    title_style = Style(name="Title", family="paragraph")
    title_style.addElement(ParagraphProperties(textalign="center"))
    title_style.addElement(
        TextProperties(
            fontsize="20pt", fontweight="bold", fontweightasian="bold", fontnameasian=FONT
        )
    )
    heading_style = Style(name="Heading", family="paragraph")
    heading_style.addElement(
        TextProperties(
            fontsize="16pt", fontweight="bold", fontweightasian="bold", fontnameasian=FONT
        )
    )
    column_styles = []
    for index, width in enumerate(COLUMN_CM):
        column_style = Style(name=f"Column{index}", family="table-column")
        column_style.addElement(TableColumnProperties(columnwidth=f"{width}cm"))
        column_styles.append(column_style)
    for style in (body_style, title_style, heading_style):
        document.styles.addElement(style)
    for column_style in column_styles:
        document.automaticstyles.addElement(column_style)
    text = document.text
    text.addElement(P(stylename=title_style, text=_title(minutes)))
    for label, value in header_lines(minutes):
        text.addElement(P(stylename=body_style, text=f"{label}：{value}"))
    for index, (heading, paragraphs) in enumerate(sections(minutes)):
        text.addElement(P(stylename=heading_style, text=f"{SECTION_NUMBERS[index]}、{heading}"))
        for paragraph in paragraphs:
            text.addElement(P(stylename=body_style, text=paragraph))
        if heading.startswith("主席裁示") and minutes.directives:
            table = Table(name="Directives")
            for column_style in column_styles:
                table.addElement(TableColumn(stylename=column_style))
            rows = [
                DIRECTIVE_HEADERS,
                *(directive_row(n, d) for n, d in enumerate(minutes.directives, 1)),
            ]
            for values in rows:
                row = TableRow()
                for value in values:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(stylename=body_style, text=value))
                    row.addElement(cell)
                table.addElement(row)
            text.addElement(table)
    for note in minutes.notes:
        text.addElement(P(stylename=body_style, text=f"注意：{note}"))
    text.addElement(P(stylename=body_style, text=_draft_note(minutes)))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _title(minutes: Minutes) -> str:
    title = minutes.header.title
    if title.endswith("紀錄"):
        return title
    return f"{title}紀錄" if title.endswith(("會議", "會報", "大會")) else f"{title}會議紀錄"


RENDERERS: dict[str, Callable[[Minutes], bytes]] = {
    "md": lambda m: render_markdown(m).encode("utf-8"),
    "docx": render_docx,
    "odt": render_odt,
    "json": lambda m: (m.model_dump_json(indent=2) + "\n").encode("utf-8"),
}


def parse_minutes_formats(value: str) -> list[str]:
    formats = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = [f for f in formats if f not in RENDERERS]
    if unknown or not formats:
        raise InputError(
            f"不支援的紀錄格式：{'、'.join(unknown) or value}（可用：{','.join(FORMATS)}）"
        )
    return list(dict.fromkeys(formats))


def write_minutes(minutes: Minutes, *, outdir: Path, stem: str, formats: list[str]) -> list[Path]:
    """Render every format first, then move them all into place; a failure leaves none."""
    rendered = {fmt: RENDERERS[fmt](minutes) for fmt in formats}
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"無法寫入輸出目錄：{outdir}（{exc.strerror or exc}）") from exc
    files = {outdir / f"{stem}.{fmt}": data for fmt, data in rendered.items()}
    try:
        return write_atomically(files)
    except OSError as exc:
        raise InputError(f"寫入會議紀錄失敗：{outdir}（{exc.strerror or exc}）") from exc
