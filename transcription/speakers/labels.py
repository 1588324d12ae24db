"""Put a diarization onto a transcript: a speaker on every segment and word, and the roster."""

from __future__ import annotations

import itertools

from transcription.schema import Segment, SpeakerInfo, SpeakerTurn, Transcript, Word
from transcription.speakers.diarize import Diarization
from yishi.errors import InputError

DEFAULT_NAME = "發言者 {n}"
MIN_RUN_SECONDS = 1.0  # a speaker change inside a segment must last this long …
MIN_RUN_WORDS = 2  # … and span this many words
TRAILING = "。，、；：！？,.;:!? "


def speaker_id(index: int) -> str:
    return f"S{index + 1}"


def apply(transcript: Transcript, diarization: Diarization) -> Transcript:
    """A copy of ``transcript`` with speaker labels; speakers numbered by first appearance.

    A segment in which the speaker changes (no pause between the chair's "請都發局報告" and
    the report) is split at the word where the new voice starts.
    """
    segments: list[Segment] = []
    for segment in transcript.segments:
        for piece in _split_by_speaker(segment, diarization):
            segments.append(piece.model_copy(update={"id": len(segments) + 1}))
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


def _split_by_speaker(segment: Segment, diarization: Diarization) -> list[Segment]:
    if not segment.words:
        index = diarization.speaker_at(segment.start, segment.end)
        return [segment.model_copy(update={"speaker": _id(index)})]
    words = [
        w.model_copy(update={"speaker": _id(diarization.speaker_at(w.start, w.end))})
        for w in segment.words
    ]
    runs: list[list[Word]] = []
    for word in words:
        if runs and runs[-1][-1].speaker == word.speaker:
            runs[-1].append(word)
        else:
            runs.append([word])
    # A run too short to be a turn (one word, a cough) belongs to its neighbour.
    merged: list[list[Word]] = []
    for run in runs:
        if merged and (run[-1].end - run[0].start < MIN_RUN_SECONDS or len(run) < MIN_RUN_WORDS):
            merged[-1].extend(run)
        else:
            merged.append(run)
    if len(merged) > 1 and (
        merged[0][-1].end - merged[0][0].start < MIN_RUN_SECONDS or len(merged[0]) < MIN_RUN_WORDS
    ):
        merged[1] = merged[0] + merged[1]
        merged.pop(0)
    if len(merged) == 1:
        index = diarization.speaker_at(segment.start, segment.end)
        return [segment.model_copy(update={"speaker": _id(index), "words": words})]
    pieces: list[Segment] = []
    cuts = _text_cuts(segment.text, merged)
    # What was recognised before the domain correction is cut the same way, so that each piece
    # keeps its own (a piece carrying the whole segment's would be read back as all of it).
    heard = _text_cuts(segment.recognised, merged) if segment.recognised else None
    for number, (run, (a, b)) in enumerate(zip(merged, itertools.pairwise(cuts), strict=True)):
        voice = _majority(run)
        text = segment.text[a:b].strip()
        recognised = None
        if segment.recognised and heard is not None:
            recognised = segment.recognised[heard[number] : heard[number + 1]].strip()
        pieces.append(
            segment.model_copy(
                update={
                    "start": segment.start if number == 0 else run[0].start,
                    "end": segment.end if number == len(merged) - 1 else run[-1].end,
                    "text": text,
                    "recognised": recognised if recognised != text else None,
                    "words": [w.model_copy(update={"speaker": voice}) for w in run],
                    "speaker": voice,
                }
            )
        )
    return [p for p in pieces if p.text]


def _majority(run: list[Word]) -> str | None:
    talk: dict[str | None, float] = {}
    for word in run:
        talk[word.speaker] = talk.get(word.speaker, 0.0) + (word.end - word.start)
    return max(talk, key=lambda s: talk[s])


def _text_cuts(text: str, runs: list[list[Word]]) -> list[int]:
    """Character offsets in ``text`` where each run starts.

    Words are found in the text one after another (the text may differ by punctuation or a
    glossary fix); a word not found moves the cursor on by its own length.
    """
    cuts, cursor = [0], 0
    for number, run in enumerate(runs):
        if number:
            while cursor < len(text) and text[cursor] in TRAILING:
                cursor += 1  # the sentence's own punctuation stays with it
            cuts.append(min(cursor, len(text)))
        for word in run:
            token = word.word.strip()
            found = text.find(token, cursor, cursor + len(token) + 3) if token else -1
            cursor = found + len(token) if found >= 0 else cursor + len(token)
    cuts.append(len(text))
    return cuts


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
    wanted = label.strip()
    for speaker in transcript.speakers:
        if wanted in (speaker.id, speaker.name, DEFAULT_NAME.format(n=speaker.id[1:])):
            return speaker
    known = "、".join(f"{s.id}（{s.name}）" for s in transcript.speakers)
    raise InputError(f"逐字稿中沒有發言者「{label}」（現有：{known}）")
