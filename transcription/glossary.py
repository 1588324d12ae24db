"""The municipal glossary: names, agencies and terms that Whisper must get right."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from yishi.errors import InputError, NotFound

# Whisper's prompt holds at most 223 tokens, shared by the initial prompt and hotwords;
# about one token a Chinese character, so hotwords get a fixed share.
HOTWORD_CHAR_BUDGET = 60


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    variants: tuple[str, ...] = ()
    hotword: bool = False
    # Words said beside the term that let a near-sounding mishearing be restored (主席 for 裁示).
    context: tuple[str, ...] = ()


@dataclass(frozen=True)
class Glossary:
    terms: tuple[GlossaryTerm, ...]
    sources: tuple[str, ...] = ()

    def hotwords(self, budget: int = HOTWORD_CHAR_BUDGET) -> str:
        """The hotword terms, user terms first, joined within Whisper's prompt budget."""
        chosen: list[str] = []
        used = 0
        for term in self.terms:
            if not term.hotword or term.term in chosen:
                continue
            if used + len(term.term) + 1 > budget:
                break
            chosen.append(term.term)
            used += len(term.term) + 1
        return " ".join(chosen)

    def __add__(self, other: Glossary) -> Glossary:
        return Glossary(self.terms + other.terms, self.sources + other.sources)


def default_glossary() -> Glossary:
    text = resources.files("transcription").joinpath("data/glossary.yaml").read_text("utf-8")
    return Glossary(_parse_yaml(text, "glossary.yaml"), ("built-in",))


def load_glossary(path: Path | None, *, include_default: bool = True) -> Glossary:
    """The user's glossary file (YAML or plain text) ahead of the built-in one."""
    base = default_glossary() if include_default else Glossary(())
    if path is None:
        return base
    if not path.is_file():
        raise NotFound(f"找不到詞彙表檔案：{path}")
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"詞彙表必須是 UTF-8 文字檔：{path.name}") from exc
    if path.suffix.lower() in {".yaml", ".yml"}:
        terms = _parse_yaml(text, path.name)
    else:
        terms = _parse_text(text, path.name)
    return Glossary(terms, (str(path),)) + base


def _parse_yaml(text: str, name: str) -> tuple[GlossaryTerm, ...]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"詞彙表 {name} 不是有效的 YAML") from exc
    entries = data.get("terms", []) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise InputError(f"詞彙表 {name} 應有 terms 清單")
    terms = []
    for number, entry in enumerate(entries, 1):
        if isinstance(entry, str):
            entry = {"term": entry, "hotword": True}
        if not isinstance(entry, dict) or not str(entry.get("term") or "").strip():
            raise InputError(f"詞彙表 {name} 第 {number} 項缺少 term")
        variants = entry.get("variants") or []
        if not isinstance(variants, list):
            raise InputError(f"詞彙表 {name} 第 {number} 項的 variants 應為清單")
        context = entry.get("context") or []
        if not isinstance(context, list):
            raise InputError(f"詞彙表 {name} 第 {number} 項的 context 應為清單")
        terms.append(
            GlossaryTerm(
                term=str(entry["term"]).strip(),
                variants=tuple(str(v).strip() for v in variants if str(v).strip()),
                hotword=bool(entry.get("hotword", False)),
                context=tuple(str(c).strip() for c in context if str(c).strip()),
            )
        )
    return tuple(terms)


def _parse_text(text: str, name: str) -> tuple[GlossaryTerm, ...]:
    """One term a line; ``正確詞 = 誤寫一, 誤寫二`` adds forced replacements."""
    terms = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        term, _, rest = line.partition("=")
        term = term.strip()
        if not term:
            raise InputError(f"詞彙表 {name} 第 {number} 行缺少詞彙")
        variants = tuple(v.strip() for v in rest.replace("，", ",").split(",") if v.strip())
        terms.append(GlossaryTerm(term=term, variants=variants, hotword=True))
    return tuple(terms)
