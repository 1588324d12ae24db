from __future__ import annotations

import shutil
import stat
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from tests.minutes_fixtures import MINUTES_DATA, load
from tests.transcription.minutes.test_rules import HEADER, transcript_of
from tests.yishi.test_files import umask
from transcription.minutes import MeetingHeader, Minutes, RuleBasedDrafter
from transcription.minutes.export import render_markdown, write_minutes
from yishi.errors import InputError


@pytest.fixture(scope="module")
def minutes() -> Minutes:
    meeting = load(MINUTES_DATA / "city-meeting-2026-06-16.meeting.yaml")
    header = MeetingHeader(
        title="第2315次市政會議", meeting_type="市政會議", date=date(2026, 6, 16), start_time="09:00",
        location="市政大樓8樓大會議室", chair="蔣萬安", recorder="秘書處議事科",
    )  # fmt: skip
    return RuleBasedDrafter().draft(meeting.transcript(), header)


def test_markdown_has_the_government_layout(minutes: Minutes) -> None:
    text = render_markdown(minutes)
    assert text.startswith("# 第2315次市政會議紀錄")
    assert "- 主席：蔣萬安" in text and "- 地點：市政大樓8樓大會議室" in text
    assert "、主席裁示（指示）事項" in text
    assert "| 編號 | 裁示事項 | 權責機關 | 期限 | 錄音位置 |" in text
    first = minutes.directives[0]
    assert first.lead_agency_name in text
    assert "請核對錄音後定稿" in text
    assert minutes.adjourned_at is not None
    assert f"散會時間 09:{int(minutes.adjourned_at // 60):02d}" in text  # started at 09:00


def test_docx_and_odt_open_in_libreoffice(minutes: Minutes, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed for this test (make test installs it)"
    docx, odt = write_minutes(minutes, outdir=tmp_path, stem="minutes", formats=["docx", "odt"])
    written = [docx, odt.rename(tmp_path / "minutes-odt.odt")]
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "pdf"), *map(str, written)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    for name in ("minutes.pdf", "minutes-odt.pdf"):
        pdf = tmp_path / "pdf" / name
        assert pdf.stat().st_size > 5000
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "第2315次市政會議紀錄" in text.replace("\n", "").replace(" ", "")
        assert "主席裁示" in text


def test_docx_content(minutes: Minutes, tmp_path: Path) -> None:
    [path] = write_minutes(minutes, outdir=tmp_path, stem="m", formats=["docx"])
    document = Document(str(path))
    assert document.paragraphs[0].text == "第2315次市政會議紀錄"
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "編號",
        "裁示事項",
        "權責機關",
        "期限",
        "錄音位置",
    ]
    assert len(table.rows) == len(minutes.directives) + 1


def test_odt_is_a_valid_open_document(minutes: Minutes, tmp_path: Path) -> None:
    [path] = write_minutes(minutes, outdir=tmp_path, stem="m", formats=["odt"])
    with zipfile.ZipFile(path) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        content = archive.read("content.xml").decode("utf-8")
    assert "第2315次市政會議紀錄" in content and "權責機關" in content


def test_unwritable_output_leaves_nothing(minutes: Minutes, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="無法寫入輸出目錄"):
        write_minutes(minutes, outdir=blocker / "out", stem="m", formats=["md", "docx"])


def test_minutes_get_the_umask_mode(minutes: Minutes, tmp_path: Path) -> None:
    with umask(0o027):
        written = write_minutes(minutes, outdir=tmp_path, stem="m", formats=["md", "docx", "json"])
    assert [stat.S_IMODE(p.stat().st_mode) for p in written] == [0o640] * 3


def test_a_directive_to_a_head_by_title_is_left_for_the_reviewer() -> None:
    drafted = RuleBasedDrafter().draft(transcript_of("處長，你們月底前把名單送來。"), HEADER)
    text = render_markdown(drafted)
    assert "（待確認：處長）" in text and "未指明權責機關" in text
