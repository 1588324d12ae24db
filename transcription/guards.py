"""Flag segments that look like Whisper's known failure modes, for a person to review.

Nothing is deleted here: a flagged segment stays in the transcript with its reasons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from transcription.script import to_simplified

# Flag codes (JSON) and the zh-TW words shown in TXT/SRT/VTT.
FLAG_LABELS = {
    "hallucination": "疑似幻覺字句",
    "repetition": "重複迴圈",
    "prompt_echo": "提示詞回聲",
    "no_speech": "可能非語音",
    "low_confidence": "辨識信心低",
}
LOW_LOGPROB = -1.0
NO_SPEECH_PROB = 0.6
COMPRESSION_RATIO = 2.4
_SUBSTRING_MIN = 6
_REPEAT = re.compile(r"(.{1,12}?)\1{2,}")


@dataclass(frozen=True)
class SegmentEvidence:
    text: str
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float


def review_flags(
    segment: SegmentEvidence, *, initial_prompt: str = "", hotwords: tuple[str, ...] = ()
) -> list[str]:
    """Return the flag codes that apply to one segment, most serious first."""
    key = _key(segment.text)
    flags = []
    if key and _is_known_hallucination(key):
        flags.append("hallucination")
    if _is_repetition_loop(key, segment.compression_ratio):
        flags.append("repetition")
    if key and (
        _echoes_prompt(key, _key(initial_prompt))
        or _lists_hotwords(key, hotwords, unsure=segment.no_speech_prob > NO_SPEECH_PROB / 2)
    ):
        flags.append("prompt_echo")
    if segment.no_speech_prob > NO_SPEECH_PROB:
        flags.append("no_speech")
    if segment.avg_logprob < LOW_LOGPROB:
        flags.append("low_confidence")
    return flags


# Faster than anyone speaks Mandarin (4–6 characters a second, 8 when hurried).
CHARS_PER_SECOND_MAX = 15.0


def repeats_previous(text: str, seconds: float, previous: str, *, no_speech: bool) -> bool:
    """A sentence that only says again, word for word, part of the sentence before, where no
    one could have said it (too fast, or no speech heard): Whisper looping at a pause
    ("…請各機關務必在期限內答復，不要逾期。" then 0.5 s of "請各機關務必在期限內答復。")."""
    key = _key(text)
    if len(key) < _SUBSTRING_MIN or key not in _key(previous):
        return False
    return no_speech or len(key) / max(seconds, 0.01) > CHARS_PER_SECOND_MAX


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", to_simplified(text)).lower()


@lru_cache(maxsize=1)
def _blacklist() -> tuple[frozenset[str], tuple[str, ...]]:
    text = resources.files("transcription").joinpath("data/hallucinations.txt").read_text("utf-8")
    entries = {
        _key(line) for line in text.splitlines() if line.strip() and not line.startswith("#")
    }
    entries.discard("")
    long_entries = tuple(e for e in entries if len(e) >= _SUBSTRING_MIN)
    return frozenset(entries), long_entries


def _is_known_hallucination(key: str) -> bool:
    exact, long_entries = _blacklist()
    return key in exact or any(entry in key for entry in long_entries)


def _is_repetition_loop(key: str, compression_ratio: float) -> bool:
    if compression_ratio > COMPRESSION_RATIO and len(key) >= 20:
        return True
    for match in _REPEAT.finditer(key):
        unit = match.group(1)
        repeats = len(match.group(0)) // len(unit)
        # "對對對" or "好好好好" is speech; a phrase said three times running is a loop.
        if (
            (len(unit) >= 3 and repeats >= 3)
            or (len(unit) == 2 and repeats >= 4)
            or (len(unit) == 1 and repeats >= 10)
        ):
            return True
    return False


def _echoes_prompt(key: str, prompt_key: str) -> bool:
    """The segment repeats the initial prompt instead of the audio."""
    if len(key) < 4 or not prompt_key:
        return False
    if key in prompt_key and len(key) >= min(_SUBSTRING_MIN, len(prompt_key)):
        return True
    if prompt_key in key and len(prompt_key) >= len(key) * 0.6:
        return True
    return len(key) >= 8 and _bigram_overlap(key, prompt_key) >= 0.8


def _lists_hotwords(key: str, hotwords: tuple[str, ...], *, unsure: bool) -> bool:
    """The segment is little but hotwords: two or more, or one where speech is doubtful."""
    rest, found = key, 0
    for word in sorted((_key(w) for w in hotwords), key=len, reverse=True):
        if word and word in rest:
            found += rest.count(word)
            rest = rest.replace(word, "")
    mostly_hotwords = len(rest) <= max(1, len(key) // 5)
    return mostly_hotwords and (found >= 2 or (found == 1 and unsure))


def _bigram_overlap(a: str, b: str) -> float:
    grams_a = {a[i : i + 2] for i in range(len(a) - 1)}
    grams_b = {b[i : i + 2] for i in range(len(b) - 1)}
    if not grams_a:
        return 0.0
    return len(grams_a & grams_b) / len(grams_a)
