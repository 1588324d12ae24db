"""A past case whose agency is no known agency is shown with the name as written, everywhere."""

from __future__ import annotations

from rag import PastRecord, ReplyIndex, draft_reply, search
from rag.export import draft_lines

# 都發處 is no agency (是否為：都發局？); 公園處 with 交工處 is a lead and a co-agency.
UNKNOWN = PastRecord(
    "114-質-0009", "北投士林科技園區社會住宅何時動工？", "一、本處預計115年6月動工，118年完工。",
    None, "李議員", "2025-03-03", agency_raw="都發處",
)  # fmt: skip
JOINT = PastRecord(
    "114-質-0010", "內湖路燈與號誌同時故障，請說明修復時程。", "一、路燈已於3日內修復，號誌同步檢修完成。",
    "parks", "吳議員", "2025-04-01", co_agencies=("traffic-engineering",),
)  # fmt: skip


def test_search_hits_keep_the_written_name_and_co_agencies(index: ReplyIndex) -> None:
    index.index_records([UNKNOWN, JOINT])
    names = {a.code: a.short for a in index.agencies}
    [hit] = search("北投士林科技園區社宅動工", k=1, index=index)
    assert hit.record.id == UNKNOWN.id and hit.record.agencies_label(names) == "都發處"
    [joint] = search("內湖路燈號誌故障", k=1, index=index)
    assert joint.record.agencies_label(names) == "公園路燈工程管理處會同交通管制工程處"


def test_a_draft_cites_the_written_name_not_a_blank(index: ReplyIndex) -> None:
    index.index_records([UNKNOWN])
    draft = draft_reply(
        "請說明北投士林科技園區社會住宅何時動工？", index=index, use_configured_llm=False
    )
    cited = {s.id: s for s in draft.sources}
    assert cited[UNKNOWN.id].agency == "都發處"
    assert "（都發處，2025-03-03）" in draft.text and "未載機關" not in draft.text
    assert any(f"案號 {UNKNOWN.id}（都發處，2025-03-03）" in line for line in draft_lines(draft))
