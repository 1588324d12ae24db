"""Word documents in the government's house style (python-docx): 標楷體, 14 pt, a centred title."""

from __future__ import annotations

import io
from typing import Any

FONT = "標楷體"  # the government's document typeface (DFKai-SB); viewers substitute a Kai font


def government_document(title: str, *, title_size: int = 20) -> Any:
    """A new python-docx Document with the house style and ``title`` set."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(title_size)
    return document


def to_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
