"""Real human Mandarin (AISHELL-1 test utterances), not TTS: the pipeline must still read it."""

from __future__ import annotations

import pytest

from tests.conftest import DATA
from transcription import TranscribeOptions, character_error_rate, transcribe
from transcription.whisper import WhisperEngine

pytestmark = pytest.mark.slow

REAL = DATA / "speech-real"


def references() -> dict[str, str]:
    rows = (REAL / "index.tsv").read_text("utf-8").splitlines()[1:]
    return {name: text for name, _seconds, text in (row.split("\t") for row in rows if row)}


@pytest.mark.parametrize("name", sorted(references()))
def test_real_read_speech_is_transcribed(
    name: str, options: TranscribeOptions, engine: WhisperEngine
) -> None:
    transcript = transcribe(REAL / name, options=options, engine=engine)
    # Whisper base gets these within one character; a broken decode, resampler, VAD or
    # script step misses most of the sentence.
    assert character_error_rate(references()[name], transcript.text) < 0.3
