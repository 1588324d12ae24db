"""Wall time of ``yishi replies search`` as staff run it: a whole new process each time.

    python bench/replies_cli.py [--runs 11] [--query "社會住宅 興建進度"] [--cache DIR]

The index holds the ~2,100 documents of bench/retrieval_real.py (real question/reply pairs,
real distractor passages, the written past cases), built once into the cache directory and
reused. Each command is run once to warm the disk cache, then ``--runs`` times, alternating;
the median and the fastest are printed. ``yishi --help`` in the same run is the baseline:
Python, the CLI and its imports, with no search.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from retrieval_real import build_index, corpus  # noqa: E402

from inquiries import default_agencies  # noqa: E402

# The retrieval benchmark's index: its cached vectors save embedding the same texts again.
RETRIEVAL_CACHE = ROOT / ".cache/bench/retrieval-real/index/replies/embeddings.sqlite"


def yishi_command() -> list[str]:
    script = Path(sys.executable).parent / "yishi"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "yishi"]


def prepare(cache: Path) -> Path:
    """The data directory of a ~2,000-record index (``cache/index``), built when missing."""
    vectors = cache / "index" / "replies" / "embeddings.sqlite"
    if not vectors.is_file() and RETRIEVAL_CACHE.is_file():
        vectors.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(RETRIEVAL_CACHE, vectors)
    records = corpus(default_agencies())
    index = build_index(cache, records)
    print(f"index: {index.count()} records, {index.vectors.count()} chunks")
    return cache / "index"


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--query", default="社會住宅 興建進度")
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache/bench/replies-cli")
    args = parser.parse_args()
    data_dir = prepare(args.cache)
    env = {k: v for k, v in os.environ.items() if not k.startswith("YISHI_")}
    env |= {"YISHI_DATA_DIR": str(data_dir), "YISHI_PROGRESS": "never"}
    commands = {
        "yishi --help": [*yishi_command(), "--help"],
        "yishi replies search": [*yishi_command(), "replies", "search", args.query],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():
        timed(command, env)  # warm the disk cache and write the BM25 and vector snapshots
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(timed(command, env))
    print(f"{args.runs} runs each, {os.cpu_count()} cores")
    for name, values in times.items():
        print(f"  {name:<22} median {statistics.median(values):.3f} s  fastest {min(values):.3f} s")


if __name__ == "__main__":
    main()
