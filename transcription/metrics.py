"""Character error rate for zh-TW transcripts, as the tests and benchmarks measure it."""

from __future__ import annotations

import re

from transcription.script import to_simplified

_DIGITS = "零一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))


def normalise_for_cer(text: str) -> str:
    """Drop punctuation and spaces, fold script and case, read numbers out as they are said:
    "3天" = "三天", "1,100" = "一千一百", "75%" = "百分之七十五", "4.8" = "四點八", 兩 = 二."""
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    text = re.sub(r"(\d+(?:\.\d+)?)\s*[%％]", r"百分之\1", text)
    text = re.sub(
        r"(\d+)\.(\d+)",
        lambda m: spell_number(m.group(1)) + "點" + "".join(_DIGITS[int(d)] for d in m.group(2)),
        text,
    )
    text = re.sub(r"\d+", lambda m: spell_number(m.group(0)), text)
    return re.sub(r"[\W_]+", "", to_simplified(text)).lower().replace("两", "二")


def spell_number(digits: str) -> str:
    """Read an Arabic number the way it is said: 114 → 一百一十四, 32000 → 三萬二千; codes
    (a leading zero, more than eight digits) digit by digit."""
    if len(digits) > 8 or (len(digits) > 1 and digits.startswith("0")):
        return "".join(_DIGITS[int(d)] for d in digits)
    if len(digits) > 4:
        high, low = digits[:-4], digits[-4:]
        rest = (
            "" if int(low) == 0 else ("零" if int(low) < 1000 else "") + spell_number(str(int(low)))
        )
        return spell_number(high) + "萬" + rest
    value = int(digits)
    if value == 0:
        return _DIGITS[0]
    spoken, pending_zero = "", False
    for unit, name in _UNITS:
        count, value = divmod(value, unit)
        if count:
            spoken += (_DIGITS[0] if pending_zero else "") + _DIGITS[count] + name
            pending_zero = False
        elif spoken:
            pending_zero = True
    if value:
        spoken += (_DIGITS[0] if pending_zero else "") + _DIGITS[value]
    # "一十二" is said "十二" when the number starts with ten.
    return spoken[1:] if spoken.startswith("一十") else spoken


def edit_distance(reference: str, hypothesis: str) -> int:
    row = list(range(len(hypothesis) + 1))
    for i, ref_char in enumerate(reference, 1):
        diagonal, row[0] = row[0], i
        for j, hyp_char in enumerate(hypothesis, 1):
            diagonal, row[j] = (
                row[j],
                min(row[j] + 1, row[j - 1] + 1, diagonal + (ref_char != hyp_char)),
            )
    return row[-1]


def character_error_rate(reference: str, hypothesis: str) -> float:
    ref, hyp = normalise_for_cer(reference), normalise_for_cer(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)
