"""What every ``yishi`` subcommand shares: the consoles, the error guard, the audio progress bar.

The command modules (``yishi/cli_*.py``) import from here, never from ``yishi.cli``, which
imports them to register their commands: no import circle.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from yishi.config import get_settings
from yishi.errors import YishiError

if TYPE_CHECKING:
    from transcription.schema import Transcript

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

T = TypeVar("T")


def run_guarded(action: Callable[[], T]) -> T:
    """Run a command body; turn every failure into one zh-TW line and a non-zero exit."""
    try:
        return action()
    except (typer.Exit, typer.Abort):
        raise
    except YishiError as exc:
        err.print(f"[bold red]錯誤：[/]{exc.message}", highlight=False)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err.print("已中斷，未寫出任何檔案。")
        raise typer.Exit(130) from None
    except ValidationError as exc:
        if exc.title != "Settings":
            raise
        err.print(f"[bold red]錯誤：[/]{settings_error(exc)}", highlight=False)
        raise typer.Exit(78) from None  # EX_CONFIG
    except Exception as exc:
        if get_settings().debug:
            raise
        err.print(
            f"[bold red]錯誤：[/]發生未預期的錯誤（{type(exc).__name__}：{exc}）；"
            "設定 YISHI_DEBUG=1 可看完整訊息",
            highlight=False,
        )
        raise typer.Exit(70) from None


def settings_error(exc: ValidationError) -> str:
    """One zh-TW line naming each setting (its YISHI_ variable) whose value cannot be used."""
    problems = []
    for error in exc.errors():
        name = "YISHI_" + "_".join(str(part) for part in error["loc"]).upper()
        value = error.get("input")
        kind = error["type"]
        if kind == "literal_error":
            expected = str(error.get("ctx", {}).get("expected", "")).replace("'", "")
            allowed = expected.replace(", ", "、").replace(" or ", " 或 ")
            why = f"須為 {allowed}"
        elif kind == "bool_parsing":
            why = "須為 true 或 false"
        elif kind in ("int_parsing", "float_parsing"):
            why = "須為數字"
        elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
            limit = next(iter(error.get("ctx", {}).values()), "")
            sign = {"greater_than": ">", "greater_than_equal": "≥", "less_than": "<",
                    "less_than_equal": "≤"}[kind]  # fmt: skip
            why = f"須 {sign} {limit}"
        else:
            why = "格式不正確"
        problems.append(f"{name}={value}（{why}）")
    return "設定值無效：" + "；".join(problems) + "。請修正環境變數或 .env 後再試。"


def label_names(result: Transcript, speaker_names: Path | None) -> Transcript:
    """Name a labelled transcript's speakers (cues, enrolled voices, names file)."""
    if not result.speakers and speaker_names is None:
        return result
    from transcription.speakers.service import name_speakers
    from yishi.db import get_engine

    settings = get_settings()
    return name_speakers(
        result,
        engine=get_engine(settings),
        names_file=speaker_names,
        threshold=settings.speaker_match_threshold,
    )


def speaker_summary(result: Transcript) -> str:
    parts = [f"{s.name} {hms(s.seconds)}" for s in result.speakers]
    return f"共 {len(result.speakers)} 位發言者：" + "、".join(parts)


class AudioProgress:
    """A rich progress bar counted in seconds of audio, with an ETA."""

    def __init__(self, quiet: bool, total: float | None) -> None:
        self._progress = Progress(
            TextColumn("轉寫中"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[clock]}"),
            TimeElapsedColumn(),
            TextColumn("剩餘"),
            TimeRemainingColumn(),
            console=err,
            disable=quiet or not show_progress(),
        )
        self._task = self._progress.add_task("transcribe", total=total, clock="")
        self._total = total

    def __enter__(self) -> Callable[[float, float | None], None]:
        self._progress.start()
        return self.advance

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def advance(self, done: float, total: float | None) -> None:
        shown_total = total or self._total
        clock = f"{hms(done)} / {hms(shown_total)}" if shown_total else hms(done)
        self._progress.update(self._task, completed=done, total=shown_total, clock=clock)


def show_progress() -> bool:
    mode = get_settings().progress
    return mode == "always" or (mode == "auto" and err.is_terminal)


def hms(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def speed(rtf: float) -> str:
    return f"{1 / rtf:.1f} 倍即時速度" if rtf > 0 else "—"
