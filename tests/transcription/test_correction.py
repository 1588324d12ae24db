"""Domain correction after recognition: homophones of glossary terms restored, ordinary words kept."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DATA
from transcription.correction import DomainCorrector, DomainTerm, corrector_for
from transcription.glossary import default_glossary


@pytest.fixture(scope="module")
def corrector() -> DomainCorrector:
    return corrector_for(default_glossary(), names=("林珍羽", "顏若芳"))


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("請教通局兩週內提出改善方案", "請交通局兩週內提出改善方案"),  # same sound, other tone
        ("節運公司要加開班次", "捷運公司要加開班次"),
        ("累湖區公所回報", "內湖區公所回報"),  # near initial n/l
        ("北頭區公所回報", "北投區公所回報"),
        ("義員所資的資料請盡快提供", "議員索資的資料請盡快提供"),
        ("主席才是：請秘書處列管", "主席裁示：請秘書處列管"),  # an ordinary phrase, but beside 主席
        ("市長財事如下", "市長裁示如下"),
        ("主席採署如下", "主席裁示如下"),
        ("林真雨議員關心社宅", "林珍羽議員關心社宅"),  # a councillor on the cases
        ("請主記處跟衛生局研議", "請主計處跟衛生局研議"),  # 主記 is a word, but sounds exactly so
        ("好主基礎五月十五日前列出來", "好主計處五月十五日前列出來"),  # 處 heard as 礎
        ("清水歷出跟停管處一起辦", "清水利處跟停管處一起辦"),  # 處 heard as 出
        ("請人士處協助", "請人事處協助"),  # 人士處 is in the word list, but rare
        ("上週台峰過後", "上週颱風過後"),  # 台 is 颱 in Simplified script
        ("今天就到這裡暫會", "今天就到這裡散會"),
        ("秘書處主徵，觀傳局協助", "秘書處主政，觀傳局協助"),  # the word that names the lead
        # The stem exact, the suffix heard loosely, the name then told what to do.
        ("好，都發覺要先把清單排出來", "好，都發局要先把清單排出來"),
        ("由捷運職會同交工處", "由捷運局會同交工處"),
        ("請個區公所加強清潔", "請各區公所加強清潔"),  # 各 heard as 個 before a group
        ("勞動局把機查計畫拿出來", "勞動局把稽查計畫拿出來"),
        ("把職班表彙整好", "把值班表彙整好"),
        ("另外主機出年底前把保留的項目彙整給我", "另外主計處年底前把保留的項目彙整給我"),
        # Given the floor or sent to do something, the name's suffix heard loosely.
        ("先請北水出報告一下", "先請北水處報告一下"),
        ("請政風觸派員到場監督", "請政風處派員到場監督"),
        ("每年都拖，言考會去催", "每年都拖，研考會去催"),
        # A stem that sounds exactly like the name's, its head named after it.
        ("燈節的交通，官傳節要早點跟交通局講", "燈節的交通，觀傳局要早點跟交通局講"),
        ("最後，請社會及主秘排進值班", "最後，請社會局主秘排進值班"),
        # Where only a name can stand and it is told what to do, one syllable of its stem
        # further off, the other heard exactly.
        ("請副訊局協助研考會", "請資訊局協助研考會"),
        ("另外，原釋處要把名單排出來", "另外，人事處要把名單排出來"),
        ("派換進度請令書處下次會報提出報告", "派換進度請秘書處下次會報提出報告"),
        ("好這個資訊君你們繼續做", "好這個資訊局你們繼續做"),  # turned to as 你們
        ("秘書處主搞，兩週內發喊給各機關", "秘書處主稿，兩週內發函給各機關"),
    ],
)
def test_homophones_of_terms_are_restored(
    corrector: DomainCorrector, heard: str, meant: str
) -> None:
    result = corrector.correct(heard)
    assert result.text == meant
    assert all(heard[c.start : c.start + len(c.heard)] == c.heard for c in result.changes)


@pytest.mark.parametrize(
    "text",
    [
        "這才是今天的重點",  # 才是 with no cue: an ordinary phrase
        "他上週去醫院看病",  # 醫院 sounds like 議員 but is a word
        "研究所資料顯示",  # 所資 inside 研究所 + 資料
        "我們的意願很高",
        "這是交通局的業務",  # already right
        "請都發局報告",
        "社會住宅的租金",
        "明年的預算還要再說明",
        "速限五十公里",  # 速限 is not 速件, though one character and a final apart
        "長約到期",  # 約 read yāo sounds like 照: rare readings are not used
        "管理工程處",
        "她說前年局面很亂",  # 前年 is a word: 前年局 is no misheard 青年局
        "公營事業處理原則",  # a name's shared suffix does not carry a different word before it
        "大地出現裂縫",  # 出 sounds like 處, but 出現 is a word: no 大地處
        "系統更新出了問題",  # 更新 is a word and 出 no 處 here
        "我們要提出方案",
        "十二個區公所目前的庫存",  # 個 is no mishearing of 各
        "內湖區公所跟南港區公所",
        "整建住宅更新地區範圍",  # district names are near-exact only: 新地區 is no 信義區
        "共融遊戲場完成幾處",  # 處 counted is no agency
        "對業者之處分",  # 處分 is a word
        "文書處理實施要點",
        "主席指示事項一共有五案",  # 示事 inside 指示事項 is no 指示
        "到底是誰的",
        "把輪值名單彙整好",
        "與公共托育中心合作",
        "另請提供各中心歷年滿意度",
        "大家都發覺要改",  # 發覺 after 大家都: no name may start there
        "這台主機出了問題",  # 主機 is a word and nothing tells 主計處 what to do
        "他的社會籍貫",
        "他的預言成真",
        # A word stays a word even beside a term's cue.
        "謝謝醫院的協助",
        "今年預期的案件會增加",
        "接受議員諮詢",
        "提供議員資訊",
        # 個 where 各 cannot stand is kept.
        "各個單位都要配合",
        "有個單位反映",
        # A loose suffix needs a place where a name may start.
        "大家就都發覺要排隊",
        "那都發覺要怎麼辦",
        "計畫的執行率",
        "十二個區公所都有",  # counted
        "這個機關的預算",
        "整個機關都動起來",
        "經費與期程如何",  # 期程 is a word of Taiwan's government (transcription/data/words-tw.txt)
        "主機出去了",  # 去 sends a name only where the name is no word
        "他的官傳節要到了",  # no name may start after 的
        "主機出來了",
        # …not where a word runs on, nor after words where no name starts
        "人民會要求政府說明",
        "他說副訊局要來",
        "這個電訊局要改",
        "這個資訊你們看一下",
        "他的資訊君你們認識嗎",
        # bodies that are not the city's, named as they are (transcription/data/other-bodies.txt)
        "請養工處明天去把坑洞補好",
        "請健保局協助",
        "請文資局協助",
        "請疾管局協助",
    ],
)
def test_ordinary_words_are_kept(corrector: DomainCorrector, text: str) -> None:
    assert corrector.correct(text).text == text


def test_over_correction_on_clean_text_is_rare(corrector: DomainCorrector) -> None:
    """Written replies contain no mishearings: every change there is an over-correction."""
    changed = total = 0
    for path in sorted((DATA / "replies").glob("past-*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            record = json.loads(line)
            for text in (record["question"], record["reply"]):
                result = corrector.correct(text)
                total += len(text)
                changed += sum(len(c.term) for c in result.changes)
    assert total > 50_000
    assert changed / total <= 0.005


def test_no_terms_changes_nothing() -> None:
    assert DomainCorrector([]).correct("教通局").text == "教通局"


def test_the_longest_term_wins() -> None:
    corrector = DomainCorrector([DomainTerm("交通"), DomainTerm("交通局")])
    result = corrector.correct("教通局")
    assert result.text == "交通局"
    assert [c.term for c in result.changes] == ["交通局"]


def test_reviewed_keeps_what_was_heard_only_when_it_changed(corrector: DomainCorrector) -> None:
    assert corrector.reviewed("請教通局研議") == ("請交通局研議", "請教通局研議")
    assert corrector.reviewed("請交通局研議") == ("請交通局研議", None)
