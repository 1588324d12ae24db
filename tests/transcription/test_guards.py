from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLES, SPEECH
from transcription.guards import SegmentEvidence, repeats_previous, review_flags

PROMPT = "以下是臺北市政府會議的逐字紀錄，使用臺灣正體中文。"
HOTWORDS = ("市政會議", "裁示事項", "列管", "都發局", "研考會")


def flags(
    text: str, *, logprob: float = -0.2, no_speech: float = 0.05, ratio: float = 1.2
) -> list[str]:
    return review_flags(
        SegmentEvidence(text, logprob, no_speech, ratio), initial_prompt=PROMPT, hotwords=HOTWORDS
    )


@pytest.mark.parametrize(
    "text",
    [
        "字幕由Amara.org社群提供",
        "請不吝點贊訂閱轉發打賞支持明鏡與點點欄目",
        "谢谢观看",
        "謝謝觀看！",
    ],
)
def test_known_hallucinations_are_flagged(text: str) -> None:
    assert "hallucination" in flags(text)


def test_thanks_inside_a_real_sentence_is_not_a_hallucination() -> None:
    assert flags("謝謝觀看直播的市民朋友，我們繼續開會。") == []
    assert flags("謝謝主席。") == []


def test_repetition_loop() -> None:
    assert "repetition" in flags("請都發局檢討請都發局檢討請都發局檢討請都發局檢討請都發局檢討")
    assert "repetition" in flags("好" * 12)
    assert flags("好好好，我們再討論。") == []


def test_prompt_echo() -> None:
    assert "prompt_echo" in flags("以下是臺北市政府會議的逐字紀錄")
    assert "prompt_echo" in flags("市政會議 裁示事項 列管 都發局")
    assert "prompt_echo" not in flags("請都發局兩週內提出改善方案。")


def test_a_simplified_prompt_echoed_in_traditional_script() -> None:
    evidence = SegmentEvidence("以下是臺北市政府會議的逐字紀錄。", -0.3, 0.1, 1.2)
    assert "prompt_echo" in review_flags(
        evidence, initial_prompt="以下是台北市政府会议的逐字记录。"
    )


def test_low_confidence_and_no_speech() -> None:
    assert flags("嗯", logprob=-1.4, no_speech=0.9) == ["no_speech", "low_confidence"]
    assert flags("請各機關配合", logprob=-1.2) == ["low_confidence"]


def reference_sentences() -> list[str]:
    lines = []
    for path in [SAMPLES / "sample_meeting.txt", *SPEECH.glob("*.txt")]:
        lines += [line for line in path.read_text("utf-8").splitlines() if line]
    return lines


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(reference_sentences()), st.integers(0, 30), st.integers(4, 40))
def test_real_meeting_speech_is_never_flagged(line: str, start: int, length: int) -> None:
    assert flags(line[start : start + length] or line) == []


def test_a_sentence_said_again_where_no_one_could_say_it_is_a_loop() -> None:
    before = "另外，有關議員索取資料的案件，請各機關務必在期限內答復，不要逾期。"
    again = "請各機關務必在期限內答復。"
    assert repeats_previous(again, 0.5, before, no_speech=False)  # 24 characters a second
    assert repeats_previous(again, 3.0, before, no_speech=True)


@pytest.mark.parametrize(
    ("text", "seconds", "no_speech"),
    [
        ("請各機關務必在期限內答復。", 3.0, False),  # said again for emphasis, at speaking pace
        ("不要逾期。", 0.3, True),  # too short to tell
        ("請各機關本週內答復。", 0.5, True),  # not what was said before
    ],
)
def test_what_may_really_be_said_again_is_kept(text: str, seconds: float, no_speech: bool) -> None:
    before = "另外，有關議員索取資料的案件，請各機關務必在期限內答復，不要逾期。"
    assert not repeats_previous(text, seconds, before, no_speech=no_speech)
