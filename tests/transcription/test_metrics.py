"""The CER reads numbers as they are said, so a recogniser writing digits is not penalised."""

from __future__ import annotations

import pytest

from transcription.metrics import character_error_rate, normalise_for_cer


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("路燈倒了1,100多盞", "路燈倒了一千一百多盞"),
        ("點選率是4.8%", "點選率是百分之四點八"),
        ("比例一樣是75%", "比例一樣是百分之七十五"),
        ("總共是3億2000萬", "總共是三億兩千萬"),
        ("10500元", "一萬零五百元"),
        ("3天內", "三天內"),
        ("撥打0912345678", "撥打零九一二三四五六七八"),  # a code, digit by digit
    ],
)
def test_numbers_are_read_out(written: str, said: str) -> None:
    assert normalise_for_cer(written) == normalise_for_cer(said)
    assert character_error_rate(said, written) == 0.0


def test_other_differences_still_count() -> None:
    assert character_error_rate("交通局兩週內提出方案", "教通局兩週內提出方案") == pytest.approx(
        0.1
    )
    assert normalise_for_cer("1,100") != normalise_for_cer("1100多")
