"""The same index against a real Chroma server on 127.0.0.1 (``YISHI_CHROMA_URL``)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag import ReplyIndex, search
from tests.rag.conftest import RECORDS
from yishi.db import make_engine, migrate
from yishi.errors import UpstreamError


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = Path(sys.executable).parent / "chroma"
    assert binary.exists() or shutil.which("chroma"), "the chromadb package ships the chroma CLI"
    port = free_port()
    server = subprocess.Popen(
        [
            str(binary),
            "run",
            "--path",
            str(tmp_path_factory.mktemp("chroma-server")),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the Chroma server did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_index_and_search_through_a_chroma_server(chroma_url: str, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'yishi.db'}")
    migrate(engine)
    index = ReplyIndex(
        engine, directory=tmp_path / "replies", chroma_url=chroma_url, collection="test_replies"
    )
    index.index_records(RECORDS)
    assert index.vectors.count() == sum(len(index.chunks(r)) for r in RECORDS)
    hits = search("北環段什麼時候通車", mode="dense", index=index)
    assert hits[0].record.id == "113-質-0003"


def test_an_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'yishi.db'}")
    migrate(engine)
    with pytest.raises(UpstreamError, match="無法開啟向量資料庫"):
        ReplyIndex(
            engine, directory=tmp_path / "replies", chroma_url=f"http://127.0.0.1:{free_port()}"
        )
