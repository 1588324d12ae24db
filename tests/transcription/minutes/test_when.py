from __future__ import annotations

from datetime import date

import pytest

from inquiries import CalendarOverride, WorkCalendar
from transcription.minutes import find_deadline
from transcription.minutes.when import heard_as_spoken
from yishi.zh import chinese_number

TUESDAY = date(2026, 3, 10)


def resolve(
    text: str,
    day: date = TUESDAY,
    meeting_type: str | None = "市政會議",
    calendar: WorkCalendar | None = None,
):  # type: ignore[no-untyped-def]
    return find_deadline(
        text, meeting_date=day, meeting_type=meeting_type, calendar=calendar or WorkCalendar()
    )


@pytest.mark.parametrize(
    ("said", "words", "due"),
    [
        ("請都發局兩週內提出改善方案", "兩週內", date(2026, 3, 24)),
        ("三天內完成", "三天內", date(2026, 3, 13)),
        ("5天內回報", "5天內", date(2026, 3, 16)),  # 3/15 is a Sunday: span rolls forward
        ("十個工作天內", "十個工作天內", date(2026, 3, 24)),
        ("一個月內研擬方案", "一個月內", date(2026, 4, 10)),
        ("本月底前送研考會", "本月底前", date(2026, 3, 31)),
        ("下個月底前", "下個月底前", date(2026, 4, 30)),
        ("本週五前改好", "本週五前", date(2026, 3, 13)),
        # a weekday alone is the coming one: this week's Thursday, next week's Monday
        ("公管中心週四前排好", "週四前", date(2026, 3, 12)),
        # 中旬 heard as 中心, 下次 as 下載
        ("八月中心前完成", "八月中旬前", date(2026, 8, 14)),
        ("交通局下載會議報告", "下次會議", date(2026, 3, 17)),
        # 下次 as 下屬, 禮拜 as 立拜/裡拜, 月底 as 頁底
        ("秘書處下屬會報把名單拿出來", "下次會報", date(2026, 3, 17)),
        ("下立拜消防局把清單送到議員的辦公室", "下禮拜", date(2026, 3, 20)),
        ("警察局這裡拜先給交通局", "這禮拜", date(2026, 3, 13)),
        ("三頁底前給我初稿", "三月底前", date(2026, 3, 31)),
        ("兩週每個秘書處說明", "兩週內", date(2026, 3, 24)),  # 內 as 每 (跟 as 個)
        ("禮拜一以前送來", "禮拜一以前", date(2026, 3, 16)),
        ("星期二前", "星期二前", date(2026, 3, 17)),  # said on a Tuesday: the next one
        ("下週三以前", "下週三以前", date(2026, 3, 18)),
        ("這禮拜要做完", "這禮拜", date(2026, 3, 13)),
        ("6月20日前完成", "6月20日前", date(2026, 6, 18)),  # Saturday after 端午: rolls back
        ("5月15號前完成", "5月15號前", date(2026, 5, 15)),
        ("年底前", "年底前", date(2026, 12, 31)),
        ("下次會議提出報告", "下次會議", date(2026, 3, 17)),
        ("今天下班前回報", "今天", TUESDAY),
        ("明天中午前", "明天", date(2026, 3, 11)),
        ("公運處明天就上網公開", "明天", date(2026, 3, 11)),  # the day it is done by
        ("配置圖明天傳給我", "明天", date(2026, 3, 11)),
        # As a recogniser writes them: 十 as 時/實, 個 as 各, 前 as 簽.
        ("時各工作天內", "十個工作天內", date(2026, 3, 24)),
        ("水利處時天內要有替代方案", "十天內", date(2026, 3, 20)),
        ("三各禮拜內", "三個禮拜內", date(2026, 3, 31)),
        ("社會局月底簽完成公告", "月底前", date(2026, 3, 31)),
        ("研考會員底前把管考表彙整好", "月底前", date(2026, 3, 31)),
        ("研考會兩週以內回報", "兩週以內", date(2026, 3, 24)),
        # 內 as 妹/美/面 after a span of time.
        ("請消防局時天妹派員", "十天內", date(2026, 3, 20)),
        ("兩個禮拜美把時程說明清楚", "兩個禮拜內", date(2026, 3, 24)),
        ("一個月面提出方案", "一個月內", date(2026, 4, 10)),
        ("我要公運處在五個工作日明，給我一份班表", "五個工作日內", date(2026, 3, 17)),
        ("公運處是個工作天內把資料整理出來", "十個工作天內", date(2026, 3, 24)),
        ("公運處要跟業者去談，十一月比錢給議員一個時程", "十一月底前", date(2026, 11, 30)),
    ],
)
def test_spoken_deadlines(said: str, words: str, due: date) -> None:
    deadline = resolve(said)
    assert deadline is not None
    assert (deadline.text, deadline.due) == (words, due)


def test_month_end_skips_back_over_a_holiday_weekend() -> None:
    deadline = resolve("本月底前", day=date(2026, 2, 10))
    assert deadline is not None and deadline.due == date(2026, 2, 26)
    assert "提前" in deadline.basis


def test_a_past_date_means_next_year() -> None:
    deadline = resolve("1月15日前", day=date(2025, 12, 16))
    assert deadline is not None and deadline.due == date(2026, 1, 15)


def test_urgent_words_have_no_date() -> None:
    deadline = resolve("請消防局儘速派員")
    assert deadline is not None and deadline.urgent and deadline.due is None


@pytest.mark.parametrize(
    "said",
    [
        "時間很趕",
        "各局處的時間",
        "月底簽約",
        "五號簽名",
        "實施計畫",
        "三個月美金",
        "三天面對",
        "兩天面試",
        "五月面試",
        "三月媒合會",
        "今年比前年增加",
        "這個月比前一個月增加",
        "過去六個月明細",
        "近三天明天再說",
        "案件都是工作日內辦結",
    ],
)
def test_words_like_misheard_deadlines_are_left(said: str) -> None:
    assert heard_as_spoken(said) == said


@pytest.mark.parametrize(
    "said",
    [
        "請交通局持續蒐集市民意見",
        "明天開始試辦",
        "明天的會議",
        "今天就到這邊",
        "今天就是最後一天",
        "每週四前交一次",
        "週一到週五都開",
    ],
)
def test_no_deadline_said(said: str) -> None:
    assert resolve(said) is None


def test_next_meeting_depends_on_the_series() -> None:
    monthly = resolve("下次會報提出", day=date(2026, 4, 21), meeting_type="主任秘書會報")
    assert monthly is not None and monthly.due == date(2026, 5, 21)
    council = resolve("下次會議再報告", meeting_type="議會質詢")
    assert council is not None and council.due is None


def test_staff_closures_move_spans() -> None:
    typhoon = WorkCalendar(
        {date(2026, 3, 13): CalendarOverride(date(2026, 3, 13), False, "颱風停班")}
    )
    deadline = resolve("三天內", calendar=typhoon)
    assert deadline is not None and deadline.due == date(2026, 3, 16)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三", 3),
        ("兩", 2),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("二十一", 21),
        ("12", 12),
        ("１２", 12),
    ],
)
def test_chinese_numbers(text: str, value: int) -> None:
    assert chinese_number(text) == value
