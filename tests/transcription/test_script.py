from __future__ import annotations

from pathlib import Path

from transcription import Glossary, GlossaryTerm, ScriptConverter, default_glossary, load_glossary
from transcription.script import normalise_punctuation


def test_simplified_output_becomes_taiwan_traditional() -> None:
    converter = ScriptConverter(Glossary(()))
    assert converter.convert("请资讯局协助建置系统，着手处理") == "請資訊局協助建置系統，著手處理"


def test_the_words_said_are_kept() -> None:
    # A transcript is verbatim: Taiwan officials say 程序, 窗口, 項目 and 自行車道, and OpenCC's
    # s2twp phrase table would rewrite them as 程式, 視窗, 專案 and 腳踏車道.
    converter = ScriptConverter(Glossary(()))
    said = "依照行政程序，教育局当单一窗口，这个项目的自行车道数据"
    assert converter.convert(said) == "依照行政程序，教育局當單一窗口，這個項目的自行車道數據"


def test_glossary_wins_over_opencc() -> None:
    # OpenCC turns 答复 into 答覆; the government writes 答復.
    assert ScriptConverter(Glossary(())).convert("书面答复") == "書面答覆"
    assert ScriptConverter(default_glossary()).convert("书面答复") == "書面答復"


def test_glossary_variants_are_forced_in_either_script() -> None:
    converter = ScriptConverter(default_glossary())
    assert converter.convert("台北市政府都发举") == "臺北市政府都發局"
    assert converter.convert("主席才是事项") == "主席裁示事項"
    assert converter.convert("这案例案处理") == "這案另案處理"


def test_user_glossary_terms_come_first(tmp_path: Path) -> None:
    path = tmp_path / "names.txt"
    path.write_text("# 本次會議\n王小明 = 王曉明, 汪小明\n大安森林公園\n", encoding="utf-8")
    glossary = load_glossary(path)
    assert glossary.terms[0] == GlossaryTerm("王小明", ("王曉明", "汪小明"), True)
    assert glossary.hotwords().startswith("王小明 大安森林公園")
    assert ScriptConverter(glossary).convert("汪小明议员") == "王小明議員"


def test_punctuation_is_full_width_between_chinese() -> None:
    assert normalise_punctuation("主席好,各位 首長?") == "主席好，各位首長？"
    assert normalise_punctuation("版本 v1.2, OK") == "版本 v1.2, OK"
