"""Transcription benchmark: speed, memory and accuracy of Yishi's pipeline vs bare faster-whisper.

    python bench/transcribe.py [--audio samples/sample_meeting.m4a] [--long 10,60]

Prints, for one recording with a reference transcript: real-time factor, CER and the ratio
of Yishi's full pipeline time to a bare ``BatchedInferencePipeline.transcribe`` call with the
same model and settings, both measured in this run. Then peak memory (RSS) of each, each in
its own process, on recordings of N minutes built by repeating the sample.
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
from transcription import TranscribeOptions, character_error_rate, load_engine, transcribe  # noqa: E402
from transcription.script import ScriptConverter  # noqa: E402
from yishi.config import get_settings  # noqa: E402


def options() -> TranscribeOptions:
    return TranscribeOptions.from_settings(get_settings())


def bare_transcribe(path: Path, opts: TranscribeOptions, model_dir: str, threads: int) -> str:
    """faster-whisper as its README shows it, with Yishi's model and decoding settings."""
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=threads)
    return _bare_run(BatchedInferencePipeline(model), path, opts)


def _bare_run(pipeline: object, path: Path, opts: TranscribeOptions) -> str:
    decode = opts.decode_options("cpu")
    segments, _ = pipeline.transcribe(  # type: ignore[attr-defined]
        str(path),
        language=decode.language,
        beam_size=decode.beam_size,
        batch_size=decode.batch_size,
        initial_prompt=decode.initial_prompt,
        hotwords=decode.hotwords,
        without_timestamps=True,
        word_timestamps=decode.word_timestamps,
        vad_filter=True,
        vad_parameters={
            "threshold": decode.vad_threshold,
            "min_silence_duration_ms": decode.vad_min_silence_ms,
            "speech_pad_ms": decode.vad_speech_pad_ms,
        },
    )
    return "".join(segment.text for segment in segments)


def speed_and_accuracy(audio: Path, repeats: int) -> dict[str, float]:
    from faster_whisper import BatchedInferencePipeline

    opts = options()
    engine = load_engine(opts)
    bare = BatchedInferencePipeline(engine._model)  # the same loaded model for both
    reference = audio.with_suffix(".txt").read_text("utf-8")
    yishi_times, bare_times = [], []
    for _ in range(repeats):  # alternate so machine noise hits both alike
        started = time.perf_counter()
        result = transcribe(audio, options=opts, engine=engine)
        yishi_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        bare_text = _bare_run(bare, audio, opts)
        bare_times.append(time.perf_counter() - started)
    duration = result.source.duration
    bare_converted = ScriptConverter(opts.glossary).convert(bare_text)
    return {
        "audio_seconds": duration,
        "yishi_seconds": min(yishi_times),
        "bare_seconds": min(bare_times),
        "times_real_time": duration / min(yishi_times),
        "rtf": min(yishi_times) / duration,
        "pipeline_to_bare_ratio": min(yishi_times) / min(bare_times),
        "cer": character_error_rate(reference, result.text),
        "cer_bare_opencc_glossary": character_error_rate(reference, bare_converted),
        "flagged_segments": result.stats.flagged_segments,
    }


def build_long_recording(sample: Path, minutes: int, directory: Path) -> tuple[Path, str]:
    import av
    import numpy as np

    with av.open(str(sample)) as source:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=16000)
        pcm = np.concatenate(
            [
                f.to_ndarray().reshape(-1)
                for fr in source.decode(audio=0)
                for f in resampler.resample(fr)
            ]
        )
    gap = np.zeros(32000, np.int16)
    unit = np.concatenate([pcm, gap])
    copies = int(np.ceil(minutes * 60 * 16000 / len(unit)))
    target = directory / f"meeting-{minutes}min.m4a"
    with av.open(str(target), "w") as out:
        stream = out.add_stream("aac", rate=16000, layout="mono")
        stream.bit_rate = 32000
        for _ in range(copies):  # encode copy by copy: the builder itself stays small too
            frame = av.AudioFrame.from_ndarray(unit.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = 16000
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    reference = sample.with_suffix(".txt").read_text("utf-8") * copies
    return target, reference


def child(mode: str, audio: Path, reference_file: Path) -> None:
    opts = options()
    started = time.perf_counter()
    if mode == "yishi":
        text = transcribe(audio, options=opts).text
    else:
        engine_dir = load_engine(opts).source.location
        text = ScriptConverter(opts.glossary).convert(
            bare_transcribe(audio, opts, engine_dir, load_engine(opts).cpu_threads)
        )
    elapsed = time.perf_counter() - started
    peak = peak_mb()
    cer = character_error_rate(reference_file.read_text("utf-8"), text)
    print(json.dumps({"seconds": elapsed, "peak_mb": peak, "cer": cer}))


def memory_run(mode: str, audio: Path, reference: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(audio), str(reference)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--audio", type=Path, default=ROOT / "samples" / "sample_meeting.m4a")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--long", default="10,60", help="minutes for the memory runs; '' skips")
    parser.add_argument(
        "--bare-memory", action="store_true", help="also measure bare faster-whisper"
    )
    parser.add_argument("--child", nargs=3, metavar=("MODE", "AUDIO", "REFERENCE"))
    args = parser.parse_args()
    if args.child:
        mode, audio, reference = args.child
        child(mode, Path(audio), Path(reference))
        return

    figures = speed_and_accuracy(args.audio, args.repeats)
    print(f"recording            {args.audio.name} ({figures['audio_seconds']:.1f} s)")
    speed = f"{figures['times_real_time']:.1f}x real time (RTF {figures['rtf']:.3f})"
    print(f"Yishi pipeline       {figures['yishi_seconds']:.2f} s  = {speed}")
    print(f"bare faster-whisper  {figures['bare_seconds']:.2f} s  (same model, same settings)")
    print(f"pipeline / bare      {figures['pipeline_to_bare_ratio']:.3f}")
    bare_cer = f"bare + OpenCC + glossary: {figures['cer_bare_opencc_glossary']:.2%}"
    print(f"CER                  {figures['cer']:.2%}  ({bare_cer})")
    print(f"flagged segments     {figures['flagged_segments']}")
    minutes = [int(m) for m in args.long.split(",") if m.strip()]
    if not minutes:
        return
    with tempfile.TemporaryDirectory() as tmp:
        for length in minutes:
            audio, reference_text = build_long_recording(args.audio, length, Path(tmp))
            reference = Path(tmp) / f"ref-{length}.txt"
            reference.write_text(reference_text, "utf-8")
            modes = ["yishi", "bare"] if args.bare_memory else ["yishi"]
            for mode in modes:
                run = memory_run(mode, audio, reference)
                print(
                    f"{length:>3} min  {mode:<5}  peak RSS {run['peak_mb']:7.0f} MB  "
                    f"{length * 60 / run['seconds']:5.1f}x real time  CER {run['cer']:.2%}"
                )


if __name__ == "__main__":
    main()
