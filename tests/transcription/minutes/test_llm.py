"""The LLM drafter against a local OpenAI-compatible server, through the real ``openai`` SDK."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest

from tests.fakes.openai_server import FakeOpenAI, Reply, running_fake_openai
from tests.minutes_fixtures import MINUTES_DATA, load
from transcription.minutes import MeetingHeader
from transcription.minutes.llm import chunk_segments
from transcription.minutes.service import draft_minutes
from transcription.schema import Transcript
from yishi.llm import LLMClient

HEADER = MeetingHeader(title="第2297次市政會議", meeting_type="市政會議", date=date(2026, 2, 10))


def transcript() -> Transcript:
    return load(MINUTES_DATA / "city-meeting-2026-02-10.meeting.yaml").transcript()


def segments_in(body: dict[str, Any]) -> dict[int, str]:
    prompt = body["messages"][0]["content"]
    return {
        int(m.group(1)): m.group(2) for m in re.finditer(r"^\[(\d+)\] (.*)$", prompt, re.MULTILINE)
    }


def honest_model(body: dict[str, Any]) -> Reply:
    """A model that cites real segments: every segment with 請+agency becomes a directive."""
    directives = []
    for number, text in segments_in(body).items():
        if "請" in text and "局" in text and "報告" not in text:
            agency = re.search(r"請(\w{1,3}局)", text)
            directives.append({
                "segment_ids": [number], "text": text, "agency": agency.group(1) if agency else None,
                "co_agencies": [], "deadline": "兩週內" if "兩週內" in text else None,
            })  # fmt: skip
    return Reply(
        json.dumps({"directives": directives, "reports": [], "discussions": []}, ensure_ascii=False)
    )


def client(fake: FakeOpenAI, **kwargs: Any) -> LLMClient:
    return LLMClient(
        base_url=fake.base_url, model="taide-test", api_key=fake.api_key, max_retries=0, **kwargs
    )


def test_llm_draft_is_grounded_and_resolved() -> None:
    with running_fake_openai(FakeOpenAI(responder=honest_model)) as fake:
        minutes = draft_minutes(transcript(), HEADER, llm=client(fake), chunk_chars=100_000)
    assert minutes.draft.drafter == "llm" and minutes.draft.model == "taide-test"
    assert minutes.draft.prompt_version == "minutes-extract/2"
    assert minutes.directives
    by_id = {s.id: s.text for s in transcript().segments}
    for directive in minutes.directives:
        assert directive.text in "".join(by_id[i] for i in directive.span.segment_ids)
        assert "ungrounded" not in directive.flags
    prompt = fake.requests[0]["messages"][0]["content"]
    assert "第2297次市政會議" in prompt and "都市發展局" in prompt
    assert fake.requests[0]["response_format"] == {"type": "json_object"}


def test_long_transcripts_are_drafted_in_overlapping_chunks() -> None:
    segments = transcript().segments
    chunks = chunk_segments(segments, 400)
    assert len(chunks) > 3
    assert [s.id for s in chunks[1][:2]] == [s.id for s in chunks[0][-2:]]
    assert {s.id for chunk in chunks for s in chunk} == {s.id for s in segments}
    with running_fake_openai(FakeOpenAI(responder=honest_model)) as fake:
        minutes = draft_minutes(transcript(), HEADER, llm=client(fake), chunk_chars=400)
    assert len(fake.requests) == len(chunks)
    firsts = [d.span.segment_ids[0] for d in minutes.directives]
    assert firsts == sorted(set(firsts))  # the overlap never duplicates a directive


def test_malformed_json_is_repaired_once() -> None:
    good = honest_model
    calls: list[int] = []

    def responder(body: dict[str, Any]) -> Reply:
        calls.append(1)
        if len(calls) == 1:
            return Reply('{"directives": [{"segment_ids": "three", "text": ')
        assert "無法使用" in body["messages"][-1]["content"]  # the repair prompt explains why
        first = {"messages": [body["messages"][0]]}
        return good(first)

    with running_fake_openai(FakeOpenAI(responder=responder)) as fake:
        minutes = draft_minutes(transcript(), HEADER, llm=client(fake), chunk_chars=100_000)
    assert len(fake.requests) == 2 and minutes.draft.drafter == "llm" and minutes.directives


def test_hopeless_output_falls_back_to_the_rules() -> None:
    fake = FakeOpenAI(responder=lambda body: Reply("我無法完成這個要求。"))
    with running_fake_openai(fake) as fake:
        minutes = draft_minutes(transcript(), HEADER, llm=client(fake), chunk_chars=100_000)
    assert len(fake.requests) == 3  # the first answer and two repairs
    assert minutes.draft.drafter == "rules" and minutes.directives
    assert "格式不符" in minutes.notes[0] and "規則式" in minutes.notes[0]


@pytest.mark.parametrize(
    ("reply", "message"),
    [(Reply(status=500, content="upstream exploded"), "語言模型服務錯誤（500）"),
     (Reply(status=429, content="slow down"), "忙碌（429）"),
     (Reply(content="{}", delay=2.0), "逾時")],
)  # fmt: skip
def test_server_errors_and_timeouts_still_give_minutes(reply: Reply, message: str) -> None:
    with running_fake_openai(FakeOpenAI(responder=lambda body: reply)) as fake:
        minutes = draft_minutes(
            transcript(), HEADER, llm=client(fake, timeout=0.5), chunk_chars=100_000
        )
    assert minutes.draft.drafter == "rules" and minutes.directives
    assert message in minutes.notes[0]


def test_a_wrong_key_is_reported() -> None:
    with running_fake_openai() as fake:
        wrong = LLMClient(base_url=fake.base_url, model="m", api_key="sk-wrong", max_retries=0)
        minutes = draft_minutes(transcript(), HEADER, llm=wrong)
    assert "401" in minutes.notes[0] and not fake.requests


def test_invented_directives_are_dropped_or_flagged() -> None:
    def inventive(body: dict[str, Any]) -> Reply:
        ids = sorted(segments_in(body))
        return Reply(json.dumps({"directives": [
            {"segment_ids": [99999], "text": "請教育局全面改建校舍", "agency": "教育局"},
            {"segment_ids": [ids[0]], "text": "請文化局於年底前舉辦國際藝術節", "agency": "文化局", "deadline": "年底前"},
            {"segment_ids": [ids[1]], "text": "請宇宙開發局研議登月", "agency": "宇宙開發局"},
        ]}, ensure_ascii=False))  # fmt: skip

    with running_fake_openai(FakeOpenAI(responder=inventive)) as fake:
        minutes = draft_minutes(transcript(), HEADER, llm=client(fake), chunk_chars=100_000)
    assert len(minutes.directives) == 2
    assert "ungrounded" in minutes.directives[0].flags
    assert "unknown_agency" in minutes.directives[1].flags
    assert (
        minutes.directives[1].lead_agency is None
        and minutes.directives[1].agency_said == "宇宙開發局"
    )
    assert any("無法對應到逐字稿" in note for note in minutes.notes)
