"""Chinese text: script conversion with OpenCC (the only ``opencc`` importer), numerals."""

from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → Simplified, for matching text written in either script."""
    return str(_converter("t2s").convert(text))


def to_taiwan(text: str) -> str:
    """Simplified → Traditional in Taiwan's standard characters (s2tw), word for word.

    Not s2twp: its phrase table swaps words for their Taiwan equivalents (程序 → 程式,
    窗口 → 視窗, 項目 → 專案, 自行車 → 腳踏車), which changes what a speaker said: a Taiwan
    official saying 行政程序 or 單一窗口 must read so in the transcript.
    """
    return str(_converter("s2tw").convert(text))


_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "兩": 2}
NUMERAL = r"[0-9０-９〇零一二兩三四五六七八九十]+"


def chinese_number(text: str) -> int:
    """3, 三, 十五, 二十, 兩 → int (up to 99)."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_DIGITS.get(tens, 1) if tens else 1) * 10 + (_DIGITS.get(ones, 0) if ones else 0)
    value = 0
    for char in text:
        value = value * 10 + _DIGITS.get(char, 0)
    return value
