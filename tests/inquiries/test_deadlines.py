from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inquiries import CalendarOverride, Kind, Priority, RuleBook, WorkCalendar, deadline_for
from yishi.errors import InputError

RULES = RuleBook.load()


def due(
    kind: Kind, priority: Priority, received: date, calendar: WorkCalendar | None = None
) -> date:
    return deadline_for(
        kind, priority, received, rules=RULES, calendar=calendar or WorkCalendar()
    ).due


def test_lunar_new_year_is_skipped_and_explained() -> None:
    deadline = deadline_for(
        Kind.DIRECTIVE, Priority.NORMAL, date(2026, 2, 12), rules=RULES, calendar=WorkCalendar()
    )
    # 2/12 and 2/13 count; 2/14–2/22 is the weekend and the Lunar New Year holidays.
    assert deadline.due == date(2026, 2, 26)
    explanation = deadline.explain()
    assert "2/14–2/22" in explanation and "春節" in explanation
    assert "普通件6日" in explanation and "2026-02-26" in explanation


def test_make_up_saturday_counts_as_a_working_day() -> None:
    # 2025-02-08 was a make-up Saturday (補班) for the Lunar New Year bridge day.
    assert WorkCalendar().is_working_day(date(2025, 2, 8))
    assert due(Kind.PETITION, Priority.NORMAL, date(2025, 2, 5)) == date(2025, 2, 12)
    deadline = deadline_for(
        Kind.PETITION, Priority.NORMAL, date(2025, 2, 5), rules=RULES, calendar=WorkCalendar()
    )
    assert [d for d, _ in deadline.skipped] == [date(2025, 2, 9)]


def test_typhoon_closure_moves_the_deadline() -> None:
    received = date(2026, 7, 27)  # Monday
    normal = due(Kind.DATA_REQUEST, Priority.NORMAL, received)
    typhoon = WorkCalendar(
        {date(2026, 7, 28): CalendarOverride(date(2026, 7, 28), False, "颱風停班")}
    )
    moved = deadline_for(
        Kind.DATA_REQUEST, Priority.NORMAL, received, rules=RULES, calendar=typhoon
    )
    assert normal == date(2026, 7, 30)
    assert moved.due == date(2026, 7, 31)
    assert "7/28（颱風停班）" in moved.explain()


def test_override_can_make_a_holiday_a_working_day() -> None:
    holiday = date(2026, 10, 9)
    calendar = WorkCalendar({holiday: CalendarOverride(holiday, True, "行事曆修正")})
    assert not WorkCalendar().is_working_day(holiday)
    assert calendar.is_working_day(holiday)


@pytest.mark.parametrize(
    ("received", "rule_id", "expected"),
    [
        (date(2025, 6, 30), "data-request-2022-normal", date(2025, 7, 7)),
        (date(2025, 7, 1), "data-request-2025-normal", date(2025, 7, 4)),
    ],
)
def test_a_new_rule_applies_from_its_effective_date(
    received: date, rule_id: str, expected: date
) -> None:
    deadline = deadline_for(
        Kind.DATA_REQUEST, Priority.NORMAL, received, rules=RULES, calendar=WorkCalendar()
    )
    assert deadline.rule.id == rule_id
    assert deadline.due == expected


def test_urgent_data_request_rule_of_2026() -> None:
    before = deadline_for(
        Kind.DATA_REQUEST,
        Priority.MOST_URGENT,
        date(2026, 1, 2),
        rules=RULES,
        calendar=WorkCalendar(),
    )
    after = deadline_for(
        Kind.DATA_REQUEST,
        Priority.MOST_URGENT,
        date(2026, 1, 5),
        rules=RULES,
        calendar=WorkCalendar(),
    )
    assert before.rule.working_days == 3 and after.rule.working_days == 1
    assert after.due == date(2026, 1, 6)


def test_received_on_a_holiday_counts_from_the_next_working_day() -> None:
    # Received on Saturday: the received day is not a working day, so Monday is day 1.
    assert due(Kind.DIRECTIVE, Priority.MOST_URGENT, date(2026, 3, 7)) == date(2026, 3, 9)


kinds = st.sampled_from(list(Kind))
priorities = st.sampled_from(list(Priority))
days = st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31))
closures = st.lists(st.dates(min_value=date(2023, 1, 1), max_value=date(2028, 3, 31)), max_size=8)


@settings(max_examples=300, deadline=None)
@given(kinds, priorities, days, closures)
def test_due_date_is_a_working_day_never_before_received(
    kind: Kind, priority: Priority, received: date, closed: list[date]
) -> None:
    calendar = WorkCalendar({d: CalendarOverride(d, False, "停班") for d in closed})
    deadline = deadline_for(kind, priority, received, rules=RULES, calendar=calendar)
    assert calendar.is_working_day(deadline.due)
    assert deadline.due >= received
    counted = sum(
        calendar.is_working_day(received + timedelta(days=i))
        for i in range((deadline.due - received).days + 1)
    )
    first_counts = deadline.rule.count_from == "received" and calendar.is_working_day(received)
    expected = deadline.rule.working_days + (
        0 if first_counts or not calendar.is_working_day(received) else 1
    )
    assert counted == expected
    assert all(not calendar.is_working_day(d) for d, _ in deadline.skipped)


def test_rule_file_errors_are_clear(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from yishi.errors import ConfigError

    bad = tmp_path / "rules.yaml"
    bad.write_text(
        "rules:\n  - {id: x, kind: 質詢, priority: 特急件, working_days: 1,"
        " effective_from: 2026-01-01, basis: b}\n",
        "utf-8",
    )
    with pytest.raises(ConfigError, match="格式錯誤"):
        RuleBook.load(bad)


@pytest.mark.parametrize("received", [date(9999, 12, 30), date.max])
def test_a_deadline_past_the_last_date_is_an_input_error_not_an_overflow(received: date) -> None:
    with pytest.raises(InputError, match="太晚，無法計算期限"):
        due(Kind.PETITION, Priority.NORMAL, received)


def test_working_days_up_to_the_last_date() -> None:
    assert WorkCalendar().working_days_between(date(9999, 12, 24), date.max) == 5


def _walked(calendar: WorkCalendar, start: date, end: date) -> int:
    """The definition, one day at a time."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(min_value=date(2018, 1, 1), max_value=date(2030, 12, 31)),
    span=st.integers(min_value=-30, max_value=1500),
    closed=st.lists(st.dates(min_value=date(2018, 1, 1), max_value=date(2031, 12, 31)), max_size=6),
    opened=st.lists(st.dates(min_value=date(2018, 1, 1), max_value=date(2031, 12, 31)), max_size=4),
)
def test_working_days_between_counts_every_day_as_the_calendar_says(
    start: date, span: int, closed: list[date], opened: list[date]
) -> None:
    overrides = {d: CalendarOverride(d, False, "颱風停班") for d in closed}
    overrides |= {d: CalendarOverride(d, True, "補行上班") for d in opened}
    calendar = WorkCalendar(overrides)
    end = start + timedelta(days=span)
    assert calendar.working_days_between(start, end) == _walked(calendar, start, end)
