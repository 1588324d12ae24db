from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from bots import Conversation, StaffDirectory
from inquiries import CaseStore, Kind, NewCase
from yishi.config import get_settings
from yishi.db import get_engine


@pytest.fixture()
def engine() -> Engine:
    return get_engine(get_settings())  # a SQLite file in this test's own data dir


@pytest.fixture()
def store(engine: Engine) -> CaseStore:
    store = CaseStore.from_settings(get_settings(), actor="seed")
    today = store.today()
    rows = [
        (
            "115-質-0457",
            Kind.INTERPELLATION,
            "社會住宅興建進度落後",
            "都發局",
            "林議員",
            today - timedelta(days=40),
            ("財政局",),
        ),
        (
            "115-質-0458",
            Kind.INTERPELLATION,
            "社宅包租代管",
            "都發局",
            "林議員",
            today - timedelta(days=1),
            (),
        ),
        (
            "115-索-0101",
            Kind.DATA_REQUEST,
            "公車脫班統計",
            "交通局",
            "陳議員",
            today - timedelta(days=30),
            (),
        ),
        ("115-陳-0201", Kind.PETITION, "路燈不亮", "公園處", None, today, ()),
    ]
    for case_id, kind, title, agency, councillor, received, co in rows:
        store.add(
            NewCase(
                id=case_id,
                kind=kind,
                title=title,
                lead_agency=agency,
                councillor=councillor,
                received_on=received,
                co_agencies=co,
            )
        )
    for n in range(8):
        store.add(
            NewCase(
                id=f"115-裁-{n + 1:04d}",
                kind=Kind.DIRECTIVE,
                title=f"都發局列管事項{n + 1}",
                lead_agency="都發局",
                received_on=today - timedelta(days=60),
            )
        )
    return store


@pytest.fixture()
def staff(engine: Engine) -> StaffDirectory:
    return StaffDirectory(engine)


@pytest.fixture()
def conversation(store: CaseStore, staff: StaffDirectory) -> Conversation:
    def similar(question: str, agency: str | None) -> list[tuple[str, str, str, str]]:
        # A tiny stand-in index (the real one is used in test_access.py and tests/rag).
        return (
            [("113-質-0001", "都市發展局", "信義區社宅進度？", "預計114年底完工。")]
            if "社宅" in question and agency in (None, "urban-development")
            else []
        )

    return Conversation(store, staff, similar=similar)
