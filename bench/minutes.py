"""Minutes benchmark: directive precision/recall, agency and deadline accuracy, drafting speed.

    python bench/minutes.py [--verbose]

Runs the rule-based drafter on every labelled meeting in tests/data/minutes (transcripts as a
recogniser would give them, no speaker names) and prints the figures per meeting and overall,
then the time to draft a 3-hour transcript (the labelled meetings repeated), with the time to
merely read the same transcript's text as the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.minutes_fixtures import Score, load_all, score  # noqa: E402
from transcription.minutes import RuleBasedDrafter, header_for  # noqa: E402
from transcription.schema import Segment  # noqa: E402


def evaluate(verbose: bool) -> Score:
    drafter = RuleBasedDrafter()
    total = Score(misses=[], extras=[], wrong=[])
    print(
        f"{'meeting':<42} {'min':>5} {'exp':>4} {'pred':>4} {'P':>5} {'R':>5} {'agency':>6} {'due':>5}"
    )
    for meeting in load_all():
        minutes = drafter.draft(meeting.transcript(), header_for(meeting.meeting))
        result = score(meeting, minutes.directives)
        total = total + result
        print(
            f"{meeting.name:<42} {meeting.speech_minutes:5.1f} {result.expected:4d} {result.predicted:4d} "
            f"{result.precision:5.2f} {result.recall:5.2f} {result.agency_accuracy:6.2f} {result.deadline_accuracy:5.2f}"
        )
    print(
        f"{'ALL':<42} {'':>5} {total.expected:4d} {total.predicted:4d} {total.precision:5.2f} "
        f"{total.recall:5.2f} {total.agency_accuracy:6.2f} {total.deadline_accuracy:5.2f}"
    )
    if verbose:
        for title, lines in (
            ("missed", total.misses),
            ("extra", total.extras),
            ("wrong", total.wrong),
        ):
            print(f"\n{title}:")
            for line in lines or []:
                print("  ", line)
    return total


def long_transcript_speed(hours: float = 3.0) -> None:
    meetings = load_all()
    first = meetings[0].transcript()
    segments: list[Segment] = []
    offset = 0.0
    while offset < hours * 3600:
        for meeting in meetings:
            for segment in meeting.transcript().segments:
                segments.append(segment.model_copy(update={
                    "id": len(segments) + 1, "start": segment.start + offset, "end": segment.end + offset,
                }))  # fmt: skip
            offset = segments[-1].end + 5
    transcript = first.model_copy(update={"segments": segments})
    characters = sum(len(s.text) for s in segments)
    header = header_for(
        {"title": "第2300次市政會議", "type": "市政會議", "date": date(2026, 3, 10)}
    )
    drafter = RuleBasedDrafter()
    started = time.perf_counter()
    minutes = drafter.draft(transcript, header)
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    baseline = sum(len(s.text.split("，")) for s in transcript.segments)
    read = time.perf_counter() - started
    print(
        f"\n{offset / 3600:.1f} h transcript ({len(segments):,} sentences, {characters:,} characters): "
        f"drafted in {elapsed:.2f} s, {len(minutes.directives)} directives "
        f"(reading the text alone: {read * 1000:.1f} ms; {baseline} clauses)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    evaluate(args.verbose)
    long_transcript_speed()


if __name__ == "__main__":
    main()
