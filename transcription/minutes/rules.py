"""The rule-based drafter: offline, deterministic minutes from a transcript.

It reads the transcript sentence by sentence, follows who has the floor from the chair's cues
("請都發局報告", "報告主席", "好，謝謝局長"), finds the agenda (報告事項, 討論事項, 臨時動議) and
takes a directive from every clause where the chair tells an agency to act, with the deadline
said with it, resolved on the working-day calendar.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from inquiries import AgencyRegistry, WorkCalendar, default_agencies
from transcription.glossary import default_glossary
from transcription.minutes.schema import (
    Directive,
    DiscussionItem,
    DraftRecord,
    FollowUp,
    MeetingHeader,
    Minutes,
    ReportItem,
    Span,
)
from transcription.minutes.when import find_deadline
from transcription.schema import Segment, Transcript
from transcription.script import ScriptConverter
from yishi.errors import InputError

# Verbs of action that make "請/由 <agency> …" an instruction rather than a courtesy.
ACTION_VERBS = ["提出", "提供", "檢討", "研議", "研擬", "研處", "辦理", "完成", "回報", "報告", "協助", "配合", "評估", "規劃", "加強", "處理", "送", "追蹤", "列管", "改善", "督導", "盤點", "整理", "清查", "彙整", "統計", "修正", "擬定", "訂定", "召開", "聯繫", "溝通", "確認", "落實", "持續", "啟動", "推動", "執行", "會同", "協調", "整合", "準備", "派員", "派人", "查明", "釐清", "宣導", "發布", "公告", "建置", "檢查", "巡查", "清除", "調整", "增加", "爭取", "編列", "納入", "研究", "分析", "排除", "開設", "備妥", "預置", "支援", "動員", "通知", "掌握", "因應", "注意", "把關", "重新", "了解", "處置", "說明", "答復", "回覆", "提報", "簽報", "製作", "更新", "補充", "討論", "規範", "輔導", "協處", "試辦", "擴大", "優化", "清點", "控管", "訂出", "做", "去", "拿出", "列出", "寄", "補", "修", "查", "看", "撰擬", "送交", "送到", "函送", "研提", "整備", "疏散", "搶修", "搶通", "安置"]
# The chair's own words for telling someone to act.
IMPERATIVES = ("請", "麻煩", "要求", "責成", "交由", "交給", "交辦", "指示", "裁示", "拜託")
SUBJECT_CUES = (
    "要",
    "務必",
    "應該",
    "應",
    "必須",
    "需要",
    "負責",
    "主政",
    "主辦",
    "這邊",
    "這個部分",
    "這部分",
    "就",
    "儘速",
    "盡快",
    "立刻",
    "馬上",
    "立即",
)
# Openings that hand the floor back to the chair after someone else spoke.
CHAIR_OPENERS = (
    "好",
    "好的",
    "OK",
    "ok",
    "很好",
    "那我們",
    "那麼",
    "接下來",
    "我想",
    "我覺得",
    "這個部分",
    "這部分",
    "我這邊",
    "主席裁示",
    "裁示",
    "我裁示",
    "我們就請",
    "那就請",
    "那請",
)
# Openings of someone reporting to the chair or answering a councillor.
SPEAKER_OPENERS = (
    "報告主席",
    "主席好",
    "主席、",
    "主席，",
    "謝謝主席",
    "各位首長",
    "報告市長",
    "市長好",
    "報告秘書長",
    "秘書長好",
    "報告副市長",
    "副市長好",
    "報告召集人",
    "議員好",
    "議員您好",
    "報告議員",
    "謝謝議員",
    "議長好",
    "報告議長",
)
COUNCILLOR_CUES = (
    "本席",
    "請問市長",
    "請問局長",
    "市長，",
    "市長你",
    "局長，",
    "局長你",
    "我要請問",
    "我要求",
    "請市長",
    "給我",
    "給本席",
    "我的辦公室",
    "議員辦公室會",
    "市民朋友都",
)
FLOOR_GIVING = re.compile(
    r"請(?P<who>[^，。？！、]{1,16}?)(?P<title>局長|處長|主委|主任秘書|秘書長|議員|市長|副市長|代表|主秘)?"
    r"(?:先|再)?(?:來)?(?:跟大家)?(?:做)?(?:個|一下)?(?:報告|說明|補充|答復|回應|發言|質詢|簡報)"
)
PERSON_TITLES = (
    "局長",
    "處長",
    "主委",
    "主任秘書",
    "秘書長",
    "議員",
    "市長",
    "副市長",
    "代表",
    "主秘",
    "召集人",
    "執行長",
)
DECISION_WORDS = (
    "照案通過",
    "修正通過",
    "原則同意",
    "同意備查",
    "准予備查",
    "洽悉",
    "保留",
    "退回",
    "另案",
    "暫緩",
    "撤案",
    "緩議",
    "通過",
)
FOLLOW_UP_WORDS = ("解除列管", "繼續列管", "自行列管", "持續列管")
UNKNOWN_AGENCY = re.compile(
    r"(?:請|由|交由|麻煩)(?P<name>[\u4e00-\u9fff]{2,9}?(?:局|處|署|中心|公司|大隊|委員會))"
)
GROUP_AGENCIES = ("各局處", "各機關", "各單位", "相關局處", "相關機關", "各位首長", "大家")


@dataclass
class Sentence:
    segment: Segment
    text: str  # glossary-corrected, for analysis
    floor: str = "chair"


@dataclass
class _Draft:
    header: MeetingHeader
    reports: list[ReportItem] = field(default_factory=list)
    discussions: list[DiscussionItem] = field(default_factory=list)
    motions: list[DiscussionItem] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    adjourned_at: float | None = None


class RuleBasedDrafter:
    """Minutes without a language model: deterministic, offline, measured on labelled meetings."""

    name = "rules"

    def __init__(
        self,
        *,
        agencies: AgencyRegistry | None = None,
        calendar: WorkCalendar | None = None,
        converter: ScriptConverter | None = None,
    ) -> None:
        self.agencies = agencies or default_agencies()
        self.calendar = calendar or WorkCalendar()
        self.converter = converter or ScriptConverter(default_glossary())

    def draft(self, transcript: Transcript, header: MeetingHeader) -> Minutes:
        started = time.perf_counter()
        sentences = self._sentences(transcript)
        _track_floor(sentences, council=_is_council(header), gives_floor=self.gives_floor)
        draft = _Draft(header=header)
        self._agenda(sentences, draft)
        draft.directives = self._directives(sentences, header)
        return Minutes(
            header=header,
            follow_ups=draft.follow_ups,
            reports=draft.reports,
            discussions=draft.discussions,
            motions=draft.motions,
            directives=draft.directives,
            adjourned_at=draft.adjourned_at,
            notes=_notes(transcript, draft),
            draft=DraftRecord(
                drafter=self.name,
                created_at=datetime.now(UTC),
                transcript_file=transcript.source.file,
                transcript_sha256=transcript.source.sha256,
                seconds=round(time.perf_counter() - started, 3),
            ),
        )

    def _sentences(self, transcript: Transcript) -> list[Sentence]:
        return [
            Sentence(segment=s, text=self.converter.convert(s.text))
            for s in transcript.segments
            if s.text.strip()
            and not ({"hallucination", "prompt_echo", "repetition"} & set(s.flags))
        ]

    # Agenda: reports, discussion items, follow-ups, adjournment

    def _agenda(self, sentences: list[Sentence], draft: _Draft) -> None:
        section = "opening"
        current_report: ReportItem | None = None
        current_item: DiscussionItem | None = None
        for index, sentence in enumerate(sentences):
            text = sentence.text
            span = _span([sentence])
            section = _section(text, section)
            if "散會" in text and sentence.floor == "chair":
                draft.adjourned_at = sentence.segment.start
            if section == "follow_up" and any(w in text for w in FOLLOW_UP_WORDS):
                decision = next(w for w in FOLLOW_UP_WORDS if w in text)
                draft.follow_ups.append(
                    FollowUp(text=sentence.segment.text, decision=decision, span=span)
                )
            report = self._report_start(text, sentence)
            if report is not None and section not in ("discussion", "motion"):
                current_report = report
                draft.reports.append(report)
                continue
            if current_report is not None and sentence.floor != "chair":
                if len(current_report.summary) < 3 and not text.startswith(SPEAKER_OPENERS):
                    current_report.summary.append(sentence.segment.text)
                current_report.span.end = sentence.segment.end
                current_report.span.segment_ids.append(sentence.segment.id)
            if section in ("discussion", "motion"):
                current_item = self._discussion(sentences, index, section, draft, current_item)

    def _report_start(self, text: str, sentence: Sentence) -> ReportItem | None:
        if sentence.floor != "chair":
            return None
        match = re.search(
            r"請(?P<who>[^，。、]{1,16}?)(?:局長|處長|主委)?(?:來)?報告(?P<what>[^，。？！]*)", text
        )
        if not match:
            return None
        agencies = self.agencies.find_in_text(match.group("who"))
        if not agencies:
            return None
        agency = agencies[0]
        subject = match.group("what").strip("：:，。 ")
        title = f"{agency.short}報告{subject}" if subject else f"{agency.short}報告"
        return ReportItem(
            title=title, agency=agency.code, agency_name=agency.short, span=_span([sentence])
        )

    def _discussion(
        self, sentences: list[Sentence], index: int, section: str, draft: _Draft,
        current: DiscussionItem | None,
    ) -> DiscussionItem | None:  # fmt: skip
        sentence = sentences[index]
        text = sentence.text
        subject = re.search(r"案由(?:是|為|：|:)?(?P<subject>[^。？！]+)", text)
        numbered = re.search(r"第[一二三四五六七八九十0-9]+案", text)
        if (
            subject
            or (numbered and current is not None and current.decision is not None)
            or (numbered and current is None)
        ):
            proposer = self.agencies.find_in_text(text.split("案由")[0]) if "案由" in text else []
            item = DiscussionItem(
                subject=(subject.group("subject").strip("，, ") if subject else text),
                proposer=proposer[0].short if proposer else None,
                span=_span([sentence]),
            )
            (draft.motions if section == "motion" else draft.discussions).append(item)
            return item
        if current is None:
            return None
        current.span.end = sentence.segment.end
        current.span.segment_ids.append(sentence.segment.id)
        if sentence.floor == "chair" and current.decision is None:
            for word in DECISION_WORDS:
                if word in text:
                    current.decision = _decision_phrase(sentence.segment.text, word)
                    return current
        if sentence.floor != "chair" and len(current.explanation) < 3:
            current.explanation.append(sentence.segment.text)
        return current

    # Directives

    def _directives(self, sentences: list[Sentence], header: MeetingHeader) -> list[Directive]:
        directives: list[Directive] = []
        meeting_date = header.date or date.today()
        last_index = -10
        for index, sentence in enumerate(sentences):
            if sentence.floor not in ("chair", "mayor"):
                continue
            if directives and last_index == index - 1 and not self._names_agency(sentence.text):
                if self._continue(directives[-1], sentence, meeting_date, header.meeting_type):
                    last_index = index
                    continue
            topic = self._topic_agency(sentences, index)
            groups = self._directive_clauses(sentence, topic)
            for clauses in groups:
                directive = self._directive(clauses, sentence, meeting_date, header.meeting_type)
                if directive is not None:
                    directives.append(directive)
                    last_index = index
        return directives

    def _continue(
        self, directive: Directive, sentence: Sentence, meeting_date: date, meeting_type: str | None
    ) -> bool:
        """A sentence that carries on the previous directive: "…一起檢討。兩週內提出改善方案。"."""
        text = sentence.text
        if _starts_new_thought(text) or self._names_agency(text) or not _is_instruction_tone(text):
            return False
        if not (_has_action(text) or _has_deadline_words(text)):
            return False
        deadline = find_deadline(
            text, meeting_date=meeting_date, meeting_type=meeting_type, calendar=self.calendar
        )
        if deadline is None and not re.match(r"^(?:並|並且|同時|然後|而且|也要|要)", text):
            return False
        if deadline is not None and directive.deadline_text is not None:
            return False
        directive.text = f"{directive.text}{sentence.segment.text}"
        directive.span.end = sentence.segment.end
        directive.span.segment_ids.append(sentence.segment.id)
        if deadline is not None and directive.deadline_text is None:
            directive.deadline_text, directive.due = deadline.text, deadline.due
            directive.due_basis, directive.urgent = deadline.basis, deadline.urgent
        return True

    def _topic_agency(self, sentences: list[Sentence], index: int) -> str | None:
        """The agency the chair is talking about: named in this turn just before, or reporting."""
        for back in range(index - 1, max(-1, index - 4), -1):
            previous = sentences[back]
            if previous.floor != sentences[index].floor:
                found = self.agencies.find_in_text(previous.text)
                return found[0].short if found and previous.floor == "agency" else None
            found = self.agencies.find_in_text(previous.text)
            if found and re.search(r"(?:這個部分|這部分|的部分|這邊|方面|報告)", previous.text):
                return found[0].short
        return None

    def _directive_clauses(
        self, sentence: Sentence, topic: str | None
    ) -> list[list[tuple[str, str]]]:
        """Group the sentence's clauses into directives: (analysed text, original text) pairs."""
        analysed = _clauses(sentence.text)
        original = _clauses(sentence.segment.text)
        if len(original) != len(analysed):
            original = analysed
        groups: list[list[tuple[str, str]]] = []
        pending_topic: list[tuple[str, str]] = []
        for clause, raw in zip(analysed, original, strict=True):
            starts = self._starts_directive(clause)
            if starts:
                groups.append([*pending_topic, (clause, raw)])
                pending_topic = []
            elif self._names_agency(clause) and not _has_action(clause):
                pending_topic = [(clause, raw)]  # "都發局這個部分，" — the next clause acts on it
            elif (
                pending_topic
                and (_has_action(clause) or _has_deadline_words(clause))
                and _is_instruction_tone(clause)
            ):
                groups.append([*pending_topic, (clause, raw)])
                pending_topic = []
            elif groups and not _starts_new_thought(clause):
                groups[-1].append((clause, raw))
            elif (
                topic
                and not groups
                and not _starts_new_thought(clause)
                and _is_instruction_tone(clause)
                and _has_action(clause)
                and any(cue in clause for cue in (*SUBJECT_CUES, "請", "持續", "加強", "提出"))
                and not self._names_agency(clause)
            ):
                groups.append([(f"{topic}{clause}", raw)])
        return groups

    def gives_floor(self, text: str) -> str | None:
        """Who the chair hands the floor to ("請都發局報告", "請林議員質詢"), if anyone."""
        for match in FLOOR_GIVING.finditer(text):
            who = match.group("who").removeprefix("由").removesuffix("的").removesuffix("先")
            if match.group("title") or who.endswith(PERSON_TITLES):
                return "councillor" if "議員" in match.group(0) else "agency"
            try:
                self.agencies.resolve(who)
                return "agency"
            except InputError:
                continue
        return None

    def _starts_directive(self, clause: str) -> bool:
        if "請問" in clause or clause.endswith(("？", "?")) or self.gives_floor(clause):
            return False
        agencies = self.agencies.find_in_text(clause) or (
            [] if not UNKNOWN_AGENCY.search(clause) else ["?"]
        )
        if not agencies:
            return False
        imperative = any(word in clause for word in IMPERATIVES)
        subject = any(cue in clause for cue in SUBJECT_CUES)
        return (imperative or subject) and _has_action(clause)

    def _receivers(self, text: str) -> set[str]:
        """Agencies that receive the work ("送研考會", "向議會報告"), not ones that share it."""
        found = set()
        for agency in self.agencies.find_in_text(text):
            for name in agency.names:
                position = text.find(name)
                if position > 0 and re.search(
                    r"(?:送|送到|送交|函送|給|向|提報|陳報|轉|報|到|交)$",
                    text[max(0, position - 3) : position],
                ):
                    found.add(agency.code)
        return found

    def _names_agency(self, clause: str) -> bool:
        return bool(self.agencies.find_in_text(clause))

    def _directive(
        self,
        clauses: list[tuple[str, str]],
        sentence: Sentence,
        meeting_date: date,
        meeting_type: str | None,
    ) -> Directive | None:
        analysed = "，".join(c for c, _ in clauses)
        original = "，".join(r for _, r in clauses).strip("，, ")
        if (
            any(
                word in analysed
                for word in ("我們會", "本局會", "我們將", "本局將", "我們已經", "本局已")
            )
            and "請" not in analysed
        ):
            return None
        flags: list[str] = []
        agencies = self.agencies.find_in_text(_after_imperative(analysed))
        agency_said = None
        if not agencies:
            unknown = UNKNOWN_AGENCY.search(analysed)
            if unknown is None:
                return None
            agency_said = unknown.group("name")
            flags.append("unknown_agency")
        lead = agencies[0] if agencies else None
        receivers = self._receivers(analysed)
        co = [
            a
            for a in agencies[1:]
            if a.code != (lead.code if lead else None) and a.code not in receivers
        ]
        deadline = find_deadline(
            analysed, meeting_date=meeting_date, meeting_type=meeting_type, calendar=self.calendar
        )
        if (
            deadline is not None
            and deadline.due is None
            and not deadline.urgent
            and deadline.basis != "下次會議日期未定"
        ):
            flags.append("deadline_unresolved")
        if sentence.floor == "mayor" and _is_council_context(meeting_type):
            pass
        return Directive(
            text=original,
            lead_agency=lead.code if lead else None,
            lead_agency_name=lead.short if lead else agency_said,
            co_agencies=[a.code for a in co],
            co_agency_names=[a.short for a in co],
            agency_said=agency_said,
            deadline_text=deadline.text if deadline else None,
            due=deadline.due if deadline else None,
            due_basis=deadline.basis if deadline else None,
            urgent=bool(deadline and deadline.urgent),
            span=_span([sentence]),
            flags=flags,
        )


# Who has the floor


def _track_floor(
    sentences: list[Sentence], *, council: bool, gives_floor: Callable[[str], str | None]
) -> None:
    """Label each sentence chair / agency / councillor / mayor from the spoken cues alone."""
    floor = "councillor" if council else "chair"
    handed_to: str | None = None
    for sentence in sentences:
        text = sentence.text
        if handed_to is not None:
            floor, handed_to = handed_to, None
        if council:
            floor = _council_floor(text, floor)
        elif text.startswith(SPEAKER_OPENERS) or (floor == "chair" and _sounds_like_a_report(text)):
            floor = "agency"
        elif floor != "chair" and _returns_to_chair(text):
            floor = "chair"
        sentence.floor = floor
        if council:
            if re.search(
                r"請(?:市長|.{0,6}局長|.{0,6}處長|市府)(?:來)?(?:答復|回應|說明|回答)", text
            ):
                handed_to = "mayor"
        elif floor == "chair" and gives_floor(text):
            handed_to = gives_floor(text)
        if floor == "agency" and re.search(
            r"(?:謝謝主席|報告完畢|以上報告|以上說明|報告到這裡)[。！]?$", text
        ):
            handed_to = "chair"


def _sounds_like_a_report(text: str) -> bool:
    """An agency reporting without being introduced: "本局…", "我們已經完成…"."""
    if re.match(r"^(?:本局|本處|本會(?!議)|我們局|我們處|敝局)", text):
        return True
    return bool(
        re.search(
            r"(?:本局|本處|我們局裡)|我們(?:已經|目前)(?:完成|加強|調整|辦理|開始|執行|規劃|針對)",
            text,
        )
    )


def _council_floor(text: str, floor: str) -> str:
    if any(cue in text for cue in COUNCILLOR_CUES) and not text.startswith(
        ("議員", "報告議員", "謝謝議員")
    ):
        return "councillor"
    if text.startswith(
        ("議員", "報告議員", "謝謝議員", "好，議員", "是，議員", "跟議員報告", "向議員報告")
    ):
        return "mayor"
    if re.search(r"(?:我請|我來請|我會請|我們請|我就請|我要請|市府會請|我已經請)", text):
        return "mayor"
    return floor


def _returns_to_chair(text: str) -> bool:
    if text.startswith(CHAIR_OPENERS):
        return True
    return bool(
        re.match(r"^(?:謝謝|感謝)[^，。]{0,8}(?:局長|處長|秘書長|主委|主秘|副市長|大家|各位)", text)
    )


# Small helpers


def _is_council(header: MeetingHeader) -> bool:
    return _is_council_context(header.meeting_type) or "議會" in (header.title or "")


def _is_council_context(meeting_type: str | None) -> bool:
    return bool(meeting_type and ("議會" in meeting_type or "質詢" in meeting_type))


def _section(text: str, current: str) -> str:
    if re.search(r"上次會議.{0,12}(?:裁示|指示|決議|列管).{0,6}(?:辦理|執行)情形", text):
        return "follow_up"
    if "報告事項" in text:
        return "report"
    if "討論事項" in text or re.search(r"進行討論|提案討論", text):
        return "discussion"
    if "臨時動議" in text:
        return "motion"
    return current


def _clauses(text: str) -> list[str]:
    parts = re.split(r"(?<=[，；：,;])|(?<=[。！？])", text)
    return [p.strip("，；：,; ") for p in parts if p.strip("，；：,;。！？ ")]


def _has_action(clause: str) -> bool:
    return any(verb in clause for verb in ACTION_VERBS)


def _has_deadline_words(clause: str) -> bool:
    return bool(re.search(r"內|前|月底|年底|下次|儘速|盡快|立即|馬上", clause))


def _is_instruction_tone(clause: str) -> bool:
    return not re.search(
        r"(?:我們|本局|本處)(?:已經|會|將|目前|預計)|已經|有沒有|是不是|嗎", clause
    )


def _starts_new_thought(clause: str) -> bool:
    return clause.startswith(
        ("另外", "還有", "其次", "接下來", "那", "好", "謝謝", "最後", "第二", "第三", "至於")
    )


def _after_imperative(text: str) -> str:
    for word in IMPERATIVES:
        position = text.find(word)
        if position >= 0 and position < len(text) - 1:
            rest = text[position:]
            return rest if any(True for _ in re.finditer(r"[局處會所司]", rest)) else text
    return text


def _decision_phrase(text: str, word: str) -> str:
    for clause in _clauses(text):
        if word in clause:
            return clause.strip("。")
    return word


def _span(sentences: list[Sentence]) -> Span:
    return Span(
        start=sentences[0].segment.start,
        end=sentences[-1].segment.end,
        segment_ids=[s.segment.id for s in sentences],
    )


def _notes(transcript: Transcript, draft: _Draft) -> list[str]:
    notes = []
    if not transcript.segments:
        notes.append("逐字稿為空白，無法草擬會議紀錄內容。")
    elif not draft.directives:
        notes.append("未找到主席裁示或指示事項，請對照錄音確認。")
    flagged = sum(1 for d in draft.directives if d.flags)
    if flagged:
        notes.append(f"有 {flagged} 項裁示事項標記為待確認。")
    return notes
