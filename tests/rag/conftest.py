from __future__ import annotations

from pathlib import Path

import pytest

from rag import PastRecord, ReplyIndex
from yishi.db import make_engine, migrate

RECORDS = [
    PastRecord("113-質-0001", "信義區社會住宅興建進度落後，請說明原因與改善作為。", "一、本局辦理信義區社會住宅，因工程招標流標二次，進度落後約5%。二、業於113年3月重新決標，預計114年底完工。", "urban-development", "林議員", "2024-04-01"),
    PastRecord("113-質-0002", "垃圾車清運路線調整，造成民眾倒垃圾不便。", "一、本局於113年5月檢討清運路線，新增夜間收運點12處。二、將持續蒐集里民意見滾動調整。", "environment", "陳議員", "2024-06-01"),
    PastRecord("113-質-0003", "捷運環狀線北環段工程進度及通車時程為何？", "一、北環段目前整體進度約31%。二、本局將於114年完成工期檢討，屆時公布通車目標。", "metro-engineering", "王議員", "2024-07-15"),
    PastRecord("112-索-0004", "請提供近三年登革熱病例數及孳生源清除統計。", "一、110年至112年本市登革熱本土病例分別為0、2、5例。二、112年清除孳生源容器計12萬餘個。", "health", "張議員", "2023-09-01"),
]  # fmt: skip


@pytest.fixture()
def index(tmp_path: Path) -> ReplyIndex:
    """A real index (SQLite, chromadb on disk, BM25, bundled E5) holding the four records."""
    engine = make_engine(f"sqlite:///{tmp_path / 'yishi.db'}")
    migrate(engine)
    built = ReplyIndex(engine, directory=tmp_path / "replies")
    built.index_records(RECORDS)
    return built
