"""Speaker labels: accuracy (DER, speaker count), speed and memory.

    python bench/speakers.py            # everything (about 10 minutes on 2 cores)
    python bench/speakers.py --quick    # accuracy on the short meetings only

Meetings are assembled from the synthetic voice bank (tests/speaker_fixtures.py) with exact
reference turns. DER uses the standard 0.25 s collar and counts overlapping speech (the second
voice of an overlap is always missed: one label per moment). Speed and memory are measured in
child processes reading WAV files in windows, as the product does; "added to transcription" is
diarization time over transcription time in the same ``transcribe`` run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._memory import peak_mb  # noqa: E402
from tests.speaker_fixtures import bank_voices, build_meeting  # noqa: E402
from transcription.speakers.der import diarization_error  # noqa: E402
from transcription.speakers.diarize import Diarization  # noqa: E402
from transcription.speakers.model import load_encoder  # noqa: E402
from transcription.speakers.service import diarize_recording  # noqa: E402

# (speakers, minutes, seed, SNR dB or None)
ACCURACY = [
    (2, 2, 1, None),
    (2, 10, 2, None),
    (3, 5, 3, None),
    (4, 10, 4, None),
    (4, 10, 5, 10.0),
    (5, 10, 6, None),
    (6, 10, 7, None),
    (6, 30, 8, None),
]
QUICK = [*ACCURACY[:4], ACCURACY[6]]


def _voices(count: int, seed: int) -> list[str]:
    bank = bank_voices()
    if count <= len(bank):
        start = seed % len(bank)
        return [bank[(start + i) % len(bank)] for i in range(count)]
    # More speakers than the bank: resampled variants (pitch and formants shifted together).
    factors = [1.0, 0.9, 1.1, 0.82, 1.2]
    return [
        bank[i % len(bank)] + ("" if f == 1.0 else f"*{f}")
        for i, f in enumerate(factors[k // len(bank)] for k in range(count))
    ]


def _turns(diarization: Diarization) -> list[tuple[float, float, str]]:
    return [(t.start, t.end, f"S{t.speaker}") for t in diarization.turns]


def accuracy(cases: list[tuple[int, int, int, float | None]]) -> None:
    encoder = load_encoder()
    print("── accuracy (DER with 0.25 s collar; auto = speaker count estimated) ──")
    print(
        f"{'meeting':<26}{'found':>6}{'DER auto':>10}{'miss':>7}{'FA':>6}{'conf':>7}{'DER given N':>13}"
    )
    right, ders = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        for count, minutes, seed, snr in cases:
            meeting = build_meeting(_voices(count, seed), minutes, seed=seed, snr_db=snr)
            wav = meeting.write(Path(tmp) / f"m{seed}.wav")
            auto = diarize_recording(wav, encoder)
            given = diarize_recording(wav, encoder, speakers=count)
            report = diarization_error(meeting.turns, _turns(auto))
            oracle = diarization_error(meeting.turns, _turns(given))
            right += auto.speakers == count
            ders.append(report.der)
            label = f"{count} spk {minutes:>2} min" + (f" SNR {snr:.0f} dB" if snr else "")
            ref = report.reference_seconds
            print(
                f"{label:<26}{auto.speakers:>6}{report.der:>10.1%}{report.missed / ref:>7.1%}"
                f"{report.false_alarm / ref:>6.1%}{report.confusion / ref:>7.1%}{oracle.der:>13.1%}"
            )
    print(f"speaker count right: {right}/{len(cases)}; mean DER {sum(ders) / len(ders):.1%}")


def _child(args: list[str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(mode: str, wav: str) -> None:
    started = time.perf_counter()
    if mode == "diarize":
        diarization = diarize_recording(Path(wav), load_encoder())
        result = {"speakers": diarization.speakers, "windows": diarization.windows}
    else:
        from transcription.pipeline import TranscribeOptions, transcribe

        transcript = transcribe(Path(wav), options=TranscribeOptions(speakers="auto"))
        result = {
            "speakers": len(transcript.speakers),
            "processing": transcript.stats.processing_seconds,
            "diarization": transcript.stats.diarization_seconds,
        }
    result["seconds"] = time.perf_counter() - started
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


def speed(hours_long: float) -> None:
    print("── speed and memory (child processes, WAV read in 10-minute windows) ──")
    lengths = [(10, 4), (60, 8)] + ([(int(hours_long * 60), 22)] if hours_long else [])
    with tempfile.TemporaryDirectory() as tmp:
        for minutes, count in lengths:
            meeting = build_meeting(_voices(count, minutes), minutes, seed=minutes)
            wav = meeting.write(Path(tmp) / f"long{minutes}.wav")
            seconds = meeting.seconds
            del meeting
            result = _child(["diarize", str(wav)])
            print(
                f"{minutes:>4} min, {count:>2} speakers: diarization {result['seconds']:.1f} s "
                f"(RTF {result['seconds'] / seconds:.4f}), found {result['speakers']}, "
                f"peak RSS {result['peak_mb']:.0f} MB"
            )
            if minutes == 10:
                both = _child(["transcribe", str(wav)])
                transcription = both["processing"] - both["diarization"]
                print(
                    f"     transcribe --speakers auto: {both['processing']:.1f} s, of which "
                    f"diarization {both['diarization']:.1f} s = "
                    f"+{both['diarization'] / transcription:.0%} on transcription "
                    f"({transcription:.1f} s); peak RSS {both['peak_mb']:.0f} MB"
                )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--hours", type=float, default=3.0, help="the long-meeting test (0: skip)")
    parser.add_argument("--child", nargs=2)
    parser.add_argument("--speed-only", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if not args.speed_only:
        accuracy(QUICK if args.quick else ACCURACY)
    if not args.quick:
        speed(args.hours)


if __name__ == "__main__":
    main()
