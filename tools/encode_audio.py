"""Encode a WAV fixture into another container/codec with PyAV (used to make tests/data)."""

from __future__ import annotations

import argparse
from pathlib import Path

import av
import numpy as np

CODECS = {
    ".mp3": "mp3",
    ".m4a": "aac",
    ".ogg": "libopus",
    ".webm": "libopus",
    ".flac": "flac",
    ".wav": "pcm_s16le",
}


def encode(source: Path, target: Path, *, rate: int = 16000, bitrate: int = 32000) -> None:
    with av.open(str(source)) as inp:
        resampler = av.AudioResampler(
            format="s16", layout="mono", rate=48000 if target.suffix in {".ogg", ".webm"} else rate
        )
        frames = [f for frame in inp.decode(audio=0) for f in resampler.resample(frame)]
    samples = np.concatenate([f.to_ndarray().reshape(-1) for f in frames])
    out_rate = frames[0].sample_rate
    with av.open(str(target), "w") as out:
        stream = out.add_stream(CODECS[target.suffix], rate=out_rate, layout="mono")
        if target.suffix not in {".flac", ".wav"}:
            stream.bit_rate = bitrate
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = out_rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--bitrate", type=int, default=32000)
    args = parser.parse_args()
    encode(args.source, args.target, bitrate=args.bitrate)
