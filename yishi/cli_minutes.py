"""``yishi minutes``: a recording or transcript becomes draft minutes, and directives cases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from yishi.config import get_settings
from yishi.errors import InputError


def minutes(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="錄音或逐字稿", help="錄音檔或逐字稿 JSON. Recording or transcript JSON."
        ),
    ],
    title: Annotated[str | None, typer.Option(help="會議名稱，如 第2301次市政會議. Title.")] = None,
    meeting_date: Annotated[
        str | None, typer.Option("--date", help="會議日期. Meeting date.")
    ] = None,
    chair: Annotated[str | None, typer.Option(help="主席. Chair.")] = None,
    location: Annotated[str | None, typer.Option(help="地點. Location.")] = None,
    meeting_type: Annotated[
        str | None, typer.Option("--type", help="市政會議、主任秘書會報、議會質詢、專案會議. Type.")
    ] = None,
    start_time: Annotated[
        str | None, typer.Option("--time", help="開會時間，如 09:00. Start.")
    ] = None,
    recorder: Annotated[str | None, typer.Option(help="紀錄人員. Recorder.")] = None,
    outdir: Annotated[
        Path, typer.Option("-o", "--outdir", help="輸出目錄. Output directory.")
    ] = Path("."),
    formats: Annotated[
        str, typer.Option("--format", "-f", help="md,docx,odt,json. Output formats.")
    ] = "md,docx,odt,json",
    file_directives: Annotated[
        bool,
        typer.Option("--file-directives", help="將裁示事項建為列管案件. File directives as cases."),
    ] = False,
    drafter: Annotated[
        str, typer.Option(help="auto（有設定語言模型就用）、rules、llm. Drafter.")
    ] = "auto",
    speakers: Annotated[
        str,
        typer.Option(
            help="標記發言者：auto（預設）、off 或人數. Speaker labels: auto, off or a count."
        ),
    ] = "auto",
    speaker_names: Annotated[
        Path | None,
        typer.Option(help="發言者名單檔，每行「發言者 1 = 姓名」. Speaker names file."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不顯示進度. No progress.")] = False,
) -> None:
    """由錄音或逐字稿草擬會議紀錄（含裁示事項、權責機關、期限）. Draft minutes."""
    from yishi.cli_common import run_guarded

    run_guarded(
        lambda: _minutes(
            source,
            title,
            meeting_date,
            chair,
            location,
            meeting_type,
            start_time,
            recorder,
            outdir,
            formats,
            file_directives,
            drafter,
            quiet,
            speakers,
            speaker_names,
        )
    )


def _minutes(
    source: Path,
    title: str | None,
    meeting_date: str | None,
    chair: str | None,
    location: str | None,
    meeting_type: str | None,
    start_time: str | None,
    recorder: str | None,
    outdir: Path,
    formats: str,
    file_directives: bool,
    drafter: str,
    quiet: bool,
    speakers: str = "auto",
    speaker_names: Path | None = None,
) -> None:
    from inquiries import CaseStore
    from transcription.minutes import MeetingHeader
    from transcription.minutes.export import parse_minutes_formats, write_minutes
    from transcription.minutes.filing import file_directives as file_cases
    from transcription.minutes.service import draft_minutes, guess_meeting_type, read_transcript
    from yishi.audit import log_draft
    from yishi.cli_common import err, label_names, out
    from yishi.dates import date_input
    from yishi.llm import llm_from_settings

    settings = get_settings()
    chosen = parse_minutes_formats(formats)
    if drafter not in ("auto", "rules", "llm"):
        raise InputError(f"不明的草擬方式：{drafter}（可用：auto、rules、llm）")
    day = date_input(meeting_date, label="會議日期") if meeting_date else None
    if speaker_names is not None:
        from transcription.speakers.naming import read_names_file

        read_names_file(speaker_names)  # a bad file fails now, not after the transcription
    if source.suffix.lower() == ".json":
        transcript = read_transcript(source)
        if speaker_names is not None:
            transcript = label_names(transcript, speaker_names)
    else:
        transcript = _transcribe_first(source, outdir, quiet, speakers, speaker_names)
    llm = llm_from_settings(settings) if drafter != "rules" else None
    if drafter == "llm" and llm is None:
        raise InputError("未設定語言模型（YISHI_LLM_BASE_URL、YISHI_LLM_MODEL）")
    name = title or source.stem
    store = CaseStore.from_settings(settings)
    header = MeetingHeader(
        title=name,
        meeting_type=meeting_type or guess_meeting_type(name),
        date=day or store.today(),  # in the configured time zone, not the server's
        start_time=start_time,
        location=location,
        chair=chair,
        recorder=recorder,
    )
    result = draft_minutes(
        transcript, header, llm=llm, calendar=store.calendar(), chunk_chars=settings.llm_chunk_chars
    )
    if day is None:
        result.notes.append("未指定會議日期，期限以今天起算；請以 --date 指定。")
    written = write_minutes(result, outdir=outdir, stem=_stem(name), formats=chosen)
    log_draft(
        store.engine,
        actor=settings.user,
        kind="minutes",
        drafter=result.draft.drafter,
        model=result.draft.model,
        prompt_version=result.draft.prompt_version,
        sources=[{"transcript": transcript.source.file, "sha256": transcript.source.sha256}],
        output=result.model_dump_json(),
    )
    for note in result.notes:
        err.print(f"注意：{note}", highlight=False)
    err.print(
        f"完成：{len(result.directives)} 項裁示事項、{len(result.reports)} 項報告、"
        f"{len(result.discussions)} 項討論（{'語言模型' if result.draft.drafter == 'llm' else '規則式'}草擬）",
        highlight=False,
    )
    if file_directives:
        report = file_cases(result, store)
        err.print(
            f"列管：新建 {len(report.created)} 件、已建檔 {len(report.existing)} 件、略過 {len(report.skipped)} 項",
            highlight=False,
        )
        for case_id in report.created:
            err.print(f"  新建 {case_id}", highlight=False)
        for where, why in report.skipped:
            err.print(f"  略過 {where}：{why}", highlight=False)
    for path in written:
        out.print(str(path), highlight=False)


def _transcribe_first(  # type: ignore[no-untyped-def]
    recording: Path, outdir: Path, quiet: bool, speakers: str, speaker_names: Path | None
):
    import transcription
    from inquiries.store import known_councillors
    from transcription.pipeline import parse_speakers
    from transcription.speakers.model import SpeakerModelMissing, find_weights
    from yishi.cli_common import AudioProgress, err, label_names, speaker_summary

    settings = get_settings()
    info = transcription.probe(recording, max_bytes=settings.max_audio_bytes)
    transcription.ensure_writable_dir(outdir)
    missing_model = None
    if parse_speakers(speakers) is not None:
        try:
            find_weights(settings.speaker_weights)
        except SpeakerModelMissing as exc:
            if speakers != "auto" or speaker_names is not None:
                raise  # asked for explicitly: say so before hours of work
            missing_model, speakers = exc.message, "off"  # the default: go on without labels
    options = transcription.TranscribeOptions.from_settings(
        settings, speakers=speakers, names=known_councillors(settings)
    )
    with AudioProgress(quiet, info.duration) as advance:
        engine = transcription.load_engine(options)
        result = transcription.transcribe(
            recording, options=options, engine=engine, on_progress=advance
        )
    result = label_names(result, speaker_names)
    if missing_model:
        result.notes.append(f"未標記發言者：{missing_model}")
    if result.speakers:
        err.print(speaker_summary(result), highlight=False)
    transcription.write_transcript(
        result, outdir=outdir, stem=recording.stem, formats=["txt", "json"]
    )
    return result


def _stem(title: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in title).strip("_")
    return f"{safe or 'minutes'}-紀錄"
