"""Tracking-store benchmark: bulk import and the bots' queries at 100,000 cases.

    python bench/cases.py [--cases 100000] [--postgres postgresql+psycopg://postgres@127.0.0.1/postgres]

Generates a realistic CSV (the kinds, agencies and dates of a Taipei session), imports it
through the same validated, all-or-nothing path as ``yishi cases import``, then times the
queries staff and bots run most: overdue by agency, due within 3 working days for one agency,
a councillor's cases, and the overdue report. Each query is run 20 times; the median is shown.
Reports SQLite and PostgreSQL side by side; import speed is compared with a bare SQLAlchemy
``executemany`` of the same rows measured in the same run.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402

from inquiries import CaseQuery, CaseStore, default_agencies, import_cases  # noqa: E402
from inquiries.models import CaseRow  # noqa: E402
from yishi.db import make_engine, migrate  # noqa: E402

TODAY = date(2026, 6, 15)
KINDS = [("質詢", "質", 0.45), ("索資", "索", 0.2), ("陳情", "陳", 0.3), ("裁示", "裁", 0.05)]
STATUSES = ["收文", "分辦", "辦理中", "已答復", "結案", "結案", "結案"]
COUNCILLORS = [f"{s}{g}議員" for s in "王李張劉陳楊黃趙吳周" for g in "明華志美"]


def generate_csv(path: Path, count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    agencies = [a.short for a in default_agencies() if a.code != "districts"]
    serial: dict[str, int] = {}
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "案號",
                "類別",
                "標題",
                "議員",
                "主辦機關",
                "協辦機關",
                "速別",
                "收文日期",
                "狀態",
                "答復內容",
            ]
        )
        for _ in range(count):
            kind, letter, _w = rng.choices(KINDS, weights=[k[2] for k in KINDS])[0]
            received = TODAY - timedelta(days=rng.randint(0, 720))
            year = received.year - 1911
            key = f"{year}-{letter}"
            serial[key] = serial.get(key, 0) + 1
            status = rng.choice(STATUSES)
            writer.writerow([
                f"{key}-{serial[key]:05d}", kind, f"{rng.choice(agencies)}業務相關{kind}案件",
                rng.choice(COUNCILLORS) if kind in ("質詢", "索資") else "",
                rng.choice(agencies), rng.choice(["", "", rng.choice(agencies)]),
                rng.choice(["普通件", "普通件", "速件", "最速件"]), received.isoformat(), status,
                "已依說明辦理" if status in ("已答復", "結案") else "",
            ])  # fmt: skip


def median_ms(action: Callable[[], object], repeats: int = 20) -> float:
    action()  # warm caches, as a running service would be
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(label: str, url: str, source: Path, count: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    store = CaseStore(engine, actor="bench", today=lambda: TODAY)
    started = time.perf_counter()
    report = import_cases(store, source)
    elapsed = time.perf_counter() - started
    assert report.ok, report.problems[:5]
    print(
        f"[{label}] import {report.imported:,} cases: {elapsed:.1f} s = {report.imported / elapsed:,.0f} rows/s"
    )
    baseline_rows_per_s = bare_insert_rate(url, store, count)
    print(f"[{label}] bare executemany of the same rows: {baseline_rows_per_s:,.0f} rows/s "
          f"(Yishi import = {report.imported / elapsed / baseline_rows_per_s:.2f} of it, with validation, deadlines and history)")  # fmt: skip
    queries: dict[str, Callable[[], object]] = {
        "overdue, one agency (都發局逾期)": lambda: store.find(
            CaseQuery(agency="都發局", overdue=True)
        ),
        "due within 3 working days, one agency": lambda: store.find(
            CaseQuery(agency="交通局", due_within=3)
        ),
        "overdue, all agencies, first page": lambda: store.find(CaseQuery(overdue=True)),
        "one councillor's open cases": lambda: store.find(
            CaseQuery(councillor="王明議員", open_only=True)
        ),
        "case by id": lambda: store.get("114-質-00457"),
        "overdue report by agency (all rows)": store.agency_summary,
    }
    for name, action in queries.items():
        print(f"[{label}] {name:<42} {median_ms(action):7.1f} ms")
    engine.dispose()


def bare_insert_rate(url: str, store: CaseStore, count: int) -> float:
    """Rows/s for a plain executemany of minimal case rows into a scratch table copy."""
    engine = create_engine(url)
    rows = [
        {"id": f"X-{i}", "kind": "質詢", "title": "t", "question": "", "lead_agency": "civil",
         "priority": "普通件", "received_on": TODAY, "due_on": TODAY, "due_rule": "r", "status": "收文",
         "tracked": True, "created_at": store.today(), "updated_at": store.today(), "version": 1}
        for i in range(count)
    ]  # fmt: skip
    with engine.begin() as connection:
        started = time.perf_counter()
        for start in range(0, len(rows), 5000):
            connection.execute(insert(CaseRow), rows[start : start + 5000])
        elapsed = time.perf_counter() - started
        connection.execute(text("DELETE FROM cases WHERE id LIKE 'X-%'"))
    engine.dispose()
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "cases.csv"
        generate_csv(source, args.cases)
        run("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", source, args.cases)
        if args.no_postgres:
            return
        name = f"yishi_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run(
                "PostgreSQL",
                admin.url.set(database=name).render_as_string(hide_password=False),
                source,
                args.cases,
            )
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
