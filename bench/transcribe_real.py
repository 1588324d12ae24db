"""Accuracy on real human speech next to the synthetic test speech: bare faster-whisper vs Yishi.

    python bench/transcribe_real.py

Prints the character error rate of each recording and of each set (errors over reference
characters, so long files weigh more) for (a) a bare ``BatchedInferencePipeline.transcribe``
call with Yishi's model and decoding settings, and (b) Yishi's full pipeline. Both use the
same loaded model. Real recordings come from ``tests/data/speech-real/index.tsv``; the
synthetic (TTS) ones are ``tests/data/speech/*.{ogg,mp3,webm}`` with their ``.txt`` references.
Nothing is tuned here: this only measures the settings Yishi ships with.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.transcribe import _bare_run, options  # noqa: E402
from transcription import TranscribeOptions, load_engine, transcribe  # noqa: E402
from transcription.metrics import edit_distance, normalise_for_cer  # noqa: E402
from transcription.whisper import WhisperEngine  # noqa: E402

REAL = ROOT / "tests" / "data" / "speech-real"
SYNTHETIC = ROOT / "tests" / "data" / "speech"


@dataclass(frozen=True)
class Recording:
    path: Path
    reference: str


@dataclass
class Tally:
    errors: int = 0
    characters: int = 0

    def add(self, reference: str, hypothesis: str) -> float:
        ref, hyp = normalise_for_cer(reference), normalise_for_cer(hypothesis)
        errors = edit_distance(ref, hyp)
        self.errors += errors
        self.characters += len(ref)
        return errors / max(len(ref), 1)

    @property
    def cer(self) -> float:
        return self.errors / max(self.characters, 1)


def real_recordings() -> list[Recording]:
    rows = (REAL / "index.tsv").read_text("utf-8").splitlines()[1:]  # skip the header
    return [
        Recording(REAL / name, reference)
        for name, _seconds, reference in (row.split("\t") for row in rows if row.strip())
    ]


def synthetic_recordings() -> list[Recording]:
    paths = sorted(p for p in SYNTHETIC.iterdir() if p.suffix in {".ogg", ".mp3", ".webm"})
    return [Recording(p, p.with_suffix(".txt").read_text("utf-8")) for p in paths]


def measure(
    title: str, recordings: list[Recording], opts: TranscribeOptions, engine: WhisperEngine
) -> tuple[Tally, Tally]:
    from faster_whisper import BatchedInferencePipeline

    bare_pipeline = BatchedInferencePipeline(engine._model)  # the same loaded model for both
    bare, yishi = Tally(), Tally()
    print(f"\n{title}")
    print(f"  {'file':<34} {'bare':>7} {'Yishi':>7}  Yishi's text")
    for recording in recordings:
        bare_text = _bare_run(bare_pipeline, recording.path, opts)
        yishi_text = transcribe(recording.path, options=opts, engine=engine).text
        bare_cer = bare.add(recording.reference, bare_text)
        yishi_cer = yishi.add(recording.reference, yishi_text)
        shown = yishi_text.replace("\n", " ")
        print(f"  {recording.path.name:<34} {bare_cer:7.2%} {yishi_cer:7.2%}  {shown[:40]}")
    print(
        f"  {'overall (' + str(bare.characters) + ' characters)':<34} {bare.cer:7.2%} {yishi.cer:7.2%}"
    )
    return bare, yishi


def main() -> None:
    opts = options()
    engine = load_engine(opts)
    print(f"model {engine.source.location}  (CER after dropping punctuation and folding script)")
    real = measure("real human speech (tests/data/speech-real)", real_recordings(), opts, engine)
    synthetic = measure(
        "synthetic TTS speech (tests/data/speech)", synthetic_recordings(), opts, engine
    )
    print("\nsummary            bare    Yishi")
    for name, (bare, yishi) in (("real", real), ("synthetic", synthetic)):
        print(f"  {name:<14} {bare.cer:7.2%} {yishi.cer:7.2%}")


if __name__ == "__main__":
    main()
