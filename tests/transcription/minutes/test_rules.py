"""The rule-based drafter measured on the labelled meetings, and its behaviour on edge cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.minutes_fixtures import MINUTES_DATA, Score, load, load_all, score
from transcription.minutes import MeetingHeader, RuleBasedDrafter, header_for
from transcription.schema import Transcript

HELDOUT = [MINUTES_DATA.parent / "minutes-heldout", MINUTES_DATA.parent / "minutes-heldout2"]
# The level reached on the development meetings (P 0.96, R 0.93, agency 0.99, due 1.00 when
# this was written), less a small margin; a change that drops below it is a regression.
DEV_FLOOR = {"precision": 0.92, "recall": 0.88, "agency": 0.95, "deadline": 0.95}
# Meetings written apart from the drafter (each set scored once untouched, then used for error
# analysis; see docs/benchmarks.md for the clean first scores): the targets.
HELDOUT_FLOOR = {"precision": 0.85, "recall": 0.85, "agency": 0.9, "deadline": 0.85}


def measure(paths: list[Path]) -> Score:
    drafter = RuleBasedDrafter()
    total = Score(misses=[], extras=[], wrong=[])
    for path in paths:
        meeting = load(path)
        minutes = drafter.draft(meeting.transcript(), header_for(meeting.meeting))
        total = total + score(meeting, minutes.directives)
    return total


def assert_floor(result: Score, floor: dict[str, float]) -> None:
    report = f"\nmissed: {result.misses}\nextra: {result.extras}\nwrong: {result.wrong}"
    assert result.precision >= floor["precision"], report
    assert result.recall >= floor["recall"], report
    assert result.agency_accuracy >= floor["agency"], report
    assert result.deadline_accuracy >= floor["deadline"], report


def test_directives_on_the_development_meetings() -> None:
    paths = sorted(MINUTES_DATA.glob("*.meeting.yaml"))
    assert len(paths) >= 12
    assert_floor(measure(paths), DEV_FLOOR)


def test_directives_on_held_out_meetings() -> None:
    paths = sorted(p for folder in HELDOUT for p in folder.glob("*.meeting.yaml"))
    assert len(paths) >= 7
    assert_floor(measure(paths), HELDOUT_FLOOR)


def test_discussion_items_and_their_decisions() -> None:
    found = expected = 0
    for meeting in load_all():
        minutes = RuleBasedDrafter().draft(meeting.transcript(), header_for(meeting.meeting))
        items = minutes.discussions + minutes.motions
        for label in meeting.discussions:
            expected += 1
            quote = str(label["quote"])
            match = next(
                (i for i in items if quote in i.subject or quote in "".join(i.explanation)), None
            )
            if match and match.decision and str(label["decision"])[:2] in match.decision:
                found += 1
    assert expected >= 8
    assert found / expected >= 0.7


def test_reports_are_titled_by_agency() -> None:
    meeting = load(MINUTES_DATA / "city-meeting-2026-06-16.meeting.yaml")
    minutes = RuleBasedDrafter().draft(meeting.transcript(), header_for(meeting.meeting))
    assert len(minutes.reports) >= 3
    assert all(r.agency_name and r.title.startswith(r.agency_name) for r in minutes.reports)
    assert minutes.adjourned_at is not None


def transcript_of(*sentences: str) -> Transcript:
    meeting = load(MINUTES_DATA / "city-meeting-2026-02-10.meeting.yaml").transcript()
    segments = [
        s.model_copy(update={"id": i + 1, "text": text, "start": i * 5.0, "end": i * 5.0 + 4})
        for i, (s, text) in enumerate(zip(meeting.segments, sentences, strict=False))
    ]
    return meeting.model_copy(update={"segments": segments})


HEADER = MeetingHeader(title="第2300次市政會議", meeting_type="市政會議", date=date(2026, 3, 10))


def test_an_unknown_agency_is_kept_and_flagged() -> None:
    transcript = transcript_of("好，這件事請國際交流基金會兩週內提出合作方案。")
    [directive] = RuleBasedDrafter().draft(transcript, HEADER).directives
    assert directive.lead_agency is None and directive.agency_said == "國際交流基金會"
    assert directive.flags == ["unknown_agency"] and directive.due == date(2026, 3, 24)


def test_misheard_agency_names_are_recognised() -> None:
    transcript = transcript_of("好，都發舉會同財政據，兩週內提出社宅的財務計畫。")
    [directive] = RuleBasedDrafter().draft(transcript, HEADER).directives
    assert directive.lead_agency_name == "都市發展局" and directive.co_agency_names == ["財政局"]


@pytest.mark.parametrize(
    "said",
    [
        "報告主席，本局預計兩週內完成改善方案。",  # an agency's own plan
        "上次會議請交通局兩週內提出方案，交通局已經完成，建議解除列管。",  # reading back old items
        "衛生局上個月就開始清查，這個動作很快，很好。",  # praise for work done
        "我要求捷運局一週內把資料送到我的辦公室！",  # a councillor's demand
        "接下來請都發局報告社會住宅的進度。",  # handing over the floor
        "都發局這個案子有沒有兩週內完成的可能？",  # a question
    ],
)
def test_look_alikes_are_not_directives(said: str) -> None:
    assert RuleBasedDrafter().draft(transcript_of(said), HEADER).directives == []


def test_empty_transcript() -> None:
    minutes = RuleBasedDrafter().draft(transcript_of(), HEADER)
    assert minutes.directives == [] and "逐字稿為空白" in minutes.notes[0]


def test_three_hours_draft_quickly() -> None:
    import time

    meetings = load_all()
    segments = []
    offset = 0.0
    while offset < 3 * 3600:
        for meeting in meetings:
            for segment in meeting.transcript().segments:
                segments.append(
                    segment.model_copy(
                        update={
                            "id": len(segments) + 1,
                            "start": segment.start + offset,
                            "end": segment.end + offset,
                        }
                    )
                )
            offset = segments[-1].end + 5
    transcript = meetings[0].transcript().model_copy(update={"segments": segments})
    drafter = RuleBasedDrafter()
    started = time.perf_counter()
    minutes = drafter.draft(transcript, HEADER)
    # A generous bound for a slow CI machine; bench/minutes.py reports the real figure.
    assert time.perf_counter() - started < 10
    assert len(minutes.directives) > 100
