"""Load the labelled meetings in tests/data/minutes and turn them into Yishi transcripts.

python -m tests.minutes_fixtures [FILE ...]   # checks labels: quotes exist, agencies known, dates real
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from transcription.schema import ModelInfo, Segment, SourceInfo, Stats, Transcript

MINUTES_DATA = Path(__file__).resolve().parent / "data" / "minutes"
CHARS_PER_SECOND = 4.5
AGENCIES_FILE = Path(__file__).resolve().parent.parent / "inquiries" / "data" / "agencies.yaml"


@dataclass(frozen=True)
class ExpectedDirective:
    quote: str
    agency: str | None
    co_agencies: tuple[str, ...]
    deadline: str | None
    due: date | None


@dataclass(frozen=True)
class LabelledMeeting:
    name: str
    meeting: dict[str, Any]
    turns: list[dict[str, str]]
    directives: list[ExpectedDirective]
    discussions: list[dict[str, str]]

    @property
    def date(self) -> date:
        value = self.meeting["date"]
        return value if isinstance(value, date) else date.fromisoformat(str(value))

    def transcript(self) -> Transcript:
        """The meeting as recognised speech: sentence segments, timestamps, no speaker names."""
        segments: list[Segment] = []
        clock = 2.0
        for turn in self.turns:
            for sentence in _sentences(turn["text"]):
                length = len(sentence) / CHARS_PER_SECOND
                segments.append(
                    Segment(
                        id=len(segments) + 1,
                        start=round(clock, 2),
                        end=round(clock + length, 2),
                        text=sentence,
                        avg_logprob=-0.2,
                        no_speech_prob=0.02,
                        compression_ratio=1.3,
                    )
                )
                clock += length + 0.3
            clock += 1.0
        return Transcript(
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
            yishi_version="test",
            source=SourceInfo(
                file=f"{self.name}.m4a", sha256="0" * 64, size_bytes=1, duration=clock, codec="aac"
            ),
            model=ModelInfo(
                id="labelled", origin="tests", device="cpu", compute_type="int8", cpu_threads=1
            ),
            settings={},
            language="zh",
            segments=segments,
            stats=Stats(
                processing_seconds=0, real_time_factor=0, speech_seconds=clock, flagged_segments=0
            ),
        )

    @property
    def speech_minutes(self) -> float:
        return sum(len(t["text"]) for t in self.turns) / CHARS_PER_SECOND / 60


def _sentences(text: str) -> list[str]:
    pieces, current = [], ""
    for char in text.strip():
        current += char
        if char in "。！？；":
            pieces.append(current.strip())
            current = ""
    if current.strip():
        pieces.append(current.strip())
    return [p for p in pieces if p]


def load(path: Path) -> LabelledMeeting:
    data = yaml.safe_load(path.read_text("utf-8"))
    expected = data.get("expected") or {}
    directives = [
        ExpectedDirective(
            quote=str(d["quote"]),
            agency=d.get("agency"),
            co_agencies=tuple(d.get("co_agencies") or ()),
            deadline=d.get("deadline"),
            due=d.get("due")
            if isinstance(d.get("due"), date) or d.get("due") is None
            else date.fromisoformat(str(d["due"])),
        )
        for d in expected.get("directives") or []
    ]
    return LabelledMeeting(
        name=path.name.removesuffix(".meeting.yaml"),
        meeting=data["meeting"],
        turns=data["turns"],
        directives=directives,
        discussions=expected.get("discussions") or [],
    )


def load_all() -> list[LabelledMeeting]:
    return [load(p) for p in sorted(MINUTES_DATA.glob("*.meeting.yaml"))]


def problems(meeting: LabelledMeeting) -> list[str]:
    """Label mistakes: missing or repeated quotes, unknown agencies, impossible dates."""
    agencies = yaml.safe_load(AGENCIES_FILE.read_text("utf-8"))["agencies"]
    names = {n for a in agencies for n in (a["short"], a["name"], *a.get("aliases", []))}
    text = "".join(t["text"] for t in meeting.turns)
    found = []
    for directive in meeting.directives:
        count = text.count(directive.quote)
        if count != 1:
            found.append(f"quote {directive.quote!r} occurs {count} times")
        for agency in (directive.agency, *directive.co_agencies):
            if agency is not None and agency not in names and not agency.startswith("UNKNOWN:"):
                found.append(f"agency {agency!r} is not in agencies.yaml")
        if directive.due is not None and directive.due < meeting.date:
            found.append(f"due {directive.due} is before the meeting")
        if (directive.deadline is None) != (directive.due is None) and directive.deadline not in (
            "儘速",
            "盡快",
            "立即",
            "馬上",
            "下次會議",
            "下次會報",
        ):
            found.append(f"deadline {directive.deadline!r} and due {directive.due} disagree")
    for discussion in meeting.discussions:
        if text.count(str(discussion["quote"])) < 1:
            found.append(f"discussion quote {discussion['quote']!r} not found")
    if any("speaker" not in t or "text" not in t for t in meeting.turns):
        found.append("every turn needs speaker and text")
    return found


def main(paths: list[str]) -> int:
    files = [Path(p) for p in paths] or sorted(MINUTES_DATA.glob("*.meeting.yaml"))
    failed = 0
    for path in files:
        meeting = load(path)
        issues = problems(meeting)
        status = "OK" if not issues else "PROBLEMS"
        print(f"{path.name}: {status}; {meeting.speech_minutes:.1f} min of speech, "
              f"{len(meeting.directives)} directives, {len(meeting.discussions)} discussions")  # fmt: skip
        for issue in issues:
            print(f"  - {issue}")
        failed += bool(issues)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


@dataclass
class Score:
    """Directive precision/recall, and agency/deadline accuracy on the matched ones."""

    expected: int = 0
    predicted: int = 0
    matched: int = 0
    agency_right: int = 0
    deadline_right: int = 0
    misses: list[str] | None = None
    extras: list[str] | None = None
    wrong: list[str] | None = None

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def agency_accuracy(self) -> float:
        return self.agency_right / self.matched if self.matched else 1.0

    @property
    def deadline_accuracy(self) -> float:
        return self.deadline_right / self.matched if self.matched else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(
            self.expected + other.expected,
            self.predicted + other.predicted,
            self.matched + other.matched,
            self.agency_right + other.agency_right,
            self.deadline_right + other.deadline_right,
            (self.misses or []) + (other.misses or []),
            (self.extras or []) + (other.extras or []),
            (self.wrong or []) + (other.wrong or []),
        )


def _squash(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def score(meeting: LabelledMeeting, directives: list[Any]) -> Score:
    """Match each expected directive to the predicted one whose text contains its quote."""
    result = Score(
        expected=len(meeting.directives), predicted=len(directives), misses=[], extras=[], wrong=[]
    )
    used: set[int] = set()
    for expected in meeting.directives:
        quote = _squash(expected.quote)
        match = next(
            (i for i, d in enumerate(directives) if i not in used and quote in _squash(d.text)),
            None,
        )
        if match is None:
            result.misses.append(f"{meeting.name}: {expected.quote} ({expected.agency})")  # type: ignore[union-attr]
            continue
        used.add(match)
        predicted = directives[match]
        result.matched += 1
        if predicted.lead_agency_name == expected.agency:
            result.agency_right += 1
        else:
            result.wrong.append(
                f"{meeting.name}: agency {predicted.lead_agency_name} != {expected.agency}: {predicted.text}"
            )  # type: ignore[union-attr]
        if predicted.due == expected.due:
            result.deadline_right += 1
        else:
            result.wrong.append(
                f"{meeting.name}: due {predicted.deadline_text}={predicted.due} != {expected.deadline}={expected.due}: {predicted.text}"
            )  # type: ignore[union-attr]
    for index, predicted in enumerate(directives):
        if index not in used:
            result.extras.append(f"{meeting.name}: {predicted.lead_agency_name}: {predicted.text}")  # type: ignore[union-attr]
    return result
