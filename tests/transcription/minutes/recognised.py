"""Scoring directives drafted from recognised speech against labels written on clean text."""

from __future__ import annotations

import re

from transcription.metrics import normalise_for_cer

# A label matches a drafted directive when this share of its quote's characters is found, in
# order, in the directive's text: recognised text garbles characters and drops punctuation.
MATCH_SHARE = 0.6
# A listed "directive" that only hands over the floor: 請X局報告, 接下來請…, 有請…, …報告一下.
FLOOR_GIVING = re.compile(
    r"(?:接下來|下一個|那|先|再|有)請|請.{1,14}?(?:報告|說明|簡報|補充|回應|答復|發言)(?:一下)?\W*$"
    r"|報告一下|先講"
)


def squash(text: str) -> str:
    """Letters and digits only, numbers read out as the CER reads them ("9月" = "九月")."""
    return "".join(ch for ch in normalise_for_cer(text) if ch.isalnum())


def in_order_share(quote: str, text: str) -> float:
    """The share of the quote's characters found in order in the text (longest common subsequence)."""
    quote, text = squash(quote), squash(text)
    if not quote:
        return 0.0
    row = [0] * (len(text) + 1)
    for q in quote:
        previous = 0
        for j, t in enumerate(text, start=1):
            keep = row[j]
            row[j] = previous + 1 if q == t else max(row[j], row[j - 1])
            previous = keep
    return row[-1] / len(quote)


def match(quotes: list[str], texts: list[str]) -> dict[int, int]:
    """Labels (by quote) to drafted directives (by text), one to one, best overlap first."""
    pairs = sorted(
        ((in_order_share(q, t), i, j) for i, q in enumerate(quotes) for j, t in enumerate(texts)),
        reverse=True,
    )
    found: dict[int, int] = {}
    for share, i, j in pairs:
        if share >= MATCH_SHARE and i not in found and j not in found.values():
            found[i] = j
    return found
