"""Dates as staff write them (2026-02-12, 115/2/12, 115年2月12日…), within a sane range."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from yishi.errors import InputError

# 民國元年 to two centuries ahead: every real case date fits, and counting working days from
# the last one can never run past Python's date.max (9999-12-31) into an OverflowError.
EARLIEST = date(1912, 1, 1)
LATEST = date(2200, 12, 31)

_ROC = re.compile(r"(\d{2,3})[/.\-年](\d{1,2})[/.\-月](\d{1,2})日?")
_AD = re.compile(r"(\d{4})[/.\-年](\d{1,2})[/.\-月](\d{1,2})日?")


def parse_date(value: Any) -> date:
    """2026-02-12, 2026/2/12, 115/2/12, 115年2月12日, 1150212, or an Excel date cell.

    Raises ValueError with a zh-TW message for text that is no date, or a date outside
    EARLIEST…LATEST.
    """
    if isinstance(value, datetime):
        return in_range(value.date())
    if isinstance(value, date):
        return in_range(value)
    text = str(value).strip()
    try:
        if match := _AD.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
        elif match := _ROC.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
            year += 1911
        elif re.fullmatch(r"\d{7}", text):
            year, month, day = int(text[:3]) + 1911, int(text[3:5]), int(text[5:])
        elif re.fullmatch(r"\d{8}", text):
            year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
        else:
            raise ValueError
        parsed = date(year, month, day)
    except ValueError:
        raise ValueError(f"日期「{text}」無法辨識（例：2026-02-12 或 115/02/12）") from None
    return in_range(parsed)


def in_range(day: date) -> date:
    """``day`` itself; ValueError when it lies outside EARLIEST…LATEST."""
    if not EARLIEST <= day <= LATEST:
        raise ValueError(
            f"日期 {day.isoformat()} 超出可用範圍（{EARLIEST.isoformat()} 至 {LATEST.isoformat()}）"
        )
    return day


def date_input(value: str, *, label: str) -> date:
    """A date typed by a person (an option, a chat message); InputError names the field."""
    try:
        return parse_date(value)
    except ValueError as exc:
        raise InputError(f"{label}：{exc}") from None
