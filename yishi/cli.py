"""The ``yishi`` command: one subcommand per user task, zh-TW first, English after."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from yishi import cli_text
from yishi.cli_common import (
    AudioProgress,
    err,
    label_names,
    out,
    run_guarded,
    speaker_summary,
    speed,
)
from yishi.config import get_settings

if TYPE_CHECKING:
    pass

cli_text.install()  # typer's and click's own messages in zh-TW, before any is printed
app = typer.Typer(
    help="Yishi 議事助理：會議錄音轉逐字稿與會議紀錄、議員質詢案件追蹤。"
    " (Yishi: meeting transcripts and minutes, councillor-inquiry tracking.)",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Yishi 議事助理."""


@app.command()
def transcribe(
    recording: Annotated[
        Path,
        typer.Argument(
            metavar="錄音檔",
            help="錄音或影片檔（wav、mp3、m4a、mp4、flac、ogg、webm…）. Recording or video file.",
        ),
    ],
    outdir: Annotated[
        Path, typer.Option("-o", "--outdir", help="輸出目錄. Output directory.")
    ] = Path("."),
    formats: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="輸出格式，以逗號分隔. Output formats, comma-separated."
        ),
    ] = "txt,srt,vtt,json",
    glossary: Annotated[
        Path | None,
        typer.Option(
            help="自訂詞彙表（YAML 或每行一詞的文字檔）. Glossary file (YAML or one term a line)."
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            help="模型名稱或 CTranslate2 模型目錄（預設內建 base）. Model name or directory."
        ),
    ] = None,
    beam: Annotated[
        int | None, typer.Option(min=1, max=20, help="束搜尋寬度（預設 5）. Beam size.")
    ] = None,
    device: Annotated[str | None, typer.Option(help="auto、cpu 或 cuda. Device.")] = None,
    compute_type: Annotated[str | None, typer.Option(help="int8、float16… Compute type.")] = None,
    speakers: Annotated[
        str,
        typer.Option(
            help="標記發言者：off、auto（自動估計人數）或人數. Speaker labels: off, auto or a count."
        ),
    ] = "off",
    speaker_names: Annotated[
        Path | None,
        typer.Option(
            help="發言者名單檔，每行「發言者 1 = 姓名」. Names file, one 'LABEL = NAME' a line."
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="不顯示進度. No progress bar.")
    ] = False,
) -> None:
    """將錄音轉為繁體中文逐字稿（含時間碼）. Transcribe a recording to a zh-TW transcript."""
    run_guarded(
        lambda: _transcribe(
            recording,
            outdir,
            formats,
            glossary,
            model,
            beam,
            device,
            compute_type,
            quiet,
            speakers,
            speaker_names,
        )
    )


def _transcribe(
    recording: Path,
    outdir: Path,
    formats: str,
    glossary: Path | None,
    model: str | None,
    beam: int | None,
    device: str | None,
    compute_type: str | None,
    quiet: bool,
    speakers: str = "off",
    speaker_names: Path | None = None,
) -> None:
    import transcription
    from inquiries.store import known_councillors
    from transcription.glossary import load_glossary
    from transcription.pipeline import parse_speakers

    settings = get_settings()
    chosen = transcription.parse_formats(formats)
    info = transcription.probe(recording, max_bytes=settings.max_audio_bytes)
    transcription.ensure_writable_dir(outdir)
    if speaker_names is not None and parse_speakers(speakers) is None:
        speakers = "auto"  # a names file asks for labels
    if speaker_names is not None:
        from transcription.speakers.naming import read_names_file

        read_names_file(speaker_names)  # a bad file fails now, not after the transcription
    options = transcription.TranscribeOptions.from_settings(
        settings,
        model=model,
        beam_size=beam,
        device=device,
        compute_type=compute_type,
        glossary=load_glossary(glossary or settings.glossary_path),
        speakers=speakers,
        names=known_councillors(settings),
    )
    with AudioProgress(quiet, info.duration) as advance:
        engine = transcription.load_engine(options)
        result = transcription.transcribe(
            recording, options=options, engine=engine, on_progress=advance
        )
    result = label_names(result, speaker_names)
    written = transcription.write_transcript(
        result, outdir=outdir, stem=recording.stem, formats=chosen
    )
    for note in result.notes:
        err.print(f"注意：{note}", highlight=False)
    err.print(
        f"完成：{len(result.segments)} 段，音訊 {result.source.duration:.1f} 秒，"
        f"處理 {result.stats.processing_seconds:.1f} 秒"
        f"（{speed(result.stats.real_time_factor)}）",
        highlight=False,
    )
    if result.speakers:
        err.print(speaker_summary(result), highlight=False)
    for path in written:
        out.print(str(path), highlight=False)


def _register_subcommands() -> None:
    from yishi.cli_cases import calendar_app, cases_app
    from yishi.cli_minutes import minutes

    app.command("minutes")(minutes)
    from yishi.cli_bots import remind, serve, staff_app
    from yishi.cli_replies import replies_app

    app.add_typer(cases_app, name="cases")
    app.add_typer(replies_app, name="replies")
    app.add_typer(staff_app, name="staff")
    app.command("serve")(serve)
    app.command("remind")(remind)
    app.add_typer(calendar_app, name="calendar")
    from yishi.cli_jobs import jobs_app, worker
    from yishi.cli_speakers import speakers_app

    app.command("worker")(worker)
    app.add_typer(jobs_app, name="jobs")

    app.add_typer(speakers_app, name="speakers")


_register_subcommands()


def main() -> None:
    sys.exit(app())  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    main()
