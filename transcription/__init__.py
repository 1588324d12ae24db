"""Speech to zh-TW text: ``transcribe(path, options=...)`` and the transcript writers."""

from transcription.audio import AudioInfo, probe
from transcription.glossary import Glossary, GlossaryTerm, default_glossary, load_glossary
from transcription.guards import FLAG_LABELS
from transcription.metrics import character_error_rate
from transcription.pipeline import (
    NOTE_NO_SPEECH,
    ProgressCallback,
    TranscribeOptions,
    load_engine,
    transcribe,
)
from transcription.schema import Segment, Transcript, Word
from transcription.script import ScriptConverter
from transcription.writers import FORMATS, ensure_writable_dir, parse_formats, write_transcript

__all__ = [
    "FLAG_LABELS",
    "FORMATS",
    "NOTE_NO_SPEECH",
    "AudioInfo",
    "Glossary",
    "GlossaryTerm",
    "ProgressCallback",
    "ScriptConverter",
    "Segment",
    "TranscribeOptions",
    "Transcript",
    "Word",
    "character_error_rate",
    "default_glossary",
    "ensure_writable_dir",
    "load_engine",
    "load_glossary",
    "parse_formats",
    "probe",
    "transcribe",
    "write_transcript",
]
