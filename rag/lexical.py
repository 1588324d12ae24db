"""BM25 over character unigrams and bigrams of a Simplified shadow text (the only ``bm25s`` importer).

Measured here on zh-TW question/reply pairs: character n-grams beat word segmentation (jieba
splits Traditional text badly: 臺/北市), and folding both sides to Simplified lets a query in
either script match. The original text is kept for display; only this index sees the shadow.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import bm25s
import numpy as np

from yishi.zh import to_simplified

_KEEP = re.compile(r"[\u3400-\u9fff]|[a-z0-9]+")


def tokens(text: str) -> list[str]:
    """Character unigrams and bigrams of the Chinese, whole words of Latin letters and digits."""
    pieces = _KEEP.findall(to_simplified(text).lower())
    grams = list(pieces)
    grams += [a + b for a, b in pairwise(pieces) if len(a) == len(b) == 1]
    return grams


class LexicalIndex:
    """A BM25 index of whole cases (question and reply), rebuilt whenever the cases change."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self._bm25: bm25s.BM25 | None = None
        self._vocabulary: set[str] = set()

    def build(self, documents: Sequence[tuple[str, str]]) -> None:
        self.ids = [case_id for case_id, _ in documents]
        corpus = [tokens(text) or ["_"] for _, text in documents]
        self._vocabulary = {t for doc in corpus for t in doc}
        self._bm25 = bm25s.BM25() if corpus else None
        if self._bm25 is not None:
            self._bm25.index(corpus, show_progress=False)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        if self._bm25 is None or not self.ids:
            return []
        # bm25s fails on tokens it has never seen; an empty query matches nothing.
        wanted = [t for t in tokens(query) if t in self._vocabulary]
        if not wanted:
            return []
        k = min(k, len(self.ids))
        results, scores = self._bm25.retrieve([wanted], k=k, show_progress=False)
        return [
            (self.ids[int(doc)], float(score))
            for doc, score in zip(np.asarray(results)[0], np.asarray(scores)[0], strict=True)
            if score > 0
        ]

    def save(self, directory: Path, stamp: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(directory / "bm25"))
        (directory / "ids.json").write_text(
            json.dumps(
                {"stamp": stamp, "ids": self.ids, "vocabulary": sorted(self._vocabulary)},
                ensure_ascii=False,
            ),
            "utf-8",
        )

    @classmethod
    def load(cls, directory: Path, stamp: str) -> LexicalIndex | None:
        """The saved index, if it was built from the same cases (``stamp``); else None."""
        meta = directory / "ids.json"
        if not meta.is_file():
            return None
        data = json.loads(meta.read_text("utf-8"))
        if data.get("stamp") != stamp:
            return None
        index = cls()
        index.ids = data["ids"]
        index._vocabulary = set(data["vocabulary"])
        if index.ids:
            index._bm25 = bm25s.BM25.load(str(directory / "bm25"))
        return index
