from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from inquiries import CaseQuery, CaseStore, Kind, Priority
from tests.minutes_fixtures import MINUTES_DATA, load
from transcription.minutes import Directive, MeetingHeader, Minutes, RuleBasedDrafter, Span
from transcription.minutes.filing import file_directives
from yishi.db import make_engine, migrate
from yishi.errors import InputError


@pytest.fixture()
def store(tmp_path: Path) -> CaseStore:
    engine = make_engine(f"sqlite:///{tmp_path / 'yishi.db'}")
    migrate(engine)
    return CaseStore(engine, actor="議事科", today=lambda: date(2026, 11, 25))


def drafted() -> Minutes:
    meeting = load(MINUTES_DATA / "city-meeting-2026-02-10.meeting.yaml")
    header = MeetingHeader(
        title="第2297次市政會議", meeting_type="市政會議", date=date(2026, 2, 10)
    )
    return RuleBasedDrafter().draft(meeting.transcript(), header)


def test_directives_become_cases_once(store: CaseStore) -> None:
    minutes = drafted()
    first = file_directives(minutes, store)
    filed = [d for d in minutes.directives if d.lead_agency]
    assert len(first.created) == len(filed) > 0
    again = file_directives(minutes, store)
    assert again.created == [] and sorted(again.existing) == sorted(first.created)
    cases = store.find(CaseQuery(kind=Kind.DIRECTIVE, limit=None)).cases
    assert len(cases) == len(filed)
    case = store.get(first.created[0])
    directive = filed[0]
    assert case.lead_agency == directive.lead_agency
    assert case.received_on == date(2026, 2, 10)
    assert case.meeting_id == "2026-02-10 第2297次市政會議"
    assert case.span_start == directive.span.start
    if directive.due:
        assert case.due_on == directive.due and case.due_rule == "manual"
    assert "會議紀錄裁示事項第1項" in (store.history(case.id)[0].reason or "")


def test_unknown_agencies_are_kept_in_the_minutes_but_not_filed(store: CaseStore) -> None:
    minutes = drafted()
    minutes.directives.append(
        Directive(
            text="請宇宙局研議登月計畫",
            agency_said="宇宙局",
            flags=["unknown_agency"],
            span=Span(start=1, end=2, segment_ids=[1]),
        )
    )
    report = file_directives(minutes, store)
    assert report.skipped == [
        (f"第{len(minutes.directives)}項", "權責機關不明（宇宙局），請先修正紀錄")
    ]


def test_urgent_directives_without_a_date_take_the_urgent_rule(store: CaseStore) -> None:
    minutes = drafted()
    minutes.directives = [
        Directive(
            text="請消防局儘速派員",
            lead_agency="fire",
            lead_agency_name="消防局",
            deadline_text="儘速",
            urgent=True,
            span=Span(start=5, end=8, segment_ids=[3]),
        )
    ]
    [case_id] = file_directives(minutes, store).created
    case = store.get(case_id)
    assert case.priority == Priority.URGENT and case.due_on == date(2026, 2, 12)


def test_minutes_without_a_date_cannot_be_filed(store: CaseStore) -> None:
    minutes = drafted()
    minutes.header.date = None
    with pytest.raises(InputError, match="會議日期未填"):
        file_directives(minutes, store)
