from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from transcription import TranscribeOptions, load_engine
from transcription.whisper import WhisperEngine


@pytest.fixture(scope="session")
def engine(model_cache: Path) -> WhisperEngine:
    """The real bundled Whisper base model, loaded once per test run."""
    return load_engine(TranscribeOptions(cache_dir=model_cache))


@pytest.fixture()
def options(model_cache: Path) -> TranscribeOptions:
    from yishi.config import get_settings

    return TranscribeOptions.from_settings(get_settings())


def write_audio(
    path: Path,
    samples: np.ndarray,
    *,
    rate: int = 16000,
    codec: str = "pcm_s16le",
    video: bool = False,
) -> Path:
    """Write mono float samples in ``path``'s container, optionally with a video track."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
    with av.open(str(path), "w") as out:
        if video:
            picture = out.add_stream("mpeg4", rate=10)
            picture.width, picture.height, picture.pix_fmt = 64, 48, "yuv420p"
        sound = out.add_stream(codec, rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = rate
        frame.pts = None
        for packet in sound.encode(frame):
            out.mux(packet)
        for packet in sound.encode(None):
            out.mux(packet)
        if video:
            seconds = pcm.shape[1] / rate
            for index in range(int(seconds * 10)):
                image = av.VideoFrame.from_ndarray(
                    np.full((48, 64, 3), index % 255, np.uint8), format="rgb24"
                )
                image.pts = index
                for packet in picture.encode(image):
                    out.mux(packet)
            for packet in picture.encode(None):
                out.mux(packet)
    return path


def read_audio(path: Path, rate: int = 16000) -> np.ndarray:
    with av.open(str(path)) as inp:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
        blocks = [
            f.to_ndarray().reshape(-1)
            for frame in inp.decode(audio=0)
            for f in resampler.resample(frame)
        ]
    return np.concatenate(blocks).astype(np.float32) / 32768.0
