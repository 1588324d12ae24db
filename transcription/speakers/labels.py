"""Put a diarization onto a transcript: a speaker on every segment and word, and the roster."""

from __future__ import annotations

from transcription.schema import Segment, SpeakerInfo, SpeakerTurn, Transcript
from transcription.speakers.diarize import Diarization

DEFAULT_NAME = "發言者 {n}"


def speaker_id(index: int) -> str:
    return f"S{index + 1}"


def apply(transcript: Transcript, diarization: Diarization) -> Transcript:
    """A copy of ``transcript`` with speaker labels; speakers numbered by first appearance."""
    segments = []
    for segment in transcript.segments:
        index = diarization.speaker_at(segment.start, segment.end)
        words = [
            w.model_copy(update={"speaker": _id(diarization.speaker_at(w.start, w.end))})
            for w in segment.words
        ]
        segments.append(segment.model_copy(update={"speaker": _id(index), "words": words}))
    turns = [
        SpeakerTurn(start=t.start, end=t.end, speaker=speaker_id(t.speaker))
        for t in diarization.turns
    ]
    return transcript.model_copy(
        update={
            "segments": segments,
            "speaker_turns": turns,
            "speakers": roster(segments, turns, diarization),
        }
    )


def _id(index: int | None) -> str | None:
    return None if index is None else speaker_id(index)


def roster(
    segments: list[Segment], turns: list[SpeakerTurn], diarization: Diarization
) -> list[SpeakerInfo]:
    """Every speaker with talk time; speakers renumbered 1, 2, … in order of speaking."""
    speakers = []
    for index in range(diarization.speakers):
        sid = speaker_id(index)
        own = [t for t in turns if t.speaker == sid]
        if not own:
            continue
        speakers.append(
            SpeakerInfo(
                id=sid,
                name=DEFAULT_NAME.format(n=index + 1),
                seconds=round(sum(t.end - t.start for t in own), 2),
                turns=len(own),
                embedding=[round(float(v), 5) for v in diarization.centroids[index]],
            )
        )
    return speakers


def rename(transcript: Transcript, label: str, name: str, *, source: str = "manual") -> Transcript:
    """Rename the speaker called ``label`` (its id "S2", its default "發言者 2" or its name)."""
    from yishi.errors import InputError

    name = name.strip()
    if not name:
        raise InputError("新的發言者名稱不可空白")
    if not transcript.speakers:
        raise InputError("這份逐字稿沒有發言者標記（請以 --speakers 重新轉寫）")
    target = find_speaker(transcript, label)
    speakers = [
        s.model_copy(update={"name": name, "source": source, "evidence": None})
        if s.id == target.id
        else s
        for s in transcript.speakers
    ]
    return transcript.model_copy(update={"speakers": speakers})


def find_speaker(transcript: Transcript, label: str) -> SpeakerInfo:
    from yishi.errors import InputError

    wanted = label.strip()
    for speaker in transcript.speakers:
        if wanted in (speaker.id, speaker.name, DEFAULT_NAME.format(n=speaker.id[1:])):
            return speaker
    known = "、".join(f"{s.id}（{s.name}）" for s in transcript.speakers)
    raise InputError(f"逐字稿中沒有發言者「{label}」（現有：{known}）")
