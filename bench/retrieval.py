"""Retrieval benchmark: index build throughput, search latency and memory at 10k and 100k cases.

    python bench/retrieval.py [--sizes 10000,100000] [--embed 1000]

Embedding is the slow step, so the build throughput with real E5 embedding is measured on
``--embed`` generated cases; the 10k and 100k indexes then reuse those vectors (with a little
noise) instead of embedding every text again, as the design notes allow. Each size reports
search latency p50/p95 for hybrid search (query embedding, Chroma HNSW, BM25, fusion, loading
the records) against an exact brute-force cosine scan over the same vectors measured in the same
run, and the process's peak memory.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inquiries import default_agencies  # noqa: E402
from rag.hybrid import hybrid_search  # noqa: E402
from rag.index import ReplyIndex  # noqa: E402
from rag.records import PastRecord  # noqa: E402
from yishi.db import make_engine, migrate  # noqa: E402

PLACES = [
    "信義",
    "大安",
    "中山",
    "中正",
    "大同",
    "萬華",
    "文山",
    "南港",
    "內湖",
    "士林",
    "北投",
    "松山",
]
THINGS = [
    ("社會住宅", "都市發展局"), ("公車班次", "交通局"), ("人行道", "新建工程處"), ("路燈", "公園路燈工程管理處"),
    ("垃圾清運", "環境保護局"), ("登革熱", "衛生局"), ("長照據點", "社會局"), ("校舍改建", "教育局"),
    ("違章建築", "建築管理工程處"), ("抽水站", "水利工程處"), ("市場改建", "市場處"), ("交通違規", "警察局"),
    ("老屋消防", "消防局"), ("台北通", "資訊局"), ("里民活動中心", "民政局"), ("藝文場館", "文化局"),
]  # fmt: skip
ASKS = [
    "進度為何",
    "為何延宕",
    "何時完成",
    "經費多少",
    "如何改善",
    "民眾抱怨不斷",
    "請提出檢討",
    "成效如何",
]


def generate(count: int, seed: int = 7) -> list[PastRecord]:
    rng = random.Random(seed)
    records = []
    for n in range(count):
        thing, agency = rng.choice(THINGS)
        place = rng.choice(PLACES)
        year = rng.randint(111, 115)
        question = f"{place}區{rng.choice(['某里', '一帶', '沿線', '周邊'])}的{thing}問題，{rng.choice(ASKS)}？{rng.choice(ASKS)}？編號{n}"
        reply = (f"一、本局於{year}年{rng.randint(1, 12)}月辦理{place}區{thing}相關作業，已完成{rng.randint(10, 95)}%。"
                 f"二、預計{year + 1}年完成第{rng.randint(2, 5)}期，經費約{rng.randint(1, 900)}百萬元。三、後續將持續檢討。")  # fmt: skip
        records.append(
            PastRecord(
                f"{year}-質-{n:06d}",
                question,
                reply,
                default_agencies().resolve(agency).code,
                date=f"{year + 1911}-05-01",
            )
        )
    return records


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def build_with_reused_vectors(
    index: ReplyIndex, records: list[PastRecord], pool: np.ndarray, rng: np.random.Generator
) -> float:
    started = time.perf_counter()
    for start in range(0, len(records), 2000):
        batch = records[start : start + 2000]
        ids, texts, metas = [], [], []
        for record in batch:
            for number, text in enumerate(index.chunks(record)):
                ids.append(f"{record.id}#{number}")
                texts.append(text)
                metas.append({"case_id": record.id, "agency": record.agency or ""})
        vectors = pool[rng.integers(0, len(pool), len(ids))] + rng.normal(
            0, 0.01, (len(ids), pool.shape[1])
        ).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        index.vectors.upsert(ids, vectors.astype(np.float32), texts, metas)
        index._save_rows(batch, "file")
    index._touch()
    index.lexical()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--embed", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=60)
    args = parser.parse_args()
    rng = np.random.default_rng(3)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        engine = make_engine(f"sqlite:///{base / 'embed.db'}")
        migrate(engine)
        index = ReplyIndex(engine, directory=base / "embed")
        sample = generate(args.embed, seed=1)
        started = time.perf_counter()
        index.index_records(sample)
        elapsed = time.perf_counter() - started
        chunks = sum(len(index.chunks(r)) for r in sample)
        print(
            f"build with E5 embedding: {len(sample):,} cases ({chunks:,} chunks) in {elapsed:.1f} s = {len(sample) / elapsed:.1f} cases/s"
        )
        pool = index.embedder.passages([t for r in sample[:400] for t in index.chunks(r)])
        for size in [int(s) for s in args.sizes.split(",") if s]:
            engine = make_engine(f"sqlite:///{base / f'{size}.db'}")
            migrate(engine)
            big = ReplyIndex(engine, directory=base / f"idx{size}")
            records = generate(size, seed=size)
            seconds = build_with_reused_vectors(big, records, pool, rng)
            print(
                f"\n[{size:,} cases] stored and indexed (vectors reused) in {seconds:.1f} s = {size / seconds:,.0f} cases/s"
            )
            queries = [
                f"{r.question[:12]}的{r.question.split('的')[1][:6]}現在{ASKS[i % len(ASKS)]}"
                for i, r in enumerate(random.Random(5).sample(records, args.queries))
            ]
            hybrid_search(big, queries[0], k=5)  # warm: model, BM25 and HNSW loaded
            latencies = []
            for query in queries:
                started = time.perf_counter()
                hybrid_search(big, query, k=5)
                latencies.append((time.perf_counter() - started) * 1000)
            matrix = (
                np.vstack(
                    [
                        pool[rng.integers(0, len(pool), 1)]
                        for _ in range(sum(len(big.chunks(r)) for r in records))
                    ]
                )
                if size <= 100_000
                else None
            )
            scans = []
            for query in queries[:20]:
                started = time.perf_counter()
                vector = big.embedder.query(query)
                if matrix is not None:
                    np.argpartition(-(matrix @ vector), 50)[:50]
                scans.append((time.perf_counter() - started) * 1000)
            print(
                f"[{size:,} cases] hybrid search p50 {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms"
            )
            print(f"[{size:,} cases] baseline: embed query + exact cosine scan p50 {statistics.median(scans):.1f} ms "
                  f"(hybrid / baseline = {statistics.median(latencies) / statistics.median(scans):.2f})")  # fmt: skip
            print(
                f"[{size:,} cases] peak RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB"
            )


if __name__ == "__main__":
    main()
