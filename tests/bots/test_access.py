"""One access rule on every path that returns case data: a liaison sees their agency's only."""

from __future__ import annotations

import re

import pytest

import rag
from bots import Conversation, IncomingMessage, StaffDirectory, digest, similar_from_index
from inquiries import CaseStore
from tests.rag.conftest import RECORDS
from yishi.config import get_settings

# Every intent that can show a case, asked by a liaison of an agency with no cases at all.
ASKED = [
    "115-質-0457 進度?", "115-0457", "案號 0457", "逾期案件", "都發局逾期案件", "本週到期",
    "三天內到期", "十五天內到期", "今天到期", "明天到期", "下週到期", "林議員的質詢",
    "林議員的全部案件", "我的案件", "逾期案件 第2頁", "查類似 信義區社會住宅進度落後",
]  # fmt: skip
CASE_ID = re.compile(r"\d{3}-[質索陳裁]-\d{4}")


@pytest.fixture()
def conversation(store: CaseStore, staff: StaffDirectory) -> Conversation:
    """The real retrieval index (chromadb, BM25, E5) behind 查類似."""
    rag.open_index(get_settings()).index_records(RECORDS)
    return Conversation(store, staff, similar=similar_from_index(get_settings()))


def bind(conversation: Conversation, staff: StaffDirectory, user: str, **who: str) -> None:
    code = staff.invite(name=f"人員{user}", **who).code
    assert "綁定完成" in conversation.handle(IncomingMessage("line", user, user, code)).text


@pytest.mark.parametrize("asked", ASKED)
def test_a_liaison_of_another_agency_sees_no_case(
    conversation: Conversation, staff: StaffDirectory, asked: str
) -> None:
    bind(conversation, staff, "U-sports", agency="體育局")
    reply = conversation.handle(IncomingMessage("line", "U-sports", "U-sports", asked))
    # Only a case number the liaison typed may come back ("查無您可查看的案件：…").
    assert set(CASE_ID.findall(reply.text)) <= set(CASE_ID.findall(asked)), reply.text
    assert not reply.cards


def test_the_same_questions_show_cases_to_those_allowed(
    conversation: Conversation, staff: StaffDirectory, store: CaseStore
) -> None:
    bind(conversation, staff, "U-urban", agency="都發局")
    bind(conversation, staff, "U-boss", agency="秘書處", role="secretariat")
    shown: dict[str, set[str]] = {"U-urban": set(), "U-boss": set()}
    for user in shown:
        for asked in ASKED:
            text = conversation.handle(IncomingMessage("line", user, user, asked)).text
            shown[user] |= set(CASE_ID.findall(text))
    assert "115-質-0457" in shown["U-urban"] and "113-質-0001" in shown["U-urban"]
    assert "115-索-0101" not in shown["U-urban"]  # 交通局's
    assert {"115-索-0101", "115-質-0457", "113-質-0001"} <= shown["U-boss"]
    similar = conversation.handle(
        IncomingMessage("line", "U-urban", "U-urban", "查類似 垃圾車清運路線")
    )
    assert "113-質-0002" not in similar.text  # 環保局's past reply


def test_the_daily_digest_follows_the_rule(store: CaseStore, staff: StaffDirectory) -> None:
    sports = staff.invite(name="體育承辦", agency="體育局").staff
    assert digest(store, sports, days_ahead=3) is None
    urban = staff.invite(name="都發承辦", agency="都發局").staff
    text = digest(store, urban, days_ahead=3).text  # type: ignore[union-attr]
    assert "都市發展局" in text and "115-索-0101" not in text and "交通局" not in text
