"""Write a transcript as TXT, SRT, VTT and JSON, all or none."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from transcription.guards import FLAG_LABELS
from transcription.schema import Segment, Transcript
from yishi.errors import InputError
from yishi.files import write_atomically

FORMATS = ("txt", "srt", "vtt", "json")
NO_SPEECH_NOTE = "（未偵測到語音）"


def render_txt(transcript: Transcript) -> str:
    if not transcript.segments:
        return NO_SPEECH_NOTE + "\n"
    if not transcript.speakers:
        lines = [f"[{_clock(s.start, ',')[:8]}] {_marked(s)}" for s in transcript.segments]
        return "\n".join(lines) + "\n"
    # With speaker labels: the roster with talk time, then one paragraph per speaker turn.
    roster = "、".join(f"{s.name}（{_clock(s.seconds, ',')[:8]}）" for s in transcript.speakers)
    lines = [f"共 {len(transcript.speakers)} 位發言者：{roster}"]
    current: str | None = None
    for segment in transcript.segments:
        if segment.speaker != current or not lines:
            current = segment.speaker
            lines.extend(["", f"{transcript.speaker_name(current) or '（未標記）'}："])
        lines.append(f"[{_clock(segment.start, ',')[:8]}] {_marked(segment)}")
    return "\n".join(lines) + "\n"


def render_srt(transcript: Transcript) -> str:
    blocks = [
        f"{n}\n{_clock(s.start, ',')} --> {_clock(s.end, ',')}\n{_said(transcript, s)}\n"
        for n, s in enumerate(transcript.segments, 1)
    ]
    return "\n".join(blocks)


def render_vtt(transcript: Transcript) -> str:
    blocks = []
    for segment in transcript.segments:
        name = transcript.speaker_name(segment.speaker)
        voice = f"<v {name}>" if name else ""  # WebVTT's own speaker tag, for players
        timing = f"{_clock(segment.start, '.')} --> {_clock(segment.end, '.')}"
        blocks.append(f"{timing}\n{voice}{_said(transcript, segment)}\n")
    return "WEBVTT\n\n" + "\n".join(blocks)


def render_json(transcript: Transcript) -> str:
    return transcript.model_dump_json(indent=2) + "\n"


RENDERERS: dict[str, Callable[[Transcript], str]] = {
    "txt": render_txt,
    "srt": render_srt,
    "vtt": render_vtt,
    "json": render_json,
}


def parse_formats(value: str) -> list[str]:
    formats = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = [f for f in formats if f not in RENDERERS]
    if unknown or not formats:
        raise InputError(
            f"不支援的輸出格式：{'、'.join(unknown) or value}（可用：{','.join(FORMATS)}）"
        )
    return list(dict.fromkeys(formats))


def ensure_writable_dir(outdir: Path) -> None:
    """Fail before hours of work if the output directory cannot take files."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=outdir, prefix=".yishi-check-"):
            pass
    except OSError as exc:
        raise InputError(f"無法寫入輸出目錄：{outdir}（{exc.strerror or exc}）") from exc


def write_transcript(
    transcript: Transcript, *, outdir: Path, stem: str, formats: list[str]
) -> list[Path]:
    """Render every format first, then move all files into place; a failure leaves none."""
    ensure_writable_dir(outdir)
    rendered = {fmt: RENDERERS[fmt](transcript) for fmt in formats}
    files = {outdir / f"{stem}.{fmt}": text.encode("utf-8") for fmt, text in rendered.items()}
    try:
        return write_atomically(files)
    except OSError as exc:
        raise InputError(f"寫入逐字稿失敗：{outdir}（{exc.strerror or exc}）") from exc


def _said(transcript: Transcript, segment: Segment) -> str:
    """The segment's text with its speaker's name in front, where there are labels."""
    name = transcript.speaker_name(segment.speaker)
    return f"{name}：{_marked(segment)}" if name else _marked(segment)


def _marked(segment: Segment) -> str:
    # "edited" and "checked" are a reviewer's marks, not doubts about what was said.
    doubts = [flag for flag in segment.flags if flag not in ("edited", "checked")]
    if not doubts:
        return segment.text
    labels = "、".join(FLAG_LABELS.get(flag, flag) for flag in doubts)
    return f"〔待查：{labels}〕{segment.text}"


def _clock(seconds: float, separator: str) -> str:
    millis = round(max(seconds, 0.0) * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"
