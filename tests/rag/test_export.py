"""The reply draft DOCX."""

from __future__ import annotations

import stat
from pathlib import Path

from docx import Document

from inquiries import default_agencies
from rag.drafting import DraftSentence, ReplyDraft, Source
from rag.export import write_docx
from rag.routing import AgencySuggestion
from tests.yishi.test_files import umask


def test_reply_draft_gets_the_umask_mode(tmp_path: Path) -> None:
    draft = ReplyDraft(
        inquiry="請說明社會住宅興建進度",
        agency=AgencySuggestion(default_agencies().resolve("都發局"), 0.9, "前案多由都發局答復"),
        subquestions=["社會住宅興建進度"],
        sentences=[DraftSentence("本府社會住宅興建持續推動。", citations=[1])],
        sources=[Source(1, "114-質-0001", "都發局", "2025-05-01", "進度？", "持續推動。")],
        unanswered=[],
        drafter="outline",
    )
    with umask(0o022):
        path = write_docx(draft, tmp_path / "答復草稿.docx")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert "都市發展局" in "\n".join(p.text for p in Document(str(path)).paragraphs)
