"""Split Whisper's chunk-long segments (up to 30 s) into sentence-sized ones using word times."""

from __future__ import annotations

import zlib

from transcription.whisper import RawSegment, RawWord

SENTENCE_END = "。！？；!?;"
CLAUSE_END = "，、,："
MAX_SENTENCE_SECONDS = 15.0
PAUSE_SECONDS = 1.0
# Whisper writes no punctuation without a punctuated prompt: a pause this long between words
# is a clause break (measured: gaps inside clauses are 0–0.1 s, between them 0.3–0.6 s).
COMMA_PAUSE_SECONDS = 0.25
_PUNCTUATION = set(SENTENCE_END + CLAUSE_END + "。，")
_QUESTION_ENDS = ("嗎", "呢", "吧")


def split_sentences(segment: RawSegment) -> list[RawSegment]:
    """Cut at sentence ends, long pauses, or commas once a piece grows past 15 s; a piece
    still longer than 15 s (no punctuation at all) is cut at its longest pauses."""
    words = [w for w in segment.words if w.word.strip()]
    if not words:
        return [segment]
    pieces: list[list[RawWord]] = [[]]
    for index, word in enumerate(words):
        current = pieces[-1]
        current.append(word)
        following = words[index + 1] if index + 1 < len(words) else None
        if following is None:
            break
        tail = word.word.strip()[-1]
        long_piece = word.end - current[0].start > MAX_SENTENCE_SECONDS
        if (
            tail in SENTENCE_END
            or following.start - word.end > PAUSE_SECONDS
            or (long_piece and tail in CLAUSE_END)
        ):
            pieces.append([])
    bounded = [part for piece in pieces if piece for part in _bounded(piece)]
    return [_piece(segment, piece) for piece in bounded]


def _bounded(words: list[RawWord]) -> list[list[RawWord]]:
    """Speech recognised without punctuation can run 30 s: cut it at its longest pause."""
    if words[-1].end - words[0].start <= MAX_SENTENCE_SECONDS or len(words) < 4:
        return [words]
    gaps = [
        (words[i + 1].start - words[i].end, i + 1)
        for i in range(1, len(words) - 2)  # never leave a lone word at either end
    ]
    _gap, cut = max(gaps)
    return _bounded(words[:cut]) + _bounded(words[cut:])


def _piece(parent: RawSegment, words: list[RawWord]) -> RawSegment:
    text = "".join(w.word for w in words)
    if not _PUNCTUATION & set(text) and _is_chinese(text):
        text = punctuated_by_pauses(words)
    return RawSegment(
        start=words[0].start,
        end=words[-1].end,
        text=text,
        avg_logprob=parent.avg_logprob,
        no_speech_prob=parent.no_speech_prob,
        compression_ratio=compression_ratio(text),
        words=words,
    )


def compression_ratio(text: str) -> float:
    """Whisper's loop detector: repetitive text compresses far better than speech."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def punctuated_by_pauses(words: list[RawWord]) -> str:
    """Text with no punctuation, punctuated where the speaker paused: a comma at a pause, a
    full stop (a question mark after 嗎/呢/吧) at the end."""
    text = ""
    for index, word in enumerate(words):
        text += word.word
        following = words[index + 1] if index + 1 < len(words) else None
        if following is not None and following.start - word.end >= COMMA_PAUSE_SECONDS:
            text = text.rstrip() + "，"
    text = text.rstrip()
    return text + ("？" if text.endswith(_QUESTION_ENDS) else "。")


def _is_chinese(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum("\u3400" <= c <= "\u9fff" for c in letters) > len(letters) / 2
