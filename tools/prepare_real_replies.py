"""Build tests/data/replies-real/ from the collected real councillor Q&A and distractor passages.

    python tools/prepare_real_replies.py PAIRS.jsonl DISTRACTORS.jsonl [--out tests/data/replies-real]

The pairs were written from public pages by a helper who never saw Yishi's code (SOURCES.md).
They are split once, by a hash of their id, into a development split (thresholds are fitted and
failures studied on it) and a held-out split (scored once; its hashes are in the manifest).
A distractor passage from the same page as a pair, or sharing a quarter or more of its character
bigrams with one, is dropped: it may answer the query, so it cannot count as a distractor.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

DEV_SHARE = 1 / 3
OVERLAP_LIMIT = 0.25


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pairs", type=Path)
    parser.add_argument("distractors", type=Path)
    parser.add_argument("--out", type=Path, default=Path("tests/data/replies-real"))
    args = parser.parse_args()
    pairs = [json.loads(line) for line in args.pairs.read_text("utf-8").splitlines() if line]
    passages = [
        json.loads(line) for line in args.distractors.read_text("utf-8").splitlines() if line
    ]

    def rank(pair: dict[str, str]) -> str:
        return hashlib.sha256(pair["id"].encode()).hexdigest()

    ordered = sorted(pairs, key=rank)
    cut = round(len(ordered) * DEV_SHARE)
    splits = {"dev": sorted(ordered[:cut], key=lambda p: p["id"]),
              "heldout": sorted(ordered[cut:], key=lambda p: p["id"])}  # fmt: skip
    urls = {p["source_url"] for p in pairs}
    answers = [bigrams(p["question"] + p["reply"]) for p in pairs]
    kept = []
    for passage in passages:
        grams = bigrams(passage["text"])
        overlap = max(len(grams & a) / max(1, len(grams)) for a in answers)
        if passage["source_url"] not in urls and overlap < OVERLAP_LIMIT:
            kept.append(passage)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, rows in (*splits.items(), ("distractors", kept)):
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        (args.out / f"{name}.jsonl").write_text(text, "utf-8")
        print(f"{name}: {len(rows)}")


if __name__ == "__main__":
    main()
