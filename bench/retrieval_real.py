"""Retrieval quality on real councillor Q&A: char-BM25 alone, dense E5 alone and hybrid.

    python bench/retrieval_real.py [--split dev|heldout] [--misses] [--cache DIR]

The index holds every real question/reply pair of tests/data/replies-real (both splits), the
real distractor passages beside them, and the 310 written past cases of tests/data/replies:
over 2,000 documents that are not the answer to a given query. Each pair has two queries
written apart from it: a new inquiry in a councillor's words and a staff member's keywords.
Prints recall@1, recall@5 and MRR per arm, overall and per kind of query. The index is built
once into the cache directory (embedding is the slow step) and reused while the data is the
same.

The held-out split is scored once per set (docs/benchmarks.md); fit and study on ``dev``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inquiries import AgencyRegistry, default_agencies  # noqa: E402
from rag import ReplyIndex, load_records  # noqa: E402
from rag.eval import ArmResult, Inquiry, evaluate  # noqa: E402
from rag.records import PastRecord  # noqa: E402
from yishi.db import make_engine, migrate  # noqa: E402
from yishi.errors import InputError  # noqa: E402

REAL = ROOT / "tests/data/replies-real"
WRITTEN = ROOT / "tests/data/replies"
QUERY_KINDS = ("inquiry", "keywords")


def read_jsonl(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def pair_record(pair: dict[str, str], agencies: AgencyRegistry) -> PastRecord:
    raw = pair.get("agency") or None
    code = None
    if raw:
        try:
            code = agencies.resolve(raw).code
        except InputError:
            code = None  # kept with its raw name, as the reply index does
    return PastRecord(
        id=pair["id"],
        question=pair["question"],
        reply=pair["reply"],
        agency=code,
        councillor=pair.get("councillor") or None,
        date=pair.get("date") or None,
        agency_raw=raw if code is None else None,
    )


def distractor_record(passage: dict[str, str]) -> PastRecord:
    text = passage["text"]
    cut = text.find("。") + 1 or len(text)
    return PastRecord(id=passage["id"], question=text[:cut], reply=text[cut:] or text)


def corpus(agencies: AgencyRegistry) -> list[PastRecord]:
    records = [pair_record(p, agencies) for name in ("dev", "heldout")
               for p in read_jsonl(REAL / f"{name}.jsonl")]  # fmt: skip
    records += [distractor_record(p) for p in read_jsonl(REAL / "distractors.jsonl")]
    for path in sorted(WRITTEN.glob("past-*.jsonl")):
        records += load_records(path, agencies).records
    return records


def queries(split: str) -> list[Inquiry]:
    found = []
    for pair in read_jsonl(REAL / f"{split}.jsonl"):
        for kind, text in zip(QUERY_KINDS, pair["queries"], strict=True):
            found.append(Inquiry(f"{pair['id']}/{kind}", text, (pair["id"],), None, kind))
    return found


def build_index(cache: Path, records: list[PastRecord]) -> ReplyIndex:
    # One directory whatever the data: records are indexed by content hash, so only the ones
    # that changed are embedded again.
    directory = cache / "index"
    directory.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{directory / 'yishi.db'}")
    migrate(engine)
    index = ReplyIndex(engine, directory=directory / "replies")
    started = time.perf_counter()
    report = index.index_records(
        records, on_progress=lambda done, total: print(f"\r  embedding {done}/{total}", end="")
    )
    if report.added or report.updated:
        print(f"\n  indexed {len(records)} documents in {time.perf_counter() - started:.0f} s")
    return index


def show(results: list[ArmResult], label: str) -> None:
    print(f"\n{label}")
    print(f"  {'arm':<8} {'queries':>7} {'R@1':>6} {'R@5':>6} {'MRR':>6}")
    for arm in results:
        print(
            f"  {arm.mode:<8} {arm.queries:>7} {arm.recall_at_1:>6.3f} {arm.recall_at_5:>6.3f}"
            f" {arm.mrr:>6.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "heldout"), default="dev")
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache/bench/retrieval-real")
    parser.add_argument("--misses", action="store_true", help="print each query missed at 1")
    args = parser.parse_args()
    agencies = default_agencies()
    records = corpus(agencies)
    asked = queries(args.split)
    print(f"{len(records)} documents; {len(asked)} queries on the {args.split} split")
    index = build_index(args.cache, records)
    started = time.perf_counter()
    results = evaluate(index, asked, modes=("lexical", "dense", "hybrid"))
    seconds = time.perf_counter() - started
    show(results, "all queries")
    for kind in QUERY_KINDS:
        show(evaluate(index, [q for q in asked if q.kind == kind], modes=("lexical", "dense",
             "hybrid")), f"{kind} queries")  # fmt: skip
    best = max(r.recall_at_1 for r in results if r.mode != "hybrid")
    hybrid = next(r for r in results if r.mode == "hybrid")
    print(f"\nhybrid R@1 − best single arm: {hybrid.recall_at_1 - best:+.3f}")
    print(f"{3 * len(asked)} searches in {seconds:.1f} s")
    if args.misses:
        for arm in results:
            missed = [q for q in asked if _rank(index, q, arm.mode) != 1]
            print(f"\n{arm.mode} misses at 1: {len(missed)}")
            for q in missed:
                print(f"  {q.id}: {q.text[:50]}")


def _rank(index: ReplyIndex, inquiry: Inquiry, mode: str) -> int | None:
    from rag.hybrid import hybrid_search

    ids = [h.record.id for h in hybrid_search(index, inquiry.text, k=10, mode=mode)]  # type: ignore[arg-type]
    return ids.index(inquiry.expected_ids[0]) + 1 if inquiry.expected_ids[0] in ids else None


if __name__ == "__main__":
    main()
