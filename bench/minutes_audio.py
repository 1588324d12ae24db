"""Minutes benchmark on the audio path: recording → Yishi transcript → rule-based minutes.

    python bench/minutes_audio.py [--dir tests/data/minutes-audio] [--speakers auto] [--verbose]

Every ``NAME.ogg`` in the folder is transcribed with Yishi's real pipeline (the default
engine and settings, speaker labels as ``yishi minutes`` sets them) and drafted into minutes
with the same service function ``yishi minutes`` uses. Its labels are ``NAME.meeting.yaml``
beside the recording or, for the development recordings, in ``tests/data/minutes*/``; a
recording of part of a meeting (its reference ``NAME.txt`` names the turns it holds, and the
meeting is the longest labelled name that ``NAME`` starts with) is scored on the directives
said in it. Recognised transcripts are cached by audio hash and settings, so a rerun only
drafts. The same meetings' clean text (the turns as written) are drafted and scored beside it.

A predicted directive matches a label when at least 60 % of the label's quote appears, in
order, in the directive's text (recognised text garbles characters and punctuation). Figures:
precision, recall, lead-agency accuracy and deadline accuracy on the matched directives,
co-agency precision and recall over the matched directives' co-agencies, and ``floor``, the
listed "directives" that only hand over the floor (請X局報告, 接下來請…, 有請…).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.minutes_fixtures import ExpectedDirective, LabelledMeeting, load  # noqa: E402
from tests.transcription.minutes.recognised import FLOOR_GIVING, match, squash  # noqa: E402
from transcription import TranscribeOptions, character_error_rate, load_engine, transcribe  # noqa: E402
from transcription.correction import corrector_for  # noqa: E402
from transcription.minutes import Directive, header_for  # noqa: E402
from transcription.minutes.service import draft_minutes  # noqa: E402
from transcription.schema import Transcript  # noqa: E402
from transcription.whisper import WhisperEngine  # noqa: E402
from yishi.config import get_settings  # noqa: E402

AUDIO_DIR = ROOT / "tests" / "data" / "minutes-audio"
LABEL_DIRS = sorted((ROOT / "tests" / "data").glob("minutes*"))
CACHE_DIR = ROOT / "bench" / "out" / "minutes-audio-cache"


@dataclass
class Score:
    expected: int = 0
    predicted: int = 0
    matched: int = 0
    lead_right: int = 0
    due_right: int = 0
    co_true: int = 0
    co_predicted: int = 0
    co_expected: int = 0
    floor: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(*(getattr(self, k) + getattr(other, k) for k in _COUNTS))

    def figures(self) -> list[str]:
        return [
            f"{self.predicted:4d}",
            _share(self.matched, self.predicted),
            _share(self.matched, self.expected),
            _share(self.lead_right, self.matched),
            _share(self.co_true, self.co_predicted),
            _share(self.co_true, self.co_expected),
            _share(self.due_right, self.matched),
            f"{self.floor:5d}",
        ]


_COUNTS = (
    "expected",
    "predicted",
    "matched",
    "lead_right",
    "due_right",
    "co_true",
    "co_predicted",
    "co_expected",
    "floor",
)


def _share(part: int, whole: int) -> str:
    return f"{part / whole:5.2f}" if whole else "    -"


def score(
    name: str, expected: list[ExpectedDirective], predicted: list[Directive]
) -> tuple[Score, list[str]]:
    """Match labels to predictions one to one, best overlap first, and count what agrees."""
    result = Score(expected=len(expected), predicted=len(predicted))
    found = match([e.quote for e in expected], [p.text for p in predicted])
    label_of = {j: i for i, j in found.items()}
    lines: list[str] = []
    for j, i in sorted(label_of.items()):
        label, guess = expected[i], predicted[j]
        result.matched += 1
        result.lead_right += guess.lead_agency_name == label.agency
        result.due_right += guess.due == label.due
        co_guess, co_label = set(guess.co_agency_names), set(label.co_agencies)
        result.co_true += len(co_guess & co_label)
        result.co_predicted += len(co_guess)
        result.co_expected += len(co_label)
        if guess.lead_agency_name != label.agency or guess.due != label.due or co_guess != co_label:
            lines.append(
                f"{name}: wrong: {guess.lead_agency_name}+{sorted(co_guess)} {guess.due} "
                f"!= {label.agency}+{sorted(co_label)} {label.due}: {guess.text}"
            )
    for i, label in enumerate(expected):
        if i not in label_of.values():
            lines.append(f"{name}: missed: {label.quote} ({label.agency})")
    for j, guess in enumerate(predicted):
        if j not in label_of:
            floor = bool(FLOOR_GIVING.search(guess.text))
            result.floor += floor
            kind = "floor-giving" if floor else "extra"
            lines.append(f"{name}: {kind}: {guess.lead_agency_name}: {guess.text}")
    return result, lines


@dataclass
class Recording:
    name: str
    audio: Path
    meeting: LabelledMeeting
    reference: str  # what was said, for CER
    expected: list[ExpectedDirective]


def recordings(folder: Path) -> list[Recording]:
    found = []
    for audio in sorted(folder.glob("*.ogg")):
        name = audio.stem
        labels = _labels_for(folder, name)
        if labels is None:
            print(f"{name}: no labels found, skipped", file=sys.stderr)
            continue
        meeting = load(labels)
        said = audio.with_suffix(".txt")
        written = "\n".join(str(t["text"]) for t in meeting.turns)
        reference = said.read_text("utf-8") if said.is_file() else written
        if said.is_file() and name != meeting.name:  # part of a meeting: the turns it holds
            heard = squash(reference)
            turns = [t for t in meeting.turns if squash(str(t["text"])) in heard]
            meeting = LabelledMeeting(
                meeting.name, meeting.meeting, turns, meeting.directives, meeting.discussions
            )
        spoken = squash("".join(str(t["text"]) for t in meeting.turns))
        expected = [d for d in meeting.directives if squash(d.quote) in spoken]
        found.append(Recording(name, audio, meeting, reference, expected))
    return found


def _labels_for(folder: Path, name: str) -> Path | None:
    beside = folder / f"{name}.meeting.yaml"
    if beside.is_file():
        return beside
    known = {p.name.removesuffix(".meeting.yaml"): p for d in LABEL_DIRS for p in d.glob("*.yaml")}
    prefixes = [n for n in known if name.startswith(n)]
    return known[max(prefixes, key=len)] if prefixes else None


def recognised(
    audio: Path, options: TranscribeOptions, engine: list[WhisperEngine], cache: Path
) -> tuple[Transcript, bool]:
    """The recording's transcript, from the cache when the same audio and settings were seen."""
    digest = hashlib.sha256(audio.read_bytes()).hexdigest()
    # The key does not see the pipeline's code: delete the cache after changing the recogniser
    # (the domain correction is applied again to the cached recognised text).
    settings = f"{options.model}|{options.beam_size}|{options.speakers}|{options.initial_prompt}"
    if options.decoding != "batched":
        settings += f"|{options.decoding}"
    if not options.hotwords:
        settings += "|no-hotwords"
    key = hashlib.sha256(f"{digest}|{settings}".encode()).hexdigest()[:24]
    cached = cache / f"{key}.json"
    if cached.is_file():
        transcript = Transcript.model_validate_json(cached.read_text("utf-8"))
        return recorrected(transcript, options), True
    if not engine:
        engine.append(load_engine(options))
    transcript = transcribe(audio, options=options, engine=engine[0])
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_text(transcript.model_dump_json(), encoding="utf-8")
    return transcript, False


def recorrected(transcript: Transcript, options: TranscribeOptions) -> Transcript:
    """The cached transcript with today's domain correction applied to what was recognised."""
    if not options.correction:
        return transcript
    corrector = corrector_for(options.glossary, names=options.names)
    segments = []
    for segment in transcript.segments:
        text, recognised = corrector.reviewed(segment.recognised or segment.text)
        segments.append(segment.model_copy(update={"text": text, "recognised": recognised}))
    return transcript.model_copy(update={"segments": segments})


def evaluate(folder: Path, speakers: str, cache: Path, verbose: bool) -> None:
    options = TranscribeOptions.from_settings(get_settings(), speakers=speakers)
    engine: list[WhisperEngine] = []
    columns = "pred     P     R  lead   coP   coR   due floor"
    print(f"{'':<40} {'':>5} {'':>4} {'':>5} | {'audio path':<46} | clean text")
    print(f"{'recording':<40} {'min':>5} {'exp':>4} {'CER':>5} | {columns} | {columns}")
    totals = [Score(), Score()]
    lines: list[str] = []
    for item in recordings(folder):
        started = time.perf_counter()
        transcript, hit = recognised(item.audio, options, engine, cache)
        header = header_for(item.meeting.meeting)
        heard = draft_minutes(transcript, header).directives
        clean = draft_minutes(item.meeting.transcript(), header).directives
        audio_score, audio_lines = score(item.name, item.expected, heard)
        clean_score, clean_lines = score(item.name, item.expected, clean)
        totals = [totals[0] + audio_score, totals[1] + clean_score]
        lines += [f"[audio] {line}" for line in audio_lines]
        lines += [f"[clean] {line}" for line in clean_lines]
        text = "".join(s.text for s in transcript.segments)
        cer = character_error_rate(item.reference, text)
        print(
            f"{item.name[:40]:<40} {transcript.source.duration / 60:5.1f} {len(item.expected):4d} "
            f"{cer:5.2f} | {' '.join(audio_score.figures())} | {' '.join(clean_score.figures())}"
            f"{'' if hit else f'  (transcribed in {time.perf_counter() - started:.0f} s)'}"
        )
    audio_total, clean_total = totals
    print(
        f"{'ALL':<40} {'':>5} {audio_total.expected:4d} {'':>5} | "
        f"{' '.join(audio_total.figures())} | {' '.join(clean_total.figures())}"
    )
    if verbose:
        print()
        for line in lines:
            print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, default=AUDIO_DIR, help="folder of NAME.ogg")
    parser.add_argument("--speakers", default="auto", help="auto (as yishi minutes), off, or N")
    parser.add_argument(
        "--cache", type=Path, default=CACHE_DIR, help="delete it after changing the pipeline"
    )
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    evaluate(args.dir, args.speakers, args.cache, args.verbose)


if __name__ == "__main__":
    main()
