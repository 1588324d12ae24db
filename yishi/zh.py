"""Chinese script conversion with OpenCC (the only ``opencc`` importer)."""

from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → Simplified, for matching text written in either script."""
    return str(_converter("t2s").convert(text))


def to_taiwan(text: str) -> str:
    """Simplified → Traditional with Taiwan usage (s2twp: 軟件 → 軟體)."""
    return str(_converter("s2twp").convert(text))
