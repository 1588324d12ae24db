"""Transcript files: every format written at once, readable by the people sharing the folder."""

from __future__ import annotations

import stat
from pathlib import Path

from tests.minutes_fixtures import MINUTES_DATA, load
from tests.yishi.test_files import umask
from transcription import write_transcript


def test_transcripts_get_the_umask_mode(tmp_path: Path) -> None:
    transcript = load(MINUTES_DATA / "city-meeting-2026-06-16.meeting.yaml").transcript()
    with umask(0o022):
        written = write_transcript(
            transcript, outdir=tmp_path, stem="meeting", formats=["txt", "srt", "vtt", "json"]
        )
    assert [p.name for p in written] == [f"meeting.{f}" for f in ("txt", "srt", "vtt", "json")]
    assert [stat.S_IMODE(p.stat().st_mode) for p in written] == [0o644] * 4
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)
