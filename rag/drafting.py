"""A draft written reply (書面答復) grounded in past replies, every claim cited.

Without a language model the draft is an outline of what was asked and answered before, quoted
with its source, never invented text. With one, the model writes the reply from the retrieved
cases only; each sentence must cite the sources it rests on, citations to anything not retrieved
are struck out, and a sentence left without support is marked for the author.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from inquiries import AgencyRegistry
from rag.hybrid import SearchHit
from rag.lexical import tokens
from rag.routing import AgencySuggestion, suggest_agency
from yishi.errors import UpstreamError
from yishi.zh import to_simplified

if TYPE_CHECKING:  # the model client (openai) and the prompts (jinja2) load only when drafting
    from yishi.llm import LLMClient

PROMPT = "reply_draft"
REPAIR_PROMPT = "json_repair"
MAX_REPAIRS = 1
SUPPORT_MIN = 0.3  # share of a sentence's character bigrams found in what it cites
# How close the best past case is: its E5 cosine plus a share of the inquiry's character bigrams
# found in it. Below WEAK_MATCH nothing close was found. Fitted on the development split of the
# real councillor Q&A (tests/data/replies-real/dev.jsonl; each query's answer against the best
# other case): balanced accuracy 0.84, where the cosine alone (0.903 before) managed 0.67 and
# flagged half of the true matches as weak.
COVERAGE_WEIGHT = 0.2
WEAK_MATCH = 0.945
UNSUPPORTED = "〔待補資料：無引用來源〕"


@dataclass(frozen=True)
class Source:
    number: int
    id: str
    agency: str | None  # as shown: short names, lead first, or the name as written if unknown
    date: str | None
    question: str
    reply: str


@dataclass
class DraftSentence:
    text: str
    citations: list[int] = field(default_factory=list)
    supported: bool = True

    def render(self) -> str:
        marks = "".join(f"[{n}]" for n in self.citations)
        return f"{self.text}{marks}" if self.supported else f"{self.text}{UNSUPPORTED}"


@dataclass
class ReplyDraft:
    inquiry: str
    agency: AgencySuggestion
    subquestions: list[str]
    sentences: list[DraftSentence]
    sources: list[Source]
    unanswered: list[str]
    drafter: str
    model: str | None = None
    prompt_version: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(s.render() for s in self.sentences)


def split_subquestions(text: str) -> list[str]:
    """The separate things an inquiry asks: numbered items, question marks, 另外/此外."""
    clean = re.sub(r"\s+", "", text)
    parts = re.split(
        r"(?<=[？?])|(?=[一二三四五六七八九十]、)|(?=[（(][一二三四五六七八九十\d][）)])|(?=\d[.、])|(?=另外|此外|還有|再者)",
        clean,
    )
    questions = [p.strip("，。；、 ") for p in parts if len(p.strip("，。；、 ")) >= 6]
    return questions or [clean]


def draft_reply(
    inquiry: str,
    hits: list[SearchHit],
    *,
    agencies: AgencyRegistry,
    llm: LLMClient | None = None,
    agency: str | None = None,
) -> ReplyDraft:
    suggestion = suggest_agency(inquiry, hits, agencies)
    if agency:
        chosen = agencies.resolve(agency)
        suggestion = AgencySuggestion(chosen, 1.0, "承辦人指定")
    names = {a.code: a.short for a in agencies}
    sources = [
        Source(
            number=n,
            id=h.record.id,
            agency=h.record.agencies_label(names),  # as written when it is no known agency
            date=h.record.date,
            question=h.record.question,
            reply=h.record.reply,
        )
        for n, h in enumerate(hits, 1)
    ]
    subquestions = split_subquestions(inquiry)
    strength = match_strength(inquiry, hits[0]) if hits else None
    weak = strength is not None and strength < WEAK_MATCH and not hits[0].exact
    draft = _draft_with(inquiry, subquestions, sources, suggestion, llm)
    if weak:
        draft.notes.append("前案與本次質詢的相似度偏低，可能沒有直接相關的答復，引用前請確認。")
    return draft


def match_strength(inquiry: str, hit: SearchHit) -> float | None:
    """How close ``hit`` is to ``inquiry`` (compared with WEAK_MATCH); None without a cosine."""
    if hit.dense is None:
        return None
    wanted = {t for t in tokens(inquiry) if len(t) == 2}
    found = set(tokens(f"{hit.record.question}\n{hit.record.reply}"))
    coverage = len(wanted & found) / len(wanted) if wanted else 0.0
    return hit.dense + COVERAGE_WEIGHT * coverage


def _draft_with(
    inquiry: str,
    subquestions: list[str],
    sources: list[Source],
    suggestion: AgencySuggestion,
    llm: LLMClient | None,
) -> ReplyDraft:
    if llm is not None and sources:
        try:
            return _llm_draft(inquiry, subquestions, sources, suggestion, llm)
        except UpstreamError as exc:
            draft = outline(inquiry, subquestions, sources, suggestion)
            draft.notes.insert(0, f"語言模型無法使用（{exc.message}），改提供前案整理大綱。")
            return draft
    return outline(inquiry, subquestions, sources, suggestion)


def outline(
    inquiry: str, subquestions: list[str], sources: list[Source], suggestion: AgencySuggestion
) -> ReplyDraft:
    """The offline draft: for each sub-question, what earlier replies said, quoted and cited."""
    sentences: list[DraftSentence] = []
    unanswered: list[str] = []
    for number, question in enumerate(subquestions, 1):
        evidence = _best_evidence(question, sources)
        if evidence is None:
            unanswered.append(question)
            continue
        source, quote = evidence
        sentences.append(
            DraftSentence(
                f"{_chinese_ordinal(number)}、有關「{_short(question)}」：{source.agency or '市府'}於"
                f"{source.date or '前案'}答復（案號 {source.id}）：「{quote}」",
                [source.number],
            )
        )
    for source in sources[:3]:
        sentences.append(
            DraftSentence(
                f"參考前案 {source.id}（{source.agency or '未載機關'}，{source.date or '日期不詳'}）"
                f"問：{_short(source.question, 60)}；答：{_short(source.reply, 80)}",
                [source.number],
            )
        )
    draft = ReplyDraft(
        inquiry=inquiry,
        agency=suggestion,
        subquestions=subquestions,
        sentences=sentences,
        sources=[],
        unanswered=unanswered,
        drafter="outline",
    )
    _keep_cited_sources(draft, sources)
    if not sources:
        draft.notes.append("找不到相似的前案，請依業務資料撰寫。")
    return draft


def _llm_draft(
    inquiry: str,
    subquestions: list[str],
    sources: list[Source],
    suggestion: AgencySuggestion,
    llm: LLMClient,
) -> ReplyDraft:
    from prompts import render, version_of
    from yishi.llm import complete_structured

    prompt = render(
        PROMPT,
        agency=suggestion.agency.short if suggestion.agency else "相關機關",
        inquiry=inquiry,
        subquestions=subquestions,
        sources=[
            s.__dict__ | {"reply": _short(s.reply, 600), "question": _short(s.question, 200)}
            for s in sources
        ],
    )
    parsed, reply = complete_structured(
        llm,
        prompt.text,
        _LLMReply,
        repair=lambda error: render(REPAIR_PROMPT, error=error).text,
        max_repairs=MAX_REPAIRS,
    )
    by_number = {s.number: s for s in sources}
    sentences, rejected = [], 0
    for item in parsed.sentences:
        text = re.sub(r"\s*(\[\d+\])+\s*$", "", item.text.strip())
        cited = [n for n in dict.fromkeys(item.citations + _marks(item.text)) if n in by_number]
        rejected += len(set(item.citations + _marks(item.text)) - set(cited))
        support = _overlap(text, "".join(by_number[n].question + by_number[n].reply for n in cited))
        sentences.append(
            DraftSentence(text, cited, supported=bool(cited) and support >= SUPPORT_MIN)
        )
    draft = ReplyDraft(
        inquiry=inquiry,
        agency=suggestion,
        subquestions=subquestions,
        sentences=sentences,
        sources=[],
        unanswered=parsed.unanswered,
        drafter="llm",
        model=reply.model,
        prompt_version=version_of(PROMPT),
    )
    if rejected:
        draft.notes.append(f"已刪除 {rejected} 個指向未檢索來源的引用。")
    unsupported = sum(1 for s in sentences if not s.supported)
    if unsupported:
        draft.notes.append(f"有 {unsupported} 句沒有可靠的引用來源，已標記待補資料。")
    _keep_cited_sources(draft, sources)
    return draft


class _LLMSentence(BaseModel):
    text: str = Field(min_length=1)
    citations: list[int] = Field(default_factory=list)


class _LLMReply(BaseModel):
    sentences: list[_LLMSentence] = Field(min_length=1)
    unanswered: list[str] = Field(default_factory=list)


def _keep_cited_sources(draft: ReplyDraft, sources: list[Source]) -> None:
    """List only the sources the draft cites, renumbered 1, 2, 3 in order of first citation."""
    order: list[int] = []
    for sentence in draft.sentences:
        for n in sentence.citations:
            if n not in order:
                order.append(n)
    renumber = {old: new for new, old in enumerate(order, 1)}
    by_number = {s.number: s for s in sources}
    for sentence in draft.sentences:
        sentence.citations = [renumber[n] for n in sentence.citations]
    draft.sources = [
        Source(**(by_number[old].__dict__ | {"number": new})) for old, new in renumber.items()
    ]


def _best_evidence(question: str, sources: list[Source]) -> tuple[Source, str] | None:
    best: tuple[float, Source, str] | None = None
    for source in sources:
        for sentence in re.split(r"(?<=[。；！？])", source.reply):
            sentence = sentence.strip()
            if len(sentence) < 8:
                continue
            score = _overlap(question, sentence + source.question)
            if best is None or score > best[0]:
                best = (score, source, sentence)
    if best is None or best[0] < 0.2:
        return None
    return best[1], best[2]


def _grams(text: str) -> set[str]:
    clean = re.sub(r"[\W_]+", "", to_simplified(text))
    return {clean[i : i + 2] for i in range(len(clean) - 1)}


def _overlap(claim: str, source: str) -> float:
    claimed = _grams(claim)
    return len(claimed & _grams(source)) / len(claimed) if claimed else 0.0


def _marks(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d+)\]", text)]


def _short(text: str, limit: int = 40) -> str:
    clean = re.sub(r"\s+", "", text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def _chinese_ordinal(number: int) -> str:
    return "一二三四五六七八九十"[number - 1] if number <= 10 else str(number)
