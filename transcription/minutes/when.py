"""Spoken deadlines ("兩週內", "本月底前", "下次會議") found in a sentence and resolved to a date.

The rules are written out for staff in docs/deadline-phrases.md: a span rolls forward to the
next working day, a point rolls back to the previous one.
"""

from __future__ import annotations

import calendar as month_calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from inquiries import WorkCalendar
from yishi.zh import NUMERAL, chinese_number

_NUM = NUMERAL
# A day said with handing something over is its deadline: "明天傳給我", "今天送過來".
_DONE_BY = r"(?:傳|送|交|給|報|回報|回覆|上網|公告|公布)"
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
URGENT_WORDS = ("儘速", "盡速", "盡快", "儘快", "立即", "立刻", "馬上", "即刻", "緊快")
# Meetings of a series and how far ahead their next one is (days, or months when negative).
NEXT_MEETING = {"市政會議": 7, "主任秘書會報": -1}


@dataclass(frozen=True)
class SpokenDeadline:
    text: str
    due: date | None
    basis: str
    urgent: bool = False


_PATTERNS: list[tuple[str, str]] = [
    ("work_days", rf"({_NUM})\s*個?(?:工作天|工作日)(?:內|之內|以內)?"),
    ("days", rf"({_NUM})\s*(?:天|日)(?:內|之內|以內)"),
    ("weeks", rf"({_NUM})\s*(?:個)?(?:週|周|禮拜|星期)(?:內|之內|以內)"),
    ("months", rf"({_NUM})\s*個\s*月(?:內|之內|以內)"),
    ("half_month", r"半個月(?:內|之內|以內)"),
    (
        "weekday",
        r"(本週|這週|這禮拜|這個禮拜|下週|下禮拜|下個禮拜|下星期)([一二三四五六日天])(?:以?前|之前)?",
    ),
    # a weekday alone, with 前: "週四前排好" is the coming one ("每週四前" is a routine)
    ("bare_weekday", r"(?<![每上本這下個])(?:週|周|禮拜|星期)([一二三四五六日天])(?:以?前|之前)"),
    ("this_week", r"(?:本週|這週|這禮拜|這個禮拜|這星期)(?:內|之內|結束前)?"),
    ("next_week", r"(?:下週|下禮拜|下個禮拜|下星期)(?:內|之內|結束前)?"),
    ("month_end", r"(?:本月底|這個月底|這個月月底|月底)(?:以?前|之前)?"),
    ("next_month_end", r"(?:下個月底|下月底|下個月月底)(?:以?前|之前)?"),
    ("year_end", r"(?:今年底|年底|今年年底|年度結束)(?:以?前|之前)?"),
    ("date", rf"({_NUM})\s*月\s*({_NUM})\s*[日號](?:以?前|之前)?"),
    ("month_mid", rf"({_NUM})\s*月(?:中旬|中)(?:以?前|之前)"),
    ("month_named_end", rf"({_NUM})\s*月底(?:以?前|之前)?"),
    ("next_meeting", r"下次(?:的)?(?:會議|會報|市政會議)|下週(?:的)?市政會議|下個月(?:的)?會報"),
    (
        "today",
        rf"(?:今天|今日)(?=之內|內|下班|中午|晚上|上午|下午|以前|前|就(?!是|好|算|可以|到|這樣)|要|把|{_DONE_BY}|{_NUM}\s*點)",
    ),
    (
        "tomorrow",
        rf"(?:明天|明日)(?=之內|內|下班|中午|晚上|上午|下午|以前|前|就(?!是|好|算|可以|到|這樣)|要|把|{_DONE_BY}|{_NUM}\s*點)",
    ),
]
_COMPILED = [(kind, re.compile(pattern)) for kind, pattern in _PATTERNS]

# What a recogniser writes for a spoken deadline, one character for one: 十 heard
# as 時/實/石/食 ("時天內", "時各工作天"), 個 as 各 after a number ("三各禮拜內"), 前 as 簽/錢
# after a date ("月底簽", "五號錢"). Only before a unit of time, so 時間 or 各局處 stay.
_UNIT = r"(?:[一二三四五六七八九]?(?:個|各)?(?:工作天|工作日|天|日|週|禮拜|星期|月))"
# 七 heard as 期/其 before a count of days ("區公所期天內修好").
_HEARD_SEVEN = re.compile(r"(?<![時日星學假])[期其](?=天(?:內|之內|以內))")
_HEARD_TEN = re.compile(
    rf"[時實石食拾](?={_UNIT})|(?<![這那還就也不都])是(?=個工作[天日](?:內|之內|以內)|天[內美妹面])"
)
_HEARD_EACH = re.compile(r"(?<=[0-9一二兩三四五六七八九十])各(?=工作天|工作日|禮拜|星期|月|週)")
_HEARD_BEFORE = re.compile(
    r"(?<=底|號|日|[一二三四五六日天]|點|班)[簽錢潛](?!名|約|字|收|呈|核|證)"
)


# 月底 heard as 業底/員底/越底/頁底 before 前, and 底 as 比/筆/抵 after 月 or 年 ("十一月比錢").
_HEARD_MONTH_END = re.compile(r"[業員越悅閱頁夜葉](?=底(?:以|之)?前)")
_HEARD_BOTTOM = re.compile(
    r"(?<=[一二三四五六七八九十0-9]月)[比筆抵](?=(?:以|之)?[前錢簽潛](?![一二兩三年月天幾個]))"
)


# 內 heard as 妹/美/面/明/每 after a counted span of time ("十天妹", "兩個禮拜美", "三個禮拜面",
# "五個工作日明", "兩週每個秘書處說明"; not 明天, 明年, 每天).
_HEARD_WITHIN = re.compile(
    rf"((?:{_NUM})\s*(?:[個各]?(?:工作天|工作日|天|日|週|周|禮拜|星期)|[個各]月))"
    r"(?:[妹美面昧媒明](?![金國術食元試談對化合前天年白顯確日細星信亮])|每(?![天日週周月年次人戶家位場]))"
)


# 中旬 heard as 中心 after a month ("八月中心前"), 下次 as 下載/下屬 before a meeting
# ("下載會議報告", "下屬會報"), 禮拜 as 立拜/裡拜 after 這/下 ("這裡拜先給交通局").
_HEARD_MID = re.compile(r"(?<=[一二三四五六七八九十0-9]月中)心(?=(?:以|之)?前)")
_HEARD_NEXT = re.compile(r"(?<=下)[載屬](?=(?:的)?(?:會議|會報|市政會議))")
_HEARD_WEEK = re.compile(r"(?<=[這下])[立裡理李力](?=拜)")


def heard_as_spoken(text: str) -> str:
    """The deadline words a recogniser misheard, put back (same length, so spans keep)."""
    text = _HEARD_MONTH_END.sub("月", _HEARD_BOTTOM.sub("底", text))
    text = _HEARD_TEN.sub("十", text)
    text = _HEARD_SEVEN.sub("七", text)
    text = _HEARD_EACH.sub("個", text)
    text = _HEARD_WITHIN.sub(r"\1內", text)
    text = _HEARD_NEXT.sub("次", _HEARD_MID.sub("旬", text))
    text = _HEARD_WEEK.sub("禮", text)
    return _HEARD_BEFORE.sub("前", text)


def deadline_at_start(text: str) -> bool:
    """Whether ``text`` opens with a deadline ("三天內修好", "九月底前把…")."""
    text = heard_as_spoken(text)
    return any(pattern.match(text) for _, pattern in _COMPILED)


def after_deadline(text: str) -> str | None:
    """What ``text`` says after the deadline it opens with ("本週五前跟業者敲定" → "跟業者敲定"),
    or None when it opens with none."""
    text = heard_as_spoken(text)
    ends = [m.end() for _, pattern in _COMPILED if (m := pattern.match(text))]
    return text[max(ends) :] if ends else None


def deadline_then(text: str, *, within: int = 6) -> tuple[str, str] | None:
    """A deadline said within the first ``within`` characters: (what comes before it, what
    comes after it). "名單五個工作天內再確認一次" → ("名單", "再確認一次")."""
    text = heard_as_spoken(text)
    for start in range(min(within, len(text)) + 1):
        rest = after_deadline(text[start:])
        if rest is not None:
            return text[:start], rest
    return None


def deadline_in(text: str) -> bool:
    """Whether ``text`` says a deadline anywhere, urgency included."""
    text = heard_as_spoken(text)
    return any(p.search(text) for _, p in _COMPILED) or any(w in text for w in URGENT_WORDS)


def find_deadline(
    text: str, *, meeting_date: date, meeting_type: str | None, calendar: WorkCalendar
) -> SpokenDeadline | None:
    """The first deadline said in ``text``, resolved from the meeting date."""
    text = heard_as_spoken(text)
    best: tuple[int, str, re.Match[str]] | None = None
    for kind, pattern in _COMPILED:
        match = pattern.search(text)
        if match is None:
            continue
        # The earliest phrase wins; at the same place the longer one ("下週市政會議" over "下週").
        if best is None or (match.start(), -len(match.group(0))) < (
            best[0],
            -len(best[2].group(0)),
        ):
            best = (match.start(), kind, match)
    if best is None:
        for word in URGENT_WORDS:
            if word in text:
                return SpokenDeadline(word, None, "未指定日期，請儘速辦理", urgent=True)
        return None
    _, kind, match = best
    return _resolve(kind, match, meeting_date, meeting_type, calendar)


def _resolve(
    kind: str, match: re.Match[str], day: date, meeting_type: str | None, calendar: WorkCalendar
) -> SpokenDeadline:
    said = match.group(0)
    if kind == "work_days":
        count = chinese_number(match.group(1))
        due, _ = calendar.add_working_days(day, count, count_from="next_working_day")
        return SpokenDeadline(said, due, f"會議日後第 {count} 個工作天")
    if kind == "days":
        return _span(said, day + timedelta(days=chinese_number(match.group(1))), calendar)
    if kind == "weeks":
        return _span(said, day + timedelta(weeks=chinese_number(match.group(1))), calendar)
    if kind == "half_month":
        return _span(said, day + timedelta(days=15), calendar)
    if kind == "months":
        return _span(said, _add_months(day, chinese_number(match.group(1))), calendar)
    if kind == "weekday":
        week = 0 if match.group(1)[0] in "本這" else 1
        target = _monday(day) + timedelta(weeks=week, days=_WEEKDAY[match.group(2)])
        return _point(said, target, calendar)
    if kind == "bare_weekday":
        ahead = (_WEEKDAY[match.group(1)] - day.weekday() - 1) % 7 + 1  # 1 to 7 days on
        return _point(said, day + timedelta(days=ahead), calendar)
    if kind == "this_week":
        return _point(said, _monday(day) + timedelta(days=4), calendar)
    if kind == "next_week":
        return _point(said, _monday(day) + timedelta(days=11), calendar)
    if kind == "month_end":
        return _point(said, _month_end(day.year, day.month), calendar)
    if kind == "next_month_end":
        following = _add_months(day.replace(day=1), 1)
        return _point(said, _month_end(following.year, following.month), calendar)
    if kind == "year_end":
        return _point(said, date(day.year, 12, 31), calendar)
    if kind in {"date", "month_mid", "month_named_end"}:
        month = chinese_number(match.group(1))
        if not 1 <= month <= 12:
            return SpokenDeadline(said, None, "無法辨識的日期")
        year = day.year if month >= day.month else day.year + 1
        if kind == "date":
            target_day = min(
                chinese_number(match.group(2)), month_calendar.monthrange(year, month)[1]
            )
            if date(year, month, target_day) < day:
                year += 1
        elif kind == "month_mid":
            target_day = 15
        else:
            target_day = month_calendar.monthrange(year, month)[1]
        return _point(said, date(year, month, target_day), calendar)
    if kind == "next_meeting":
        step = NEXT_MEETING.get(meeting_type or "")
        if step is None:
            return SpokenDeadline(said, None, "下次會議日期未定")
        target = day + timedelta(days=step) if step > 0 else _add_months(day, -step)
        return SpokenDeadline(said, target, "下次會議")
    if kind == "today":
        return SpokenDeadline(said, day, "會議當日")
    return _point(said, day + timedelta(days=1), calendar)


def _span(said: str, end: date, calendar: WorkCalendar) -> SpokenDeadline:
    due = end
    while not calendar.is_working_day(due):
        due += timedelta(days=1)
    note = "" if due == end else f"（{end} 非工作日，順延）"
    return SpokenDeadline(said, due, f"期間屆滿日{note}")


def _point(said: str, target: date, calendar: WorkCalendar) -> SpokenDeadline:
    due = target
    while not calendar.is_working_day(due):
        due -= timedelta(days=1)
    note = "" if due == target else f"（{target} 非工作日，提前）"
    return SpokenDeadline(said, due, f"指定日期{note}")


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_end(year: int, month: int) -> date:
    return date(year, month, month_calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))
