"""What staff ask the bots, in everyday Chinese, and what the bots answer (no chat SDK here).

Both LINE and Telegram hand an :class:`IncomingMessage` to :meth:`Conversation.handle` and draw
the :class:`Reply` their own way (Flex cards and quick replies, or MarkdownV2 and inline keys).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from bots.staff import Account, Staff, StaffDirectory
from inquiries import Case, CaseQuery, CaseStore, Kind, WorkCalendar
from yishi.clock import local_time
from yishi.config import Settings, get_settings
from yishi.errors import InputError, NotFound
from yishi.zh import NUMERAL, chinese_number

PAGE = 5
MAX_PAGE = 999
HELP_WORDS = ("說明", "幫助", "help", "選單", "怎麼用", "功能", "?", "？", "/start", "/help")
QUICK_REPLIES = ["本週到期", "逾期案件", "我的案件", "三天內到期", "說明"]
CODE = re.compile(r"^(?:綁定|绑定|bind)?\s*([A-HJ-NP-Z2-9]{8})$", re.IGNORECASE)
CODE_ANYWHERE = re.compile(r"(?<![A-Z0-9])[A-HJ-NP-Z2-9]{8}(?![A-Z0-9])", re.IGNORECASE)
FULL_ID = re.compile(r"(\d{2,3})\s*-\s*([質索陳裁])\s*-\s*(\d{3,6})")
SHORT_ID = re.compile(r"(?:(\d{2,3})\s*-\s*)(\d{3,6})(?!\d)")
SERIAL_ONLY = re.compile(r"案號\s*(\d{3,6})")
PAGE_SUFFIX = re.compile(r"\s*第\s*(\d{1,3})\s*頁\s*$")
GROUP_NOTICE = "為保護案件資料，議事助理只在一對一聊天中回答案件問題。請直接私訊我（需先綁定）。"
# What a message in a group must look like before the bot says anything there at all.
ADDRESSED = re.compile(
    r"案號|案件|進度|到期|逾期|期限|查類似|議事助理|說明|幫助|help|/start", re.IGNORECASE
)
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class IncomingMessage:
    platform: str  # line | telegram
    user_id: str
    chat_id: str
    text: str
    group: bool = False  # a group chat or room, where others would read the answer
    kind: str = "text"  # text | other (a sticker, a photo…) | join (added to a group)


@dataclass(frozen=True)
class CaseCard:
    id: str
    kind: str
    title: str
    agency: str
    due: date
    status: str
    overdue: bool


@dataclass
class Reply:
    text: str
    intent: str
    cards: list[CaseCard] = field(default_factory=list)
    quick_replies: list[str] = field(default_factory=list)


# (question, agency code or None for every agency) -> [(case id, agency, question, reply)]
Similar = Callable[[str, str | None], list[tuple[str, str, str, str]]]


class Conversation:
    def __init__(
        self,
        store: CaseStore,
        staff: StaffDirectory,
        *,
        similar: Similar | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.store = store
        self.staff = staff
        self.similar = similar
        self.settings = settings or get_settings()

    def handle(self, message: IncomingMessage) -> Reply:
        """The answer to ``message``; intent "silent" means say nothing (group small talk)."""
        text = _normalise(message.text)
        if message.group:
            reply, account = self._in_group(message, text), None
        elif message.kind != "text":
            account = None
            reply = Reply("目前只看得懂文字訊息，請用文字詢問，例如「本週到期」。", "not_text",
                          quick_replies=QUICK_REPLIES)  # fmt: skip
        else:
            account = self.staff.account(message.platform, message.user_id)
            # A code binds (or re-binds, or was this account's own and is sent again).
            if account is None or CODE.match(text.replace(" ", "")) is not None:
                reply = self._unbound(message, text)
            else:
                reply = self._answer(account, text)
        if reply.intent != "silent":
            self.staff.log_query(
                platform=message.platform, platform_user_id=message.user_id,
                staff_id=account.staff.id if account else None,
                text=masked(message.text), intent=reply.intent,
            )  # fmt: skip
        return reply

    def _in_group(self, message: IncomingMessage, text: str) -> Reply:
        """Never case data in a group: a notice when addressed, a burnt code when one is shown."""
        code = CODE.match(text.replace(" ", ""))
        if code is not None:
            self.staff.burn_code(code.group(1))
            return Reply(
                "綁定碼不可貼在群組中：這個綁定碼已作廢。請向秘書處索取新的綁定碼，並在一對一聊天中傳給我。",
                "group_code_burned",
            )
        if message.kind == "join" or ADDRESSED.search(text):
            return Reply(GROUP_NOTICE, "group")
        return Reply("", "silent")

    # Not yet bound: only binding and instructions

    def _unbound(self, message: IncomingMessage, text: str) -> Reply:
        code = CODE.match(text.replace(" ", ""))
        if code is None:
            return Reply(
                "您好，這是臺北市政府秘書處議事助理。使用前請先綁定：向秘書處取得 8 碼綁定碼後，直接傳給我即可。",
                "unbound",
            )
        try:
            staff = self.staff.bind(
                code.group(1),
                platform=message.platform,
                platform_user_id=message.user_id,
                chat_id=message.chat_id,
            )
        except (InputError, NotFound) as exc:
            return Reply(f"綁定失敗：{exc.message}", "bind_failed")
        scope = "全府案件" if staff.sees_all else f"{self._agency_name(staff.agency)}的案件"
        return Reply(
            f"{staff.name}您好，綁定完成。您可以查詢{scope}。輸入「說明」看可以問什麼。",
            "bound",
            quick_replies=QUICK_REPLIES,
        )

    # Bound staff

    def _answer(self, account: Account, text: str) -> Reply:
        staff = account.staff
        page_match = PAGE_SUFFIX.search(text)
        page = int(page_match.group(1)) if page_match else 1
        if not 1 <= page <= MAX_PAGE:
            return Reply(f"頁數請填 1 到 {MAX_PAGE}，例如「逾期案件 第2頁」。", "bad_page",
                         quick_replies=QUICK_REPLIES)  # fmt: skip
        text = PAGE_SUFFIX.sub("", text).strip()
        if not text or text.lower() in HELP_WORDS or text in HELP_WORDS:
            return self._help(staff)
        similar = re.match(r"^(?:查類似|找類似|類似案例|類似|相似案例)\s*[:：]?\s*(.+)$", text)
        if similar:
            return self._similar(staff, similar.group(1))
        case_reply = self._case_lookup(staff, text)
        if case_reply is not None:
            return case_reply
        if "逾期" in text:
            agency = self._agency_in(text)
            return self._list(staff, CaseQuery(overdue=True, agency=agency, include_co_agency=True),
                              f"{self._agency_name(agency) if agency else ''}逾期案件", text, page)  # fmt: skip
        due = self._due_window(text)
        if due is not None:
            start, end, label = due
            return self._list(
                staff,
                CaseQuery(
                    due_from=start,
                    due_to=end,
                    open_only=True,
                    agency=self._agency_in(text),
                    include_co_agency=True,
                ),
                label,
                text,
                page,
            )
        councillor = re.search(r"([\u4e00-\u9fff]{1,4}?)議員", text)
        if councillor and councillor.group(1) not in ("我的", "各位"):
            kind = (
                Kind.DATA_REQUEST
                if "索資" in text
                else Kind.INTERPELLATION
                if "質詢" in text
                else None
            )
            name = councillor.group(1)
            return self._list(
                staff,
                CaseQuery(councillor=name, kind=kind, open_only="全部" not in text),
                f"{name}議員的{kind.value if kind else ''}案件",
                text,
                page,
            )
        if re.search(r"我的(?:案件|待辦|列管)?|待辦", text):
            return self._list(staff, CaseQuery(open_only=True), "您的待辦案件", text, page)
        return Reply(
            "抱歉，我不太懂這句話。您可以試試下面的問法，或輸入「說明」。",
            "unknown",
            quick_replies=QUICK_REPLIES,
        )

    def _help(self, staff: Staff) -> Reply:
        lines = [
            "可以這樣問我：",
            "・案號：「114-質-0457 進度？」「案號 0457」",
            "・到期：「本週到期」「三天內到期」「明天到期」",
            "・逾期：「逾期案件」「都發局逾期案件」",
            "・「我的案件」「王小明議員的質詢」",
            "・查前案：「查類似 社宅流標怎麼處理」",
            "清單每次列 5 件，加「第2頁」看下一頁。",
        ]
        if not staff.sees_all:
            lines.append(f"您可查詢{self._agency_name(staff.agency)}主辦或協辦的案件。")
        return Reply("\n".join(lines), "help", quick_replies=QUICK_REPLIES)

    def _case_lookup(self, staff: Staff, text: str) -> Reply | None:
        ids = self._case_ids(text)
        if ids is None:
            return None
        visible = []
        for case_id in ids:
            try:
                case = self.store.get(case_id)
            except NotFound:
                continue
            if staff.may_see(case):
                visible.append(case)
        if not visible:
            said = FULL_ID.search(text) or SHORT_ID.search(text) or SERIAL_ONLY.search(text)
            return Reply(
                f"查無您可查看的案件：{said.group(0) if said else text}",
                "case_not_found",
                quick_replies=QUICK_REPLIES,
            )
        if len(visible) > 1:
            return Reply(
                f"有 {len(visible)} 件相符，請輸入完整案號：",
                "case_ambiguous",
                cards=[self._card(c) for c in visible[:PAGE]],
            )
        case = visible[0]
        history = self.store.history(case.id)
        last = history[-1]
        when = local_time(last.at, self.settings)
        change = f"{when:%m/%d} {last.field or '建立'}：{last.new_value or ''}"[:60]
        lines = [
            f"{case.id}｜{case.kind.value}｜{case.status.value}",
            case.title,
            f"主辦：{self._agency_name(case.lead_agency)}"
            + (
                f"；協辦：{'、'.join(self._agency_name(c) for c in case.co_agencies)}"
                if case.co_agencies
                else ""
            ),
            f"期限：{case.due_on.isoformat()}（週{WEEKDAYS[case.due_on.weekday()]}）{self._due_note(case)}",
            f"最近異動：{change}",
        ]
        if case.councillor:
            lines.insert(2, f"議員：{case.councillor}")
        if case.reply_text:
            lines.append(f"答復：{case.reply_text[:80]}{'…' if len(case.reply_text) > 80 else ''}")
        return Reply("\n".join(lines), "case", cards=[self._card(case)])

    def _case_ids(self, text: str) -> list[str] | None:
        # The configured case-number pattern first, spaces around hyphens closed up.
        configured = self.store.id_pattern.search(re.sub(r"\s*-\s*", "-", text))
        if configured:
            return [configured.group(0)]
        full = FULL_ID.search(text)
        if full:
            return [f"{full.group(1)}-{full.group(2)}-{full.group(3)}"]
        short = SHORT_ID.search(text)
        serial_only = SERIAL_ONLY.search(text)
        if not short and not serial_only:
            return None
        this_year = self.store.today().year - 1911
        # "案號 0457" without a year: this ROC year's case, or last year's still open in January.
        years = [short.group(1)] if short else [str(this_year), str(this_year - 1)]
        serial = (short or serial_only).group(2 if short else 1)  # type: ignore[union-attr]
        widths = {serial, serial.zfill(4), serial.lstrip("0").zfill(4)}
        return [
            f"{year}-{letter}-{s}"
            for year in years
            for letter in "質索陳裁"
            for s in sorted(widths)
        ]

    def _list(self, staff: Staff, query: CaseQuery, label: str, said: str, page: int) -> Reply:
        if not staff.sees_all:
            if query.agency and self.staff.agencies.resolve(query.agency).code != staff.agency:
                return Reply(f"您只能查詢{self._agency_name(staff.agency)}的案件。", "denied")
            query = CaseQuery(
                **(query.__dict__ | {"agency": staff.agency, "include_co_agency": True})
            )
        query = CaseQuery(
            **(query.__dict__ | {"limit": PAGE, "offset": (page - 1) * PAGE, "count_cap": 999})
        )
        result = self.store.find(query)
        if result.total == 0:
            return Reply(f"{label}：目前沒有。", "list", quick_replies=QUICK_REPLIES)
        total = "超過 999 件" if result.capped else f"共 {result.total} 件"
        lines = [f"{label}：{total}" + (f"（第 {page} 頁）" if page > 1 else "")]
        calendar = self.store.calendar()  # one read for the whole list
        for case in result.cases:
            note = self._due_note(case, calendar)
            lines.append(
                f"・{case.id} {case.title[:18]}｜{self._agency_name(case.lead_agency)}｜{case.due_on:%m/%d}{note}"
            )
        quick = []
        if result.remaining:
            more = "還有更多" if result.capped else f"還有 {result.remaining} 件"
            lines.append(f"{more}，輸入「{said} 第{page + 1}頁」看下一頁。")
            quick.append(f"{said} 第{page + 1}頁")
        return Reply(
            "\n".join(lines),
            "list",
            cards=[self._card(c) for c in result.cases],
            quick_replies=quick + QUICK_REPLIES[:3],
        )

    def _similar(self, staff: Staff, question: str) -> Reply:
        if self.similar is None:
            return Reply("前案檢索尚未啟用，請洽系統管理者。", "similar_unavailable")
        # The same rule as every other answer: a liaison sees their own agency's cases only.
        agency = None if staff.sees_all else staff.agency
        found = self.similar(question, agency)[:3]
        if not found:
            return Reply("找不到相似的前案。", "similar")
        lines = ["最相似的前案："]
        for case_id, agency, asked, answered in found:
            lines.append(f"・{case_id}（{agency}）問：{asked[:30]}…\n  答：{answered[:50]}…")
        return Reply("\n".join(lines), "similar")

    def _due_window(self, text: str) -> tuple[date, date, str] | None:
        if "到期" not in text and "期限" not in text:
            return None
        today = self.store.today()
        if "今天" in text or "今日" in text:
            return today, today, "今天到期"
        if "明天" in text:
            tomorrow = self.store.calendar().add_working_days(
                today, 1, count_from="next_working_day"
            )[0]
            return tomorrow, tomorrow, f"下一個工作天（{tomorrow:%m/%d}）到期"
        if "下週" in text or "下禮拜" in text:
            monday = today + timedelta(days=7 - today.weekday())
            return monday, monday + timedelta(days=6), "下週到期"
        within = re.search(rf"({NUMERAL})\s*個?(?:工作)?[天日](?:之)?內", text)
        if within:
            days = min(chinese_number(within.group(1)), 60)
            end = self.store.calendar().add_working_days(
                today, max(days, 1), count_from="received"
            )[0]
            return today, end, f"{days} 個工作天內到期"
        return today, today + timedelta(days=6 - today.weekday()), "本週到期"

    def _agency_in(self, text: str) -> str | None:
        found = self.staff.agencies.find_in_text(text)
        return found[0].code if found else None

    def _agency_name(self, code: str | None) -> str:
        return self.staff.agencies.get(code).short if code else ""

    def _due_note(self, case: Case, calendar: WorkCalendar | None = None) -> str:
        if not case.is_open:
            return ""
        today = self.store.today()
        if case.due_on < today:
            days = (calendar or self.store.calendar()).working_days_between(case.due_on, today)
            return f"（已逾期 {days} 個工作天）"
        if case.due_on == today:
            return "（今天到期）"
        return ""

    def _card(self, case: Case) -> CaseCard:
        return CaseCard(
            case.id, case.kind.value, case.title, self._agency_name(case.lead_agency), case.due_on,
            case.status.value, case.is_overdue(self.store.today()),
        )  # fmt: skip


def masked(text: str) -> str:
    """``text`` for the query log, without any binding code in it, however it was typed."""
    normal = _normalise(text)
    if CODE.match(normal.replace(" ", "")):
        return "［綁定碼］"
    return CODE_ANYWHERE.sub("［綁定碼］", normal)


def _normalise(text: str) -> str:
    """Full-width digits and letters to half-width, trimmed; LINE allows 5,000 characters."""
    table = {
        ord(c): ord(c) - 0xFEE0
        for c in "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ－"
    }
    return text.translate(table).strip()[:500]
