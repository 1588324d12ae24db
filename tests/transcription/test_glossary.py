from __future__ import annotations

from pathlib import Path

import pytest

from transcription import default_glossary, load_glossary
from transcription.glossary import HOTWORD_CHAR_BUDGET
from yishi.errors import InputError, NotFound


def test_default_glossary_covers_agencies_and_meeting_terms() -> None:
    terms = {t.term for t in default_glossary().terms}
    assert {"都發局", "研考會", "捷運公司", "區公所", "裁示事項", "列管"} <= terms


def test_hotwords_stay_within_budget() -> None:
    hotwords = default_glossary().hotwords()
    assert 0 < len(hotwords) <= HOTWORD_CHAR_BUDGET
    assert "市政會議" in hotwords.split()


def test_yaml_glossary(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(
        "terms:\n  - {term: 信義計畫區, variants: [信義計劃區], hotword: true}\n  - 北門\n", "utf-8"
    )
    glossary = load_glossary(path, include_default=False)
    assert [t.term for t in glossary.terms] == ["信義計畫區", "北門"]
    assert glossary.terms[0].variants == ("信義計劃區",)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.yaml", "terms: [unclosed", "不是有效的 YAML"),
        ("bad.yaml", "terms:\n  - {variants: [a]}\n", "第 1 項缺少 term"),
        ("bad.txt", "= 只有誤寫\n", "第 1 行缺少詞彙"),
    ],
)
def test_bad_glossary_files(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    with pytest.raises(InputError, match=message):
        load_glossary(path)


def test_missing_or_binary_glossary(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        load_glossary(tmp_path / "none.txt")
    binary = tmp_path / "big5.txt"
    binary.write_bytes("臺北".encode("big5"))
    with pytest.raises(InputError, match="UTF-8"):
        load_glossary(binary)
