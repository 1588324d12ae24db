"""Kaldi-compatible 80-band log mel filterbank, the input CAM++ was trained on.

Same settings as Kaldi's ``compute-fbank-feats`` with 3D-Speaker's options: 25 ms frames every
10 ms (edges snipped), DC removal, pre-emphasis 0.97, Povey window, 512-point power spectrum,
80 triangular mel bands from 20 Hz to Nyquist, natural log. No dither: features are
deterministic.
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 16000
FRAME = 400  # 25 ms
HOP = 160  # 10 ms
FFT = 512
BANDS = 80
_LOW_HZ = 20.0
_PREEMPHASIS = 0.97


def _mel(hz: np.ndarray | float) -> np.ndarray:
    return 1127.0 * np.log1p(np.asarray(hz, np.float64) / 700.0)


def _mel_banks() -> np.ndarray:
    bins = FFT // 2
    low, high = _mel(_LOW_HZ), _mel(SAMPLE_RATE / 2)
    delta = (high - low) / (BANDS + 1)
    mels = _mel(np.arange(bins) * SAMPLE_RATE / FFT)
    left = low + np.arange(BANDS)[:, None] * delta
    centre, right = left + delta, left + 2 * delta
    rising = (mels - left) / (centre - left)
    falling = (right - mels) / (right - centre)
    weights = np.where(mels <= centre, rising, falling)
    weights[(mels <= left) | (mels >= right)] = 0.0
    banks = np.zeros((BANDS, bins + 1))
    banks[:, :bins] = weights
    return banks


_BANKS = _mel_banks()
_WINDOW = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME) / (FRAME - 1))) ** 0.85


def frame_count(samples: int) -> int:
    return 0 if samples < FRAME else 1 + (samples - FRAME) // HOP


def fbank(samples: np.ndarray) -> np.ndarray:
    """(frames, 80) log filterbank of 16 kHz float samples in [-1, 1]."""
    count = frame_count(len(samples))
    if count == 0:
        return np.zeros((0, BANDS), np.float32)
    scaled = samples.astype(np.float64) * 32768.0
    frames = np.lib.stride_tricks.sliding_window_view(scaled, FRAME)[::HOP][:count]
    frames = frames - frames.mean(axis=1, keepdims=True)
    emphasised = np.empty_like(frames)
    emphasised[:, 1:] = frames[:, 1:] - _PREEMPHASIS * frames[:, :-1]
    emphasised[:, 0] = frames[:, 0] * (1 - _PREEMPHASIS)
    spectrum = np.fft.rfft(emphasised * _WINDOW, n=FFT)
    power = spectrum.real**2 + spectrum.imag**2
    energies = power @ _BANKS.T
    return np.log(np.maximum(energies, np.finfo(np.float32).eps)).astype(np.float32)
