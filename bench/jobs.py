"""Job queue benchmark: recordings queued at once, run by 1 and by 2 Celery workers on Redis.

    python bench/jobs.py [--recordings 8] [--file samples/council_exchange.ogg]
                         [--broker redis://127.0.0.1:6379/14] [--threads 1]

Each round uses a fresh data directory and Redis database and starts N worker processes
(``yishi worker``); each first runs one short warm-up job (loading its model), then
``--recordings`` stored meetings are queued at once (as a multi-file upload does). Each job transcribes its recording with the bundled
Whisper base model and drafts its minutes. Reports, per round: wall time from queueing to the
last job done, throughput (recordings a minute and seconds of audio per wall second), and
the wait before each job started (p50 and max) and its run time (p50). The baseline is the
1-worker round in the same run; the ratio shows what the second worker adds. ``--threads``
sets each worker's CPU threads for Whisper (1 keeps two workers from fighting over 2 cores).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run_round(workers: int, args: argparse.Namespace, cache_dir: str) -> dict[str, float]:
    import redis

    client = redis.Redis.from_url(args.broker)
    client.flushdb()
    data = Path(tempfile.mkdtemp(prefix=f"yishi-bench-jobs-{workers}-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("YISHI_")}
    env |= {
        "YISHI_DATA_DIR": str(data), "YISHI_CACHE_DIR": cache_dir, "YISHI_BROKER_URL": args.broker,
        "YISHI_WHISPER_CPU_THREADS": str(args.threads), "OMP_NUM_THREADS": str(args.threads),
    }  # fmt: skip
    os.environ.update(env)
    from yishi.config import get_settings

    get_settings.cache_clear()
    from transcription.meetings import MeetingStore, store_recording
    from yishi.db import dispose_engines, get_engine
    from yishi.jobs import MEETING_JOB, _celery, submit
    from yishi.jobstore import JobStore

    _celery.cache_clear()
    settings = get_settings()
    meetings = MeetingStore(get_engine(settings))
    pending = []
    for n in range(args.recordings):
        upload = data / f"upload-{n}{args.file.suffix}"
        # A distinct file each (a byte appended), as eight different meetings would be.
        upload.write_bytes(args.file.read_bytes() + bytes([n]))
        stored = store_recording(upload, data_dir=data, max_bytes=10**10)
        meeting = meetings.create(
            title=f"第{2300 + n}次市政會議", meeting_type="市政會議", day=None, start_time=None,
            chair=None, location=None, audio_path=stored.relative_path, audio_name=upload.name,
            audio_sha256=stored.sha256, audio_bytes=stored.size_bytes, audio_seconds=stored.seconds,
            created_by=None,
        )  # fmt: skip
        pending.append(meeting.id)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "yishi", "worker"] + (["--beat"] if i == 0 else []),
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(workers)
    ]
    store = JobStore(get_engine(settings))
    try:
        _warm_up(store, workers, data, meetings, submit, MEETING_JOB, store_recording)
        jobs = []
        started_at = time.monotonic()
        for meeting_id in pending:
            jobs.append(submit(MEETING_JOB, {"meeting_id": meeting_id}, meeting_id=meeting_id))
        queued_at = time.monotonic()
        while True:
            states = [store.get(j.id).state for j in jobs]  # type: ignore[union-attr]
            if all(s in ("done", "failed") for s in states):
                break
            if time.monotonic() - queued_at > args.timeout:
                raise SystemExit(f"timed out with states {states}")
            time.sleep(0.2)
        wall = time.monotonic() - queued_at
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(30)
    finished = [store.get(j.id) for j in jobs]
    failed = [j for j in finished if j is None or j.state != "done"]
    if failed:
        raise SystemExit(f"{len(failed)} jobs failed: {[j.error for j in failed if j]}")
    waits = [j.wait_seconds or 0.0 for j in finished if j]
    runs = [j.run_seconds or 0.0 for j in finished if j]
    audio = sum(meetings.get(j.meeting_id).audio_seconds for j in finished if j and j.meeting_id)
    by_worker = len({j.worker for j in finished if j})
    dispose_engines()
    shutil.rmtree(data, ignore_errors=True)
    client.flushdb()
    return {
        "workers": workers, "wall": wall, "per_minute": len(jobs) / wall * 60,
        "audio_per_second": audio / wall, "wait_p50": statistics.median(waits),
        "wait_max": max(waits), "run_p50": statistics.median(runs), "workers_used": by_worker,
        "queue_seconds": queued_at - started_at,
    }  # fmt: skip


def _warm_up(store, workers, data, meetings, submit, kind, store_recording) -> None:  # type: ignore[no-untyped-def]
    """One short job per worker first, so each has loaded its model before the timed queue."""
    clip = ROOT / "tests/data/speech/briefing.mp3"
    jobs = []
    for n in range(workers):
        upload = data / f"warm-{n}.mp3"
        upload.write_bytes(clip.read_bytes() + bytes([200 + n]))
        stored = store_recording(upload, data_dir=data, max_bytes=10**10)
        meeting = meetings.create(
            title="暖機", meeting_type=None, day=None, start_time=None, chair=None, location=None,
            audio_path=stored.relative_path, audio_name=upload.name, audio_sha256=stored.sha256,
            audio_bytes=stored.size_bytes, audio_seconds=stored.seconds, created_by=None,
        )  # fmt: skip
        jobs.append(submit(kind, {"meeting_id": meeting.id}, meeting_id=meeting.id))
    while not all(store.get(j.id).state in ("done", "failed") for j in jobs):
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recordings", type=int, default=8)
    parser.add_argument("--file", type=Path, default=ROOT / "samples/council_exchange.ogg")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    cache_dir = tempfile.mkdtemp(prefix="yishi-bench-cache-")  # the model is assembled once
    rounds = [run_round(n, args, cache_dir) for n in (1, 2)]
    print(f"{args.recordings} recordings of {args.file.name} queued at once, Redis broker, "
          f"{args.threads} Whisper thread(s) a worker, {os.cpu_count()} CPU cores")  # fmt: skip
    print(
        "| workers | wall s | recordings/min | audio s per wall s | wait p50 / max s | run p50 s |"
    )
    print("|---|---|---|---|---|---|")
    for r in rounds:
        print(f"| {r['workers']:.0f} ({r['workers_used']:.0f} used) | {r['wall']:.1f} | "
              f"{r['per_minute']:.1f} | {r['audio_per_second']:.1f} | "
              f"{r['wait_p50']:.1f} / {r['wait_max']:.1f} | {r['run_p50']:.1f} |")  # fmt: skip
    base, two = rounds
    print(f"2 workers vs 1: throughput × {two['per_minute'] / base['per_minute']:.2f}, "
          f"median wait × {two['wait_p50'] / max(base['wait_p50'], 1e-9):.2f}")  # fmt: skip
    shutil.rmtree(cache_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
