"""Draft replies: the offline outline, and the LLM path against a local OpenAI-compatible server."""

from __future__ import annotations

import json
import re
from typing import Any

from rag import ReplyIndex, draft_reply, split_subquestions, suggest_agency
from tests.fakes.openai_server import FakeOpenAI, Reply, running_fake_openai
from tests.rag.conftest import RECORDS
from yishi.audit import draft_log
from yishi.llm import LLMClient

INQUIRY = "請問信義區社會住宅什麼時候完工？流標的問題怎麼解決？另外，市府有沒有規劃增設托嬰中心？"


def test_sub_questions() -> None:
    assert split_subquestions(INQUIRY) == [
        "請問信義區社會住宅什麼時候完工？", "流標的問題怎麼解決？", "另外，市府有沒有規劃增設托嬰中心？",
    ]  # fmt: skip
    assert split_subquestions("一、北環段進度。二、通車時程。") == [
        "一、北環段進度",
        "二、通車時程",
    ]


def test_offline_outline_quotes_and_cites_never_invents(index: ReplyIndex) -> None:
    draft = draft_reply(INQUIRY, index=index, use_configured_llm=False)
    assert (
        draft.drafter == "outline"
        and draft.agency.agency
        and draft.agency.agency.short == "都市發展局"
    )
    source_text = {r.id: r.reply for r in RECORDS}
    for sentence in draft.sentences:
        assert sentence.citations and sentence.supported
        for quote in re.findall(r"「([^」]+)」", sentence.text):
            if "答復" in sentence.text.split(quote)[0][-12:]:
                cited = draft.sources[sentence.citations[0] - 1].id
                assert quote in source_text[cited]
    assert any("托嬰中心" in q for q in draft.unanswered)
    assert [s.number for s in draft.sources] == list(range(1, len(draft.sources) + 1))
    cited = {n for s in draft.sentences for n in s.citations}
    assert cited == {s.number for s in draft.sources}  # only cited sources are listed
    [logged] = draft_log(index.engine, kind="reply")
    assert logged.drafter == "outline" and logged.sources


def test_no_similar_case(index: ReplyIndex) -> None:
    index.remove([r.id for r in RECORDS])
    draft = draft_reply("請問動物園無尾熊館何時整修？", index=index, use_configured_llm=False)
    assert draft.sentences == [] and draft.sources == [] and draft.unanswered
    assert "找不到相似的前案" in draft.notes[-1]


def test_agency_named_in_the_inquiry_wins(index: ReplyIndex) -> None:
    suggestion = suggest_agency("請環保局說明垃圾車夜間收運點", index=index)
    assert (
        suggestion.agency
        and suggestion.agency.short == "環境保護局"
        and suggestion.confidence >= 0.7
    )


def sources_in(body: dict[str, Any]) -> dict[int, str]:
    prompt = body["messages"][0]["content"]
    return {
        int(n): case_id
        for n, case_id in re.findall(r"^\[(\d+)\] 案號 ([^（\s]+)", prompt, re.MULTILINE)
    }


def test_llm_draft_with_checked_citations(index: ReplyIndex) -> None:
    def model(body: dict[str, Any]) -> Reply:
        numbers = sources_in(body)
        housing = next(n for n, case_id in numbers.items() if case_id == "113-質-0001")
        return Reply(json.dumps({"sentences": [
            {"text": "一、有關信義區社會住宅，因工程招標流標二次，業於113年3月重新決標，預計114年底完工。", "citations": [housing]},
            {"text": "二、本府將於明年增設十處托嬰中心。", "citations": [99]},
            {"text": "三、本府將持續督促廠商趕工。", "citations": []},
        ], "unanswered": ["托嬰中心規劃"]}, ensure_ascii=False))  # fmt: skip

    with running_fake_openai(FakeOpenAI(responder=model)) as fake:
        llm = LLMClient(
            base_url=fake.base_url, model="taide-test", api_key=fake.api_key, max_retries=0
        )
        draft = draft_reply(INQUIRY, index=index, llm=llm)
    assert draft.drafter == "llm" and draft.prompt_version == "reply-draft/1"
    first, invented, bare = draft.sentences
    assert first.supported and first.citations == [1] and draft.sources[0].id == "113-質-0001"
    assert not invented.supported and invented.citations == []  # [99] was never retrieved
    assert not bare.supported and "待補資料" in bare.render()
    assert len(draft.sources) == 1
    assert any("未檢索來源" in note for note in draft.notes)
    logged = draft_log(index.engine, kind="reply")[0]
    assert logged.model == "taide-test" and logged.prompt_version == "reply-draft/1"


def test_llm_timeout_gives_a_clear_note_and_the_outline(index: ReplyIndex) -> None:
    with running_fake_openai(FakeOpenAI(responder=lambda body: Reply("{}", delay=2.0))) as fake:
        llm = LLMClient(
            base_url=fake.base_url, model="m", api_key=fake.api_key, timeout=0.5, max_retries=0
        )
        draft = draft_reply(INQUIRY, index=index, llm=llm)
    assert draft.drafter == "outline" and "逾時" in draft.notes[0] and draft.sentences
