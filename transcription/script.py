"""Traditional script for Taiwan: OpenCC ``s2tw`` with the glossary winning over it."""

from __future__ import annotations

import re

from transcription.glossary import Glossary
from yishi.zh import to_simplified, to_taiwan

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_HALF_TO_FULL = {",": "，", "?": "？", "!": "！", ";": "；", ":": "：", ".": "。"}
# Private-use code points: OpenCC passes them through untouched.
_PLACEHOLDER_BASE = 0xF0000


__all__ = ["ScriptConverter", "normalise_punctuation", "to_simplified"]


class ScriptConverter:
    """Convert recognised text to Taiwan Traditional script, applying the glossary."""

    def __init__(self, glossary: Glossary) -> None:
        self._canonical: dict[str, str] = {}
        for term in glossary.terms:
            for key in (term.term, *term.variants):
                for form in (key, to_simplified(key)):
                    self._canonical.setdefault(form, term.term)
        keys = sorted(self._canonical, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, keys))) if keys else None
        self._terms: list[str] = []

    def convert(self, text: str) -> str:
        protected, found = self._protect(text)
        converted = to_taiwan(protected)
        return normalise_punctuation(self._restore(converted, found))

    def _protect(self, text: str) -> tuple[str, list[str]]:
        if self._pattern is None:
            return text, []
        found: list[str] = []

        def hold(match: re.Match[str]) -> str:
            found.append(self._canonical[match.group(0)])
            return chr(_PLACEHOLDER_BASE + len(found) - 1)

        return self._pattern.sub(hold, text), found

    @staticmethod
    def _restore(text: str, found: list[str]) -> str:
        for index, term in enumerate(found):
            text = text.replace(chr(_PLACEHOLDER_BASE + index), term)
        return text


# Small-form punctuation (U+FE50…) that the recogniser writes now and then: "衛工處﹐".
_SMALL_FORMS = str.maketrans("﹐﹑﹒﹔﹕﹖﹗", "，、。；：？！")


def normalise_punctuation(text: str) -> str:
    """Full-width punctuation and no stray spaces between Chinese characters."""
    text = text.translate(_SMALL_FORMS)
    text = re.sub(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])", "", text.strip())
    text = re.sub(
        rf"(?<=[{_CJK}])([,?!;:])|([,?!;:])(?=[{_CJK}])",
        lambda m: _HALF_TO_FULL[m.group(1) or m.group(2)],
        text,
    )
    text = re.sub(rf"(?<=[{_CJK}])\.(?=\s|$)", "。", text)
    return text
