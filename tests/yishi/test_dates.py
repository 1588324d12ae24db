"""Dates typed by people: the forms staff write, and a range that cannot overflow."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from yishi.dates import EARLIEST, LATEST, date_input, parse_date
from yishi.errors import InputError


def test_the_range_runs_from_the_first_roc_year_to_2200() -> None:
    assert parse_date("1912-01-01") == date(1912, 1, 1) == EARLIEST
    assert parse_date("2200/12/31") == date(2200, 12, 31) == LATEST
    assert parse_date("001/1/1") == EARLIEST  # 民國元年


@pytest.mark.parametrize(
    "value", ["9999-12-31", "2201-01-01", "1911-12-31", "99991231", date.max, datetime(1900, 1, 1)]
)
def test_dates_outside_the_range_are_refused_in_chinese(value: object) -> None:
    with pytest.raises(ValueError, match=r"超出可用範圍（1912-01-01 至 2200-12-31）"):
        parse_date(value)


def test_date_input_names_the_field() -> None:
    assert date_input("115/2/12", label="收文日期") == date(2026, 2, 12)
    with pytest.raises(InputError, match=r"^收文日期：日期 9999-12-31 超出可用範圍"):
        date_input("9999-12-31", label="收文日期")
    with pytest.raises(InputError, match=r"^會議日期：日期「明天」無法辨識"):
        date_input("明天", label="會議日期")
