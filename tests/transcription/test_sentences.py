"""Whisper's chunk-long segments cut into sentences, and punctuated by pauses when it wrote none."""

from __future__ import annotations

from transcription.sentences import COMMA_PAUSE_SECONDS, punctuated_by_pauses, split_sentences
from transcription.whisper import RawSegment, RawWord


def words(*timed: tuple[str, float, float]) -> list[RawWord]:
    return [RawWord(start=start, end=end, word=word, probability=0.9) for word, start, end in timed]


def segment(spoken: list[RawWord]) -> RawSegment:
    return RawSegment(
        start=spoken[0].start,
        end=spoken[-1].end,
        text="".join(w.word for w in spoken),
        avg_logprob=-0.2,
        no_speech_prob=0.01,
        compression_ratio=1.2,
        words=spoken,
    )


def test_pauses_become_commas_and_the_end_a_full_stop() -> None:
    spoken = words(
        ("請交通局", 0.0, 0.8), ("兩週內", 0.8, 1.3), ("提出", 1.7, 2.0), ("改善方案", 2.0, 2.6)
    )
    assert punctuated_by_pauses(spoken) == "請交通局兩週內，提出改善方案。"
    [piece] = split_sentences(segment(spoken))
    assert piece.text == "請交通局兩週內，提出改善方案。"


def test_a_question_particle_ends_with_a_question_mark() -> None:
    assert punctuated_by_pauses(words(("這樣", 0.0, 0.4), ("可以嗎", 0.4, 0.9))) == "這樣可以嗎？"


def test_a_short_gap_inside_a_clause_is_no_comma() -> None:
    gap = COMMA_PAUSE_SECONDS / 2
    spoken = words(("環保局", 0.0, 0.5), ("本週內", 0.5 + gap, 1.0))
    assert punctuated_by_pauses(spoken) == "環保局本週內。"


def test_punctuation_the_recogniser_wrote_is_kept() -> None:
    spoken = words(("好，", 0.0, 0.3), ("請交通局", 0.8, 1.4), ("報告。", 1.4, 1.9))
    [piece] = split_sentences(segment(spoken))
    assert piece.text == "好，請交通局報告。"


def test_other_languages_are_left_alone() -> None:
    spoken = words(("OK", 0.0, 0.3), (" thanks", 0.8, 1.2))
    [piece] = split_sentences(segment(spoken))
    assert piece.text == "OK thanks"
