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


def labelled(*turns: tuple[str, str], names: dict[str, str]) -> Transcript:
    """A transcript whose sentences carry speaker labels (S1, S2, …) and names."""
    from transcription.schema import SpeakerInfo

    transcript = transcript_of(*(text for _speaker, text in turns))
    segments = [
        s.model_copy(update={"speaker": speaker})
        for s, (speaker, _text) in zip(transcript.segments, turns, strict=True)
    ]
    speakers = [SpeakerInfo(id=i, name=n, seconds=10.0, turns=1) for i, n in names.items()]
    return transcript.model_copy(update={"segments": segments, "speakers": speakers})


def test_directives_said_by_others_than_the_chair_are_flagged() -> None:
    transcript = labelled(
        ("S1", "接下來請都市發展局報告社會住宅進度。"),
        ("S2", "報告主席，目前興建中的有十二處。"),
        ("S2", "請工務局協助確認施工安全，下週回報。"),
        ("S1", "好，請都發局兩週內提出改善方案。"),
        ("S1", "請交通局說明。"),
        ("S3", "報告主席，公車路線已經調整。"),
        ("S1", "謝謝，散會。"),
        names={"S1": "發言者 1", "S2": "都市發展局", "S3": "交通局"},
    )
    minutes = RuleBasedDrafter().draft(transcript, HEADER)
    by_text = {d.text: d for d in minutes.directives}
    chair = next(d for t, d in by_text.items() if "改善方案" in t)
    assert chair.flags == [] and chair.speaker == "發言者 1"
    other = next(d for t, d in by_text.items() if "施工安全" in t)
    assert "not_from_chair" in other.flags and other.speaker == "都市發展局"
    from transcription.minutes.export import render_markdown

    assert "可能非主席裁示，請確認、發言者：都市發展局" in render_markdown(minutes)


def test_without_labels_nothing_is_flagged_for_the_speaker() -> None:
    transcript = transcript_of("好，請都發局兩週內提出改善方案。")
    [directive] = RuleBasedDrafter().draft(transcript, HEADER).directives
    assert directive.speaker is None and "not_from_chair" not in directive.flags


def test_councillor_questions_are_attributed() -> None:
    council = MeetingHeader(
        title="臺北市議會第14屆定期大會", meeting_type="議會質詢", date=date(2026, 3, 10)
    )
    transcript = labelled(
        ("S1", "請王大明議員質詢。"),
        ("S2", "我要請問市長，社會住宅為什麼一再延宕？"),
        ("S2", "我要求一個月內提出改善計畫。"),
        ("S3", "謝謝議員，我們會請都發局一個月內提出計畫。"),
        ("S4", "請問交通局，公車轉乘何時改善？"),
        names={"S1": "主席", "S2": "王大明議員", "S3": "市長", "S4": "發言者 4"},
    )
    minutes = RuleBasedDrafter().draft(transcript, council)
    assert [(q.councillor, q.span.segment_ids) for q in minutes.questions] == [
        ("王大明議員", [2, 3])
    ]
    assert minutes.questions[0].text.startswith("我要請問市長")
    from transcription.minutes.export import sections

    [(_title, lines)] = [s for s in sections(minutes) if s[0] == "議員質詢"]
    assert lines[0].startswith("一、王大明議員（")
