"""``yishi speakers …``: enrolled voices, and renaming the speakers of a transcript."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from yishi.clock import local_time
from yishi.config import get_settings
from yishi.errors import InputError

speakers_app = typer.Typer(
    help="發言者：聲紋登錄、逐字稿發言者改名. Enrolled voices and speaker names.",
    no_args_is_help=True,
)


@speakers_app.command("enroll")
def enroll(
    name: Annotated[
        str, typer.Argument(metavar="姓名", help="姓名或職稱，如 蔣萬安. Person's name.")
    ],
    recording: Annotated[
        Path | None,
        typer.Argument(
            metavar="錄音檔",
            help="只有本人說話的錄音（30 秒以上為佳）. A recording of that person alone.",
        ),
    ] = None,
    from_transcript: Annotated[
        Path | None,
        typer.Option(help="改從已標記的逐字稿 JSON 登錄. Enrol from a labelled transcript."),
    ] = None,
    speaker: Annotated[
        str | None,
        typer.Option(help="搭配 --from-transcript：發言者，如 「發言者 2」. Speaker label."),
    ] = None,
) -> None:
    """登錄聲紋，之後的會議自動認出此人. Enrol a voice so later meetings name it."""
    from yishi.cli_common import run_guarded

    run_guarded(lambda: _enroll(name, recording, from_transcript, speaker))


def _enroll(
    name: str, recording: Path | None, from_transcript: Path | None, speaker: str | None
) -> None:
    from transcription.minutes.service import read_transcript
    from transcription.speakers.model import load_encoder
    from transcription.speakers.service import enrol_from_transcript, enrol_recording
    from transcription.speakers.voices import VoiceStore
    from yishi.cli_common import err
    from yishi.db import get_engine

    settings = get_settings()
    if (recording is None) == (from_transcript is None):
        raise InputError("請給一個錄音檔，或以 --from-transcript 與 --speaker 指定逐字稿中的發言者")
    store = VoiceStore(get_engine(settings))
    if from_transcript is not None:
        if not speaker:
            raise InputError("--from-transcript 需要 --speaker（如「發言者 2」）")
        transcript = read_transcript(from_transcript)
        result = enrol_from_transcript(
            store, name, transcript, speaker, source=from_transcript.name
        )
    else:
        assert recording is not None
        encoder = load_encoder(settings.speaker_weights, threads=settings.whisper_cpu_threads)
        result = enrol_recording(
            store, encoder, name, recording, max_bytes=settings.max_audio_bytes
        )
    err.print(
        f"已登錄「{result.voice.name}」的聲紋：本次 {result.seconds:.0f} 秒語音，"
        f"累計 {result.voice.recordings} 段錄音、{result.voice.seconds:.0f} 秒",
        highlight=False,
    )


@speakers_app.command("list")
def list_voices() -> None:
    """列出已登錄的聲紋. List enrolled voices."""
    from yishi.cli_common import run_guarded

    run_guarded(_list)


def _list() -> None:
    from transcription.speakers.voices import VoiceStore
    from yishi.cli_common import out
    from yishi.db import get_engine

    voices = VoiceStore(get_engine(get_settings())).voices()
    if not voices:
        out.print("尚未登錄任何聲紋（yishi speakers enroll 姓名 錄音檔）")
        return
    table = Table("姓名", "錄音段數", "語音秒數", "來源", "更新時間")
    for voice in voices:
        table.add_row(
            voice.name,
            str(voice.recordings),
            f"{voice.seconds:.0f}",
            voice.source,
            f"{local_time(voice.updated_at):%Y-%m-%d %H:%M}",
        )
    out.print(table)


@speakers_app.command("remove")
def remove(name: Annotated[str, typer.Argument(metavar="姓名", help="姓名. Name.")]) -> None:
    """刪除已登錄的聲紋. Remove an enrolled voice."""
    from transcription.speakers.voices import VoiceStore
    from yishi.cli_common import err, run_guarded
    from yishi.db import get_engine

    run_guarded(lambda: VoiceStore(get_engine(get_settings())).remove(name))
    err.print(f"已刪除「{name}」的聲紋", highlight=False)


@speakers_app.command("rename")
def rename(
    transcript: Annotated[
        Path, typer.Argument(metavar="逐字稿", help="逐字稿 JSON. Transcript JSON.")
    ],
    label: Annotated[
        str, typer.Argument(metavar="發言者", help="發言者，如「發言者 2」或 S2. Speaker.")
    ],
    name: Annotated[str, typer.Argument(metavar="新名稱", help="新名稱. New name.")],
) -> None:
    """發言者改名，並更新同名的 TXT、SRT、VTT. Rename a speaker everywhere."""
    from yishi.cli_common import run_guarded

    run_guarded(lambda: _rename(transcript, label, name))


def _rename(path: Path, label: str, name: str) -> None:
    import transcription
    from transcription.minutes.service import read_transcript
    from transcription.speakers.labels import find_speaker
    from transcription.speakers.labels import rename as rename_speaker
    from yishi.cli_common import err, out

    transcript = read_transcript(path)
    old = find_speaker(transcript, label)
    renamed = rename_speaker(transcript, label, name)
    formats = ["json", *(f for f in ("txt", "srt", "vtt") if path.with_suffix(f".{f}").exists())]
    written = transcription.write_transcript(
        renamed, outdir=path.parent, stem=path.stem, formats=formats
    )
    err.print(f"已將「{old.name}」改名為「{name.strip()}」", highlight=False)
    for file in written:
        out.print(str(file), highlight=False)
