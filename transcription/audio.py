"""Decode any recording PyAV/FFmpeg can read into 16 kHz mono windows (the only ``av`` importer)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import av.error
import numpy as np

from yishi.errors import InputError, NotFound

SAMPLE_RATE = 16000
# Where to look for a quiet cut point before a window's end, and how long that quiet must be.
CUT_SEARCH_SECONDS = 30.0
CUT_QUIET_SECONDS = 0.3


@dataclass(frozen=True)
class AudioInfo:
    path: Path
    size_bytes: int
    duration: float | None
    codec: str
    sample_rate: int
    channels: int


@dataclass(frozen=True)
class AudioWindow:
    offset: float
    samples: np.ndarray

    @property
    def end(self) -> float:
        return self.offset + len(self.samples) / SAMPLE_RATE


@dataclass
class DecodeReport:
    """What decoding met on the way; filled in while windows are read."""

    decoded_seconds: float = 0.0
    skipped_packets: int = 0


def probe(path: Path, *, max_bytes: int | None = None) -> AudioInfo:
    """Check that ``path`` is a readable recording with an audio track."""
    if not path.exists():
        raise NotFound(f"找不到檔案：{path}")
    if not path.is_file():
        raise InputError(f"不是檔案：{path}")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"檔案是空的（0 位元組）：{path.name}")
    if max_bytes is not None and size > max_bytes:
        raise InputError(
            f"檔案過大：{path.name} 有 {size / 1024**2:,.0f} MB，"
            f"上限為 {max_bytes / 1024**2:,.0f} MB"
        )
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise InputError(f"檔案中沒有音訊軌：{path.name}")
            stream = container.streams.audio[0]
            return AudioInfo(
                path=path,
                size_bytes=size,
                duration=_duration(container, stream),
                codec=stream.codec_context.name,
                sample_rate=stream.codec_context.sample_rate or 0,
                channels=stream.codec_context.channels or 0,
            )
    except av.error.FFmpegError as exc:
        raise InputError(
            f"無法讀取音訊：{path.name} 不是可辨識的音訊或影片檔，或檔案已損毀",
            detail=str(exc),
        ) from exc


def check_decodes(path: Path, *, seconds: float = 5.0) -> float:
    """Decode the first ``seconds`` of audio: a file is a recording only if it decodes.

    Returns the seconds decoded (0 for a file with an audio track and no sound in it).
    A renamed text file, a truncated upload or an image with an audio extension fails here
    with a clear message, before anything is stored or queued.
    """
    decoded = 0.0
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise InputError(f"檔案中沒有音訊軌：{path.name}")
            stream = container.streams.audio[0]
            for frame in container.decode(stream):
                decoded += frame.samples / (frame.sample_rate or SAMPLE_RATE)
                if decoded >= seconds:
                    break
    except av.error.FFmpegError as exc:
        raise InputError(
            f"無法讀取音訊：{path.name} 不是可辨識的音訊或影片檔，或檔案已損毀",
            detail=str(exc),
        ) from exc
    if decoded <= 0:
        raise InputError(f"無法讀取音訊：{path.name} 解碼不出任何聲音")
    return decoded


def iter_windows(
    path: Path, *, window_seconds: float, report: DecodeReport | None = None
) -> Iterator[AudioWindow]:
    """Yield consecutive windows of about ``window_seconds``, each cut at a quiet moment."""
    report = report if report is not None else DecodeReport()
    window = int(window_seconds * SAMPLE_RATE)
    pending: list[np.ndarray] = []
    pending_len = 0
    offset = 0
    for block in _iter_pcm(path, report):
        pending.append(block)
        pending_len += len(block)
        if pending_len < window + int(CUT_SEARCH_SECONDS * SAMPLE_RATE):
            continue
        buffer = np.concatenate(pending)
        cut = quiet_cut(buffer, target=window)
        yield AudioWindow(offset=offset / SAMPLE_RATE, samples=buffer[:cut])
        offset += cut
        pending, pending_len = [buffer[cut:]], len(buffer) - cut
    if pending_len:
        yield AudioWindow(offset=offset / SAMPLE_RATE, samples=np.concatenate(pending))


def quiet_cut(samples: np.ndarray, *, target: int) -> int:
    """Return the sample index of the quietest stretch in the search span ending at ``target``."""
    search = int(CUT_SEARCH_SECONDS * SAMPLE_RATE)
    start = max(0, target - search)
    frame = SAMPLE_RATE // 50  # 20 ms
    span = samples[start:target]
    frames = len(span) // frame
    if frames < 2:
        return target
    energy = np.square(span[: frames * frame].reshape(frames, frame)).mean(axis=1)
    quiet = max(1, int(CUT_QUIET_SECONDS * 50))
    smoothed = np.convolve(energy, np.ones(quiet) / quiet, mode="same")
    return start + int(np.argmin(smoothed)) * frame + frame // 2


def _iter_pcm(path: Path, report: DecodeReport) -> Iterator[np.ndarray]:
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        raise InputError(f"無法讀取音訊：{path.name} 已損毀", detail=str(exc)) from exc
    with container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        packets = 0
        for packet in _demux(container, stream, path):
            packets += 1
            try:
                frames = packet.decode()
            except av.error.FFmpegError:
                # A damaged packet loses a few milliseconds; FFmpeg's own tools skip it too.
                report.skipped_packets += 1
                continue
            for frame in frames:
                if isinstance(frame, av.AudioFrame):
                    yield from _resampled(resampler, frame, report)
        yield from _resampled(resampler, None, report)
        if report.decoded_seconds == 0 and report.skipped_packets:
            raise InputError(f"無法解碼音訊：{path.name} 的音訊資料已損毀")
        if packets and report.skipped_packets > max(3, packets // 20):
            raise InputError(
                f"音訊損毀過多：{path.name} 有 {report.skipped_packets} 個封包無法解碼"
            )


def _demux(
    container: av.container.InputContainer, stream: av.AudioStream, path: Path
) -> Iterator[av.Packet[av.AudioStream]]:
    try:
        yield from container.demux(stream)
    except av.error.FFmpegError as exc:
        raise InputError(
            f"音訊讀到一半中斷：{path.name} 可能不完整或已損毀", detail=str(exc)
        ) from exc


def _resampled(
    resampler: av.AudioResampler, frame: av.AudioFrame | None, report: DecodeReport
) -> Iterator[np.ndarray]:
    for out in resampler.resample(frame):
        block = out.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
        report.decoded_seconds += len(block) / SAMPLE_RATE
        yield block


def _duration(container: av.container.InputContainer, stream: av.AudioStream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None
