"""Directives from recognised speech: no punctuation, sentences cut at pauses, garbled words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.minutes_fixtures import load
from tests.transcription.minutes.recognised import FLOOR_GIVING, match
from tests.transcription.minutes.test_rules import HEADER, transcript_of
from transcription import TranscribeOptions, transcribe
from transcription.minutes import MeetingHeader, RuleBasedDrafter, header_for
from transcription.minutes.service import draft_minutes
from transcription.whisper import WhisperEngine

AUDIO = Path(__file__).resolve().parents[2] / "data" / "minutes-audio"
LABELS = Path(__file__).resolve().parents[2] / "data" / "minutes"


def directives(*sentences: str) -> list[tuple[str | None, list[str], date | None, str]]:
    found = RuleBasedDrafter().draft(transcript_of(*sentences), HEADER).directives
    return [(d.lead_agency_name, d.co_agency_names, d.due, d.text) for d in found]


@pytest.mark.parametrize(
    "said",
    [
        "請交通局報告",
        "請都發局說明。",
        "接下來請環保局",
        "好接下來請環保局",
        "好，接下來請環保局。",
        "下一個請產業發展局",
        "有請消防局",
        "請王局長回應一下",
        "請教育局局長回應",
        "請財政局先講",
        "那我們請社會局簡報",
        "那就請工務局來說明一下",
        "先請研考會補充",
        "謝謝局長那再請社會局補充說明",
        "衛生局報告一下",
        "市場處說明一下",
        "那個財政局要不要補充",
        "請衛生局針對登革熱的防治做一個簡報",
        "好謝謝那接下來請交通局報告春節疏運的規劃",
        "好謝謝衛生局那接下來我們請消防局報告救護的部分",
        "好那我們先請秘書長報告上次會議裁示事項的辦理情形",
        "環保局的部分好謝謝那接下來請衛生局",
    ],
)
def test_handing_over_the_floor_is_not_a_directive(said: str) -> None:
    assert directives(said) == []


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("交通局要在兩週內提出改善方案好接下來請環保局報告", "交通局要在兩週內提出改善方案"),
        (
            "交通局要督導微笑單車公司提出調度的改善兩週內報給我好接下來請環保局",
            "交通局要督導微笑單車公司提出調度的改善兩週內報給我",
        ),
    ],
)
def test_the_floor_given_after_a_directive_is_left_out_of_it(said: str, kept: str) -> None:
    [(lead, _co, due, text)] = directives(said)
    assert lead == "交通局" and due == date(2026, 3, 24) and text == kept


def test_a_report_asked_for_later_is_a_directive() -> None:
    [(lead, _co, due, _text)] = directives("請交通局下次會議報告辦理情形")
    assert lead == "交通局" and due == date(2026, 3, 17)


@pytest.mark.parametrize(
    ("said", "lead", "co", "due"),
    [
        ("主席裁示請交通局兩週內提出改善方案", "交通局", [], date(2026, 3, 24)),
        (
            "我這邊裁示兩點第一個都發局要會同財政局在月底前把財源找出來",
            "都市發展局",
            ["財政局"],
            date(2026, 3, 31),
        ),
        (
            "好那就這樣裁示如下教育局會同衛生局一週內完成營養午餐抽驗",
            "教育局",
            ["衛生局"],
            date(2026, 3, 17),
        ),
        ("主席指示交通局一週內完成號誌調整", "交通局", [], date(2026, 3, 17)),
    ],
)
def test_directives_after_the_word_for_ruling(
    said: str, lead: str, co: list[str], due: date
) -> None:
    # 裁示 as the homophone corrector restores it from 採署/才是/財實; no punctuation.
    [(found_lead, found_co, found_due, _text)] = directives(said)
    assert (found_lead, found_co, found_due) == (lead, co, due)


@pytest.mark.parametrize(
    ("said", "lead", "co"),
    [
        ("請衛生局協同消防局建立救護分流機制一週內回報", "衛生局", ["消防局"]),
        ("環保局跟交通局一起在下週五前完成路口改善", "環境保護局", ["交通局"]),
        ("工務局及新工處本週內完成復舊", "工務局", ["新建工程處"]),
        ("請民政局與社會局兩週內完成清查", "民政局", ["社會局"]),
        ("都發局、財政局下次會議提出財源方案", "都市發展局", ["財政局"]),
        ("請社會局兩週內完成街友訪視名冊，民政局配合", "社會局", ["民政局"]),
    ],
)
def test_co_agencies(said: str, lead: str, co: list[str]) -> None:
    [(found_lead, found_co, _due, _text)] = directives(said)
    assert (found_lead, found_co) == (lead, co)


def test_an_instruction_cut_at_a_pause_is_joined() -> None:
    # The recogniser ends a segment where the chair paused, not where the sentence ends.
    [(lead, co, due, text)] = directives(
        "請環保局會同各區公所", "一週內把春節收運時間表在里辦公處跟官網公告清楚"
    )
    assert (lead, co, due) == ("環境保護局", ["各區公所"], date(2026, 3, 17))
    assert text.startswith("請環保局會同各區公所") and "時間表" in text


def test_run_on_speech_is_split_where_a_new_agency_is_told() -> None:
    found = directives(
        "衛生局每週回報查核的陽性率給我環保局會同各區公所把列管的空地空屋全面清查一次本週五前完成"
    )
    assert [(lead, co) for lead, co, _due, _text in found] == [
        ("衛生局", []),
        ("環境保護局", ["各區公所"]),
    ]


def test_misheard_request_and_each_next_to_an_agency() -> None:
    [(lead, co, due, _text)] = directives("我清水利處會同個區公所一個月內檢討抽水站的容量")
    assert (lead, co, due) == ("水利工程處", ["各區公所"], date(2026, 4, 10))


def test_the_real_pipeline_finds_the_directives_of_a_short_recording(
    engine: WhisperEngine, options: TranscribeOptions
) -> None:
    """Speech → transcript → minutes, as ``yishi minutes`` runs it, on 30 s of one chair's turn."""
    meeting = load(LABELS / "city-meeting-2026-01-20.meeting.yaml")
    reference = (AUDIO / "city-meeting-2026-01-20-clip.txt").read_text("utf-8")
    labels = [d for d in meeting.directives if d.quote in reference]
    assert len(labels) == 2
    transcript = transcribe(
        AUDIO / "city-meeting-2026-01-20-clip.ogg", options=options, engine=engine
    )
    found = draft_minutes(transcript, header_for(meeting.meeting)).directives
    matched = match([d.quote for d in labels], [d.text for d in found])
    assert len(matched) == len(labels), [d.text for d in found]
    for i, j in matched.items():
        assert found[j].lead_agency_name == labels[i].agency
    assert not any(FLOOR_GIVING.search(d.text) for d in found)


def test_the_next_item_in_the_same_breath_neither_vetoes_nor_joins() -> None:
    found = directives(
        "年底晚會結束之後的清潔交由環保局負責隔天早上周邊要是乾淨的好第五案冬季的部分社會局跟衛生局一起報告"
    )
    assert [(lead, co) for lead, co, _due, _text in found] == [("環境保護局", [])]


def test_partners_named_after_an_instruction_join_it() -> None:
    found = directives(
        "年貨大街人潮非常多警察局要加派警力還有人潮管制都要做好交通局、消防局配合"
        "然後物價的部分產發局跟市場處每週都要盯一週內先把第一次的價格監測結果報上來"
    )
    assert [(lead, co) for lead, co, _due, _text in found] == [
        ("警察局", ["交通局", "消防局"]),
        ("產業發展局", ["市場處"]),
    ]


def test_a_request_after_a_remark_in_one_breath() -> None:
    [(lead, _co, due, text)] = directives("原本就有規劃那很好麻煩捷運公司兩週內把疏運的演練做完")
    assert (lead, due) == ("臺北捷運公司", date(2026, 3, 24)) and text.startswith("麻煩")


def one_voice(*sentences: str) -> list[tuple[str | None, list[str], date | None]]:
    """Directives from sentences with no speaker labels, as one voice found in a recording."""
    transcript = transcript_of(*sentences)
    segments = [s.model_copy(update={"speaker": None}) for s in transcript.segments]
    transcript = transcript.model_copy(update={"segments": segments, "speakers": []})
    found = RuleBasedDrafter().draft(transcript, HEADER).directives
    return [(d.lead_agency_name, d.co_agency_names, d.due) for d in found]


AGENCY_TURN = ("請工務局報告颱風過後的復原", "秘書長好颱風期間路燈倒了一千多盞目前修好九成五")


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # The chair cuts in without an opening word the recogniser kept.
        (
            "這六十幾盞公園處三天內修好修不好的先放臨時照明",
            [("公園路燈工程管理處", [], date(2026, 3, 13))],
        ),
        ("這樣財政局九月底前把剩下的活化計畫彙整起來", [("財政局", [], date(2026, 9, 30))]),
        (
            "這個不行資訊局會同人事處三個禮拜內辦加強訓練",
            [("資訊局", ["人事處"], date(2026, 3, 31))],
        ),
        (
            "南部已經出現本土病例請衛生局跟環保局緊快督導各區清除孳生源",
            [("衛生局", ["環境保護局"], None)],
        ),
        # Work handed over with no pause before it, its task in the next clause.
        (
            "排隊的人很多先處理熱門的站這部分交給公運處，月底前提出名單",
            [("公共運輸處", [], date(2026, 3, 31))],
        ),
        (
            "不能只靠廠商這部分交給工務局跟公管中心一起把排水系統再看一遍",
            [("工務局", ["市政大樓公共事務管理中心"], None)],
        ),
        # The chair tells the agency that reported, with a deadline and no opening word.
        (
            "修得不錯但是不要拖工務局把剩下的路燈列管本週五前把清單給我",
            [("工務局", [], date(2026, 3, 13))],
        ),
        ("剩下的河段很危險那這部分由水利處會同大地處再找", [("水利工程處", ["大地工程處"], None)]),
        # The agency goes on: what it asked others, or suggests, is no instruction.
        ("我們已經請各區公所三天內完成清查", []),
        ("我們已經交給公運處月底前提出名單", []),
        ("我建議請秘書處把人工校對的責任分工寫清楚", []),
    ],
)
def test_an_instruction_inside_an_agency_turn_by_one_voice(
    said: str, expected: list[tuple[str, list[str], date | None]]
) -> None:
    assert one_voice(*AGENCY_TURN, said) == expected


@pytest.mark.parametrize(
    "said",
    [
        "好大家好今天是跨年晚會的第三次籌備會議距離跨年剩下五個禮拜先請觀傳局報告整體的規劃",
        "好那請更新處報告公辦都更的推動情形目前有十期案在推動今年有三案完成招商",
        "接下來請衛工處﹐下水道的清淤﹐",
        "再來人事處報告一下考績的作業各機關要在月底前送到人事處",  # the report's own deadline
    ],
)
def test_the_floor_and_the_report_run_together(said: str) -> None:
    assert one_voice(said) == []


def test_a_meeting_to_explain_is_work_not_the_floor() -> None:
    # 說明會 is a meeting held for residents: "請X說明" it is not.
    assert one_voice("請公園處跟各區公所先辦說明會讓里民知道") == [
        ("公園路燈工程管理處", ["各區公所"], None)
    ]


def test_offices_heard_as_work_next_to_each() -> None:
    # 公所 heard as 工作, 各 as 個: "環保局會同個區工作…"
    assert one_voice("環保局會同個區工作把列管的空地空屋全面清查一次本週五前完成") == [
        ("環境保護局", ["各區公所"], date(2026, 3, 13))
    ]


@pytest.mark.parametrize(
    ("said", "lead"),
    [
        ("這部分交給公運處。", "公共運輸處"),  # handed over whole, no verb
        ("環保局擬一個方案。", "環境保護局"),
        ("工務局要把防水閘門每一個都實際測過。", "工務局"),  # 測過 is the work, not done
    ],
)
def test_instructions_without_the_usual_verbs(said: str, lead: str) -> None:
    assert [found for found, *_ in one_voice(said)] == [lead]


@pytest.mark.parametrize(
    "said",
    [
        "公運處會先從醫院跟學校周邊開始。",  # an agency saying what it will do
        "主計處這禮拜會先發函，請各機關把保留的需求填報上來。",
        "環保局今天晚上就會先把藥劑跟人力調度好。",
        "社會局建議，收托的順序要優先考慮雙薪跟單親的同仁。",  # a suggestion
        "法務局還有一些意見，例外規定的範圍可能要再明確一點。",
    ],
)
def test_an_agency_speaking_for_itself_is_no_directive(said: str) -> None:
    assert one_voice(said) == []


def test_work_given_whole_with_the_task_in_the_next_sentence() -> None:
    assert one_voice(
        *AGENCY_TURN, "防疫一定要做好，這部分就由衛生局會同教育局。", "月底前辦完第一場演練。"
    ) == [("衛生局", ["教育局"], date(2026, 3, 31))]


def test_a_topic_said_before_the_agency() -> None:
    assert one_voice("疏運的部分交通局跟捷運公司一起規劃，月底前要對外公布。") == [
        ("交通局", ["臺北捷運公司"], date(2026, 3, 31))
    ]


def test_a_request_with_a_deadline_and_a_misheard_verb() -> None:
    assert one_voice("這件事很重要我請消防局年底前在家中三千戶") == [
        ("消防局", [], date(2026, 12, 31))
    ]


def test_partners_broken_by_a_pause_stay_with_their_instruction() -> None:
    [(lead, _co, due)] = one_voice("細節請產業局五個工作天內跟交通局， 大安區公所確認。")
    assert (lead, due) == ("產業發展局", date(2026, 3, 17))


COUNCIL = MeetingHeader(title="臺北市議會定期大會", meeting_type="議會質詢", date=date(2026, 3, 10))


def test_the_mayor_answering_in_the_councillors_breath() -> None:
    # One voice ran the councillor's demand and the mayor's answer together: the later voice is
    # the one that gives the work.
    transcript = transcript_of(
        "我要求市府每一個里都辦一場坦白說有困難不過我請都發局主政住都中心配合月底前辦完說明會"
    )
    found = RuleBasedDrafter().draft(transcript, COUNCIL).directives
    assert [(d.lead_agency_name, d.co_agency_names, d.due) for d in found] == [
        ("都市發展局", ["住宅及都市更新中心"], date(2026, 3, 31))
    ]


def test_a_decision_and_the_work_it_gives_in_one_breath() -> None:
    assert one_voice("好，這案修正通過，文化局會同法務局，下個月底前把條文再整理一次。") == [
        ("文化局", ["法務局"], date(2026, 4, 30))
    ]
    # The decision's own wording is no instruction.
    assert one_voice("好，那這一案照法務局的意見把但書拿掉，其餘照原案，修正通過。") == []


def test_the_work_of_a_decision_before_the_next_item_in_one_breath() -> None:
    assert one_voice("照案通過，文化局五月底前完成公告，第二案，觀傳局提的推廣計畫。") == [
        ("文化局", [], date(2026, 5, 29))
    ]
    # The next item announced with its floor is no instruction.
    assert one_voice("好，進入討論事項，第一案，托育補助調整案，請社會局這次調整是把補助提高") == []


def test_a_partner_named_after_a_pause_joins_the_instruction() -> None:
    assert one_voice("防疫的量能衛生局要再加強。", "人力不夠的話聯合醫院協助，本週就要到位。") == [
        ("衛生局", ["臺北市立聯合醫院"], date(2026, 3, 13))
    ]


@pytest.mark.parametrize(
    "said",
    [
        "首先謝謝消防局，上週內湖那場火災處理得很快",  # 內 of 內湖 is no deadline
        "交通局這邊做了很多改善",
        "謝謝工務局，目前的進度很好",  # 前 of 目前 is no deadline
    ],
)
def test_thanks_and_praise_are_no_directives(said: str) -> None:
    assert one_voice(said) == []


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("這個消防局這邊來負責。", [("消防局", [], None)]),
        ("宣傳的部分由體育局牽頭。", [("體育局", [], None)]),
        ("就交給環保局主責，水利處配合。", [("環境保護局", ["水利工程處"], None)]),
        (
            "這個青年局帶頭，就服處來配合，下禮拜就把職缺放上去。",
            [("青年局", ["就業服務處"], date(2026, 3, 20))],
        ),
        ("第八條的文字拜託財政局跟法務局再對一下。", [("財政局", ["法務局"], None)]),
        ("秘書處彙整一下名單。", [("秘書處", [], None)]),
    ],
)
def test_who_leads_and_who_helps(
    said: str, expected: list[tuple[str, list[str], date | None]]
) -> None:
    assert one_voice(said) == expected


@pytest.mark.parametrize(
    "said",
    [
        "交通局找時間再來談。",
        "人事處報告一下考績的作業。",  # the floor, with its subject
        "接下來請衛工處，下水道的清淤。",
        "先講跨年，觀傳局先跟大家報告一下整備。",  # the floor without 請
        "那先請環保局講一下河濱烤肉的整備。",  # 整備 after 的 is the report's subject
    ],
)
def test_no_instruction_in_these(said: str) -> None:
    assert one_voice(said) == []


@pytest.mark.parametrize(
    ("said", "lead"),
    [
        ("接下來請衛工處加強下水道的清淤工作。", "衛生下水道工程處"),
        ("再來請工務局注意路面的平整。", "工務局"),
        ("工務局這邊做了一些改善，請繼續加強。", "工務局"),
    ],
)
def test_work_given_with_the_floor_or_after_praise(said: str, lead: str) -> None:
    assert [d[0] for d in one_voice(said)] == [lead]


def test_a_partner_that_reports_does_not_join() -> None:
    assert one_voice("請工務局月底前把路燈修好。", "環保局配合的部分上週已經完成了。") == [
        ("工務局", [], date(2026, 3, 31))
    ]


@pytest.mark.parametrize(
    "said",
    [
        "市長你要重視這件事，就請社會局月底前給我一個交代",
        "本席要求都發局月底前提出報告，就請都發局好好處理",
    ],
)
def test_a_councillors_demand_is_no_directive(said: str) -> None:
    transcript = transcript_of(said)
    assert RuleBasedDrafter().draft(transcript, COUNCIL).directives == []


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        (
            "都發局盤點出來，協同地政局確認產權，兩週內把名單送研考會。",
            [("都市發展局", ["地政局"], date(2026, 3, 24))],
        ),
        (
            "研考會去追，月底前把沒回覆的機關列出來。",
            [("研究發展考核委員會", [], date(2026, 3, 31))],
        ),
        (
            "這件事社會局來統籌，民政局陪同訪視，下禮拜五前回報。",
            [("社會局", ["民政局"], date(2026, 3, 20))],
        ),
        (
            "交工處跟警察局聯手取締違停，本週內回報成果。",
            [("交通管制工程處", ["警察局"], date(2026, 3, 13))],
        ),
        (
            "人事處邀主計處一起研究加給的標準，月底前再提。",
            [("人事處", ["主計處"], date(2026, 3, 31))],
        ),
        ("教育局當窗口，建管處從旁協助。", [("教育局", ["建築管理工程處"], None)]),
        (
            "研考會主稿、秘書處會銜，兩週內發函。",
            [("研究發展考核委員會", ["秘書處"], date(2026, 3, 24))],
        ),
    ],
)
def test_an_agency_told_in_plain_words(
    said: str, expected: list[tuple[str, list[str], date | None]]
) -> None:
    assert [(lead, co, due) for lead, co, due, _ in directives(said)] == expected


@pytest.mark.parametrize(
    "said",
    [
        "資訊局點名出來。",  # what, but no must and no deadline
        "主計處這邊報告，財源要再評估。",  # the agency reporting
        "勞動局報告，培訓專班第一期收四十人，已經額滿了。",
        "衛生局這邊，現場會設置四個醫護站，周邊醫院已經協調好了。",
        "交通局這次資料整理得很清楚，辛苦了。",
    ],
)
def test_an_agency_saying_what_it_does_is_no_directive(said: str) -> None:
    assert directives(said) == []


def test_the_chair_settles_a_point_then_gives_the_work() -> None:
    said = "第五條照法務局的意見，由工務局會商法務局把文字改好，十天內完成預告。"
    assert [(lead, co) for lead, co, _, _ in directives(said)] == [("工務局", ["法務局"])]
    said = "外面會有意見，所以人事處再跟社會局研究，五個工作天內給我一個比例。"
    assert [(lead, co) for lead, co, _, _ in directives(said)] == [("人事處", ["社會局"])]


def test_the_chair_asks_for_it_at_his_office() -> None:
    said = "新工處先把招標策略寫出來，四十五天內送到我辦公室。"
    assert [lead for lead, *_ in directives(said)] == ["新建工程處"]
    assert directives("我要求捷運局一週內把資料送到我的辦公室。") == []  # a councillor's words


def test_redone_is_not_done() -> None:
    said = "捷運公司跟警察局一起把分流動線重新畫過，本週四前要用新的版本。"
    assert [(lead, co) for lead, co, _, _ in directives(said)] == [("臺北捷運公司", ["警察局"])]
    assert directives("捷運公司跟警察局已經把分流動線畫過了。") == []


def test_a_head_of_agency_addressed_by_title() -> None:
    # The agency that reported last is the one whose head is told.
    found = directives(
        "衛生局報告，春節期間一共有四十二家診所輪值。",
        "急診滿載，一定要想辦法分流。",
        "主秘，你們回去評估，一月二十二日前告訴我可不可行。",
    )
    assert [(lead, due) for lead, _, due, _ in found] == [("衛生局", date(2027, 1, 22))]
    # A title that does not fit the agency that spoke (處長 after a 局): no agency is guessed.
    found = (
        RuleBasedDrafter()
        .draft(
            transcript_of("社會局報告，長照據點今年新增十處。", "處長，你們月底前把名單送來。"),
            HEADER,
        )
        .directives
    )
    assert [(d.lead_agency, d.lead_agency_name, d.agency_said, d.flags) for d in found] == [
        (None, None, "處長", ["no_agency"])
    ]
    # Whom the head works with is a partner, not the lead.
    [(lead, co, _, _)] = directives("局長，你們回去跟消防局把驗收的問題列出來，兩個月內改善完。")
    assert (lead, co) == (None, ["消防局"])


@pytest.mark.parametrize(
    "said", ["局長，這個做得很好。", "處長，剩下三座是哪裡？", "局長，請說明。"]
)
def test_a_title_without_work_is_no_directive(said: str) -> None:
    assert directives(said) == []


def test_the_chair_cuts_in_on_another_agency_in_its_turn() -> None:
    found = directives(
        "勞動局報告，托育人員的缺口大概三百人，第一期收四十人。",
        "四十人不夠。",
        "就服處的專班下一期擴大到一百人，招生簡章一週內修好上網。",
    )
    assert [(lead, due) for lead, _, due, _ in found] == [("就業服務處", date(2026, 3, 17))]
    # An agency saying what another will do is its report.
    assert (
        directives("交通局報告，春節疏運已經規劃好。", "捷運公司下個月底前會完成月台門的更新。")
        == []
    )


@pytest.mark.parametrize(
    "said",
    [
        "河濱的照明，水利處為主，士林、北投兩個區公所為輔，本週五前巡一遍回報。",
        "水利處來負責，士林跟北投區公所幫忙，本週五前巡一遍回報。",
    ],
)
def test_district_offices_listed_before_one_suffix(said: str) -> None:
    assert [(lead, co) for lead, co, _, _ in directives(said)] == [
        ("水利工程處", ["士林區公所", "北投區公所"])
    ]


def test_a_pause_heard_inside_report_does_not_hide_the_floor() -> None:
    # "那秘書處先講。報告秘書長，…" with the recogniser's comma inside 報告.
    assert directives("連假前的事情先處理，那秘書處先講報，告秘書長，通訊錄已經上線了。") == []


def test_whom_to_notify_is_no_partner() -> None:
    said = "翡管局放水之前，一定要先通知水利處跟下游的區公所，不要讓民眾嚇到。"
    assert [(lead, co) for lead, co, _, _ in directives(said)] == [("翡翠水庫管理局", [])]


def test_a_subject_then_the_agency_sent_to_work_on_it() -> None:
    said = "契約範本教育局來改，法務局協助，一個月內拿出新的版本。"
    assert [(lead, co, due) for lead, co, due, _ in directives(said)] == [
        ("教育局", ["法務局"], date(2026, 4, 10))
    ]
    assert directives("目前教育局來改了。") == []


def test_the_mayor_hands_work_over_in_his_own_words() -> None:
    said = "這個我來交代衛工處，環保局一起，年底前把溪邊的臭味處理好。"
    found = RuleBasedDrafter().draft(transcript_of("議員，您說的對。", said), COUNCIL).directives
    assert [(d.lead_agency_name, d.co_agency_names) for d in found] == [
        ("衛生下水道工程處", ["環境保護局"])
    ]
    assert [
        (lead, co) for lead, co, _, _ in directives("拜託市場處，消防局也一起，月底前檢查完。")
    ] == [("市場處", ["消防局"])]


def test_the_subject_said_before_the_work_stays_with_it() -> None:
    said = "經費先不要再加。宣傳的部分，由體育局牽頭，觀傳局配合，四月中旬前把廣告全部上架。"
    [(lead, co, _, text)] = directives(said)
    assert (lead, co) == ("體育局", ["觀光傳播局"])
    assert text.startswith("宣傳的部分，由體育局牽頭")


def test_a_deadline_that_opens_the_next_sentence() -> None:
    found = directives(
        "環保局會同各區公所，列管的空地空屋全面稽查一次。",
        "本週五前完成，那化學防治的部分，環保局要想辦法補強。",
    )
    assert [(lead, due) for lead, _, due, _ in found] == [
        ("環境保護局", date(2026, 3, 13)),
        ("環境保護局", None),
    ]


@pytest.mark.parametrize(
    ("said", "lead", "co"),
    [
        ("寵物區的告示牌，公園處跟動保處一起同步做好。", "公園路燈工程管理處", ["動物保護處"]),
        ("觀傳局跟社會局一起找身障團體聊一聊。", "觀光傳播局", ["社會局"]),
        ("今年再請文化局來設計，跟產業局合作。", "文化局", ["產業發展局"]),
        ("那十二筆，研考會兩個禮拜以內逐案追完。", "研究發展考核委員會", []),
        ("新工處跟北水處把正在施工的點，十天之內全部巡一次。", "新建工程處", ["臺北自來水事業處"]),
        ("以上的指示，研考會列管。", "研究發展考核委員會", []),
        ("環保局要透過各區公所貼到每一個里辦公處，月底前貼好。", "環境保護局", ["各區公所"]),
        # a remark's 意見 or a settled point does not veto the work after it
        ("那選手的意見回饋很寶貴，就交給體育局去整理，月底前要有初步的東西。", "體育局", []),
        ("好，那就照財政局的意見修正通過，秘書處改好再函發一次。", "秘書處", []),
    ],
)
def test_plain_words_of_the_chair(said: str, lead: str, co: list[str]) -> None:
    assert [(d[0], d[1]) for d in directives(said)] == [(lead, co)]


@pytest.mark.parametrize(
    "said",
    [
        "我們跟環保局每個禮拜都在清孳生源。",
        "主計處意見，搬遷的費用今年沒有編列。",
        "社會局擔心，一律不回覆會有爭議。",
        "上個月我請人事處做的差勤檢討，已經看到了，做得很完整。",
        "青年局先講一下工讀。",
        "跟公管中心的點交要提早談。",  # whose 點交, not who talks
    ],
)
def test_reports_opinions_and_past_requests_are_no_directives(said: str) -> None:
    assert directives(said) == []


def test_an_unknown_office_is_not_read_out_of_a_verb() -> None:
    found = directives("各機關的差勤異常請在這禮拜處理完。")
    assert [d[0] for d in found if d[0]] == []


def test_the_mayor_agrees_then_gives_the_work() -> None:
    transcript = transcript_of("公布路線沒有問題，我請公運處明天就上網公開。")
    [directive] = RuleBasedDrafter().draft(transcript, COUNCIL).directives
    assert (directive.lead_agency_name, directive.due) == ("公共運輸處", date(2026, 3, 11))


def test_you_told_by_the_chair() -> None:
    # "你們" turns to the agency that has just spoken, when the words named it.
    found = directives(
        "資訊局補充，智慧城市展有一個臺北館，時間大概四十分鐘。",
        "四十分鐘太長，壓到二十分鐘。",
        "動線你們本週五前重新走一遍。",
    )
    assert [(lead, due) for lead, _, due, _ in found] == [("資訊局", date(2026, 3, 13))]
    # Otherwise the agency is left for the reviewer rather than guessed.
    found = (
        RuleBasedDrafter()
        .draft(
            transcript_of("今年接駁車加到五十五輛。", "好。", "站牌的資訊，你們本週五前要更新好。"),
            HEADER,
        )
        .directives
    )
    assert [(d.lead_agency, d.agency_said, d.flags) for d in found] == [
        (None, "你們", ["no_agency"])
    ]
    assert directives("你們的報告做得很好。") == []


def test_councillors_say_you_to_the_government() -> None:
    said = "你們那個增設電梯的補助，申請要全體住戶同意，一拖就是兩三年。"
    assert RuleBasedDrafter().draft(transcript_of(said), COUNCIL).directives == []


def test_an_agency_with_a_deadline_close_behind_starts_new_work_in_one_breath() -> None:
    said = "加開我同意市民有需要地政諮詢的人手秘書處去跟地政局借兩週內把班排好。"
    assert [(lead, co, due) for lead, co, due, _ in directives(said)] == [
        ("秘書處", ["地政局"], date(2026, 3, 24))
    ]


def test_the_mayor_and_the_agencies_asked_to_answer_are_no_unknown_agency() -> None:
    said = "好現在繼續建行事政策執行請陳域元執行請市長及相關局出手向對局"  # as recognised
    assert RuleBasedDrafter().draft(transcript_of(said), COUNCIL).directives == []


def test_the_chairs_words_run_into_the_next_speakers_report() -> None:
    found = directives(
        "教育局報告，契約範本的問題。",
        "好，契約範本教育局來改，法務局協助一個月內拿出新的版本，報告副市長，蔬菜的使用率目前大概六成八。",
    )
    assert [(lead, co, due) for lead, co, due, _ in found] == [
        ("教育局", ["法務局"], date(2026, 4, 10))
    ]


def test_by_heard_as_have_before_the_agency_that_leads() -> None:
    said = "宣傳的部分有體育局牽頭，觀傳局跟捷運公司配合四月中旬前把廣告全部上架好。"
    assert [(lead, co) for lead, co, _, _ in directives(said)] == [
        ("體育局", ["觀光傳播局", "臺北捷運公司"])
    ]


@pytest.mark.parametrize(
    "said",
    [
        # staff reporting to a head they address, or a title with nothing to say who
        ("主委，這個案子預計月底前完成。",),
        ("局長，這部分我們科下週要完成。",),
        ("區長，里長說這條路下禮拜要封。",),
        ("局長，下週一要開協調會。",),
        ("交通局報告，我們已經跟廠商開會。", "局長，我們下週要再跟廠商談一次。"),
        # an agency's report listing another's part
        ("交通局報告，春節疏運整備如下。", "捷運公司加開班次，除夕前一週內完成測試。"),
    ],
)
def test_a_report_to_a_head_is_no_directive(said: tuple[str, ...]) -> None:
    assert directives(*said) == []


@pytest.mark.parametrize(
    "said",
    [
        "局長，這個路口一個月內要改善。",
        "研考會去查清楚，一個月內給我答覆。",
    ],
)
def test_a_councillor_telling_an_agency_is_no_directive(said: str) -> None:
    assert RuleBasedDrafter().draft(transcript_of(said), COUNCIL).directives == []


@pytest.mark.parametrize(
    ("said", "lead", "co"),
    [
        ("請衛生局提醒長者兩週內去打疫苗。", "衛生局", []),
        ("我們跟交通局一起，兩週內把方案提出來。", "交通局", []),
        ("觀傳局先跟大家說一下跨年活動的預算，月底前要送議會。", "觀光傳播局", []),
    ],
)
def test_instructions_that_look_like_reports(said: str, lead: str, co: list[str]) -> None:
    assert [(d[0], d[1]) for d in directives(said)] == [(lead, co)]


@pytest.mark.parametrize(
    ("said", "lead", "co", "text"),
    [
        # a tag question softens the order
        (
            ("研考會先挑三個機關試辦，月底前把結果拿出來，好不好？",),
            "研究發展考核委員會",
            [],
            "研考會先挑三個機關試辦，月底前把結果拿出來",
        ),
        # the thing to act on, said first, stays with the work
        (("搬遷的公告，秘書處明天就貼。",), "秘書處", [], "搬遷的公告，秘書處明天就貼"),
        (
            ("各區的名冊，會後民政局傳給大家。",),
            "民政局",
            [],
            "各區的名冊，會後民政局傳給大家",
        ),
        # sent to do it, with or without partners; addressed as 你們 with the name
        (("工務局跟水利處分頭去查。",), "工務局", ["水利工程處"], "工務局跟水利處分頭去查"),
        (("攤商那邊，你們產業局去講。",), "產業發展局", [], "攤商那邊，你們產業局去講"),
        # 讓 and 我要 before the agency ask it; a partner watching from behind
        (
            ("讓公運處去談，交通局在後面盯著，兩週內要有結果。",),
            "公共運輸處",
            ["交通局"],
            "讓公運處去談，交通局在後面盯著，兩週內要有結果",
        ),
        (
            ("我要衛生局在三個工作天內，給我一份名單。",),
            "衛生局",
            [],
            "我要衛生局在三個工作天內，給我一份名單",
        ),
        (
            ("消防局去協調警察局，週末前排好。",),
            "消防局",
            ["警察局"],
            "消防局去協調警察局，週末前排好",
        ),
        (("場地的部分文化局自己負責。",), "文化局", [], "場地的部分文化局自己負責"),
        # asked to help another, the other leads
        (
            ("請資訊局協助人事處把系統測完，下週五前。",),
            "人事處",
            ["資訊局"],
            "請資訊局協助人事處把系統測完，下週五前",
        ),
        # whom, said last and alone after the work
        (
            ("下次會報前英文的簡報要先出來，觀傳局。",),
            "觀光傳播局",
            [],
            "下次會報前英文的簡報要先出來，觀傳局",
        ),
    ],
)
def test_more_ways_a_chair_gives_work(
    said: tuple[str, ...], lead: str, co: list[str], text: str
) -> None:
    assert [(d[0], d[1], d[3]) for d in directives(*said)] == [(lead, co, text)]


def test_the_chair_judging_a_report_takes_the_floor_back() -> None:
    found = directives(
        "報告秘書長，差勤系統下個月上線，舊的打卡機同時停用。",
        "這麼趕？",
        "那人事處下禮拜先開一場說明會，每個機關派兩個人。",
    )
    assert [d[0] for d in found] == ["人事處"]


def test_the_chair_tells_the_agency_that_has_the_floor() -> None:
    found = directives(
        "資訊局報告，演練的點擊率百分之三，有六個機關超過百分之五。",
        "超過的那六個，資訊局點名出來，兩週以內把同仁排去上課。",
    )
    assert [d[0] for d in found] == ["資訊局"]


@pytest.mark.parametrize(
    "said",
    [
        ("上個月請環保局檢討的收運路線，報告我看過了，寫得很清楚。",),
        ("不要讓秘書處一直催。",),
        # an item named first, then the agency introducing its own report
        ("臨時動議，民政局報告，清明節的交通疏導，今年一樣要請交通局支援。",),
        # the floor handed over at the end of a sentence
        ("先看上個月的社交工程演練，資訊局。",),
        ("報告副秘書長，交通局大部分是號誌的案子，我們十二月十九號前會先回一個進度。",),
        # a request not made after all; the floor handed over without 一下
        ("本來想請社會局再去盤點一次獨居長輩，既然上個月做完了，那就不用了。",),
        ("那工務局先報告整體的狀況。",),
    ],
)
def test_more_reports_and_floors_that_are_no_directives(said: tuple[str, ...]) -> None:
    assert directives(*said) == []


def test_work_for_the_agency_that_just_reported_said_without_its_name() -> None:
    found = directives(
        "衛生局報告，輪狀病毒在幼兒園已經有三起群聚。",
        "好，衛教單張月底前要印好，送到每一間幼兒園。",
    )
    assert [(d[0], d[2]) for d in found] == [("衛生局", date(2026, 3, 31))]


@pytest.mark.parametrize(
    "said",
    [
        # the agency named in the next sentence takes the work
        (
            "教育局報告，九所學校有空教室。",
            "開學前就要知道能不能用。",
            "這件事建管處當窗口，本月底前做完。",
        ),
        # work for everyone, or the chair's own
        ("衛生局報告，疫苗到貨了。", "各機關月底前要把名單送來。"),
        ("衛生局報告，疫苗到貨了。", "我月底前要看到名單。"),
    ],
)
def test_unnamed_work_goes_to_the_reporting_agency_only_when_nobody_else_fits(
    said: tuple[str, ...],
) -> None:
    assert "衛生局" not in [d[0] for d in directives(*said)]
    assert "教育局" not in [d[0] for d in directives(*said)]


def test_the_next_subject_run_on_at_the_end_of_the_work() -> None:
    found = directives(
        "交由都發局辦理，年底前把修正草案送出來那長照的部分，衛生局跟社會局一起，兩週內提出具體方案。"
    )
    assert [(d[0], d[1]) for d in found] == [("都市發展局", []), ("衛生局", ["社會局"])]
    assert found[1][3].startswith("那長照的部分")


def test_run_on_words_before_a_request_do_not_veto_it() -> None:
    # "去年" before the request runs on from a remark; 內 heard as 明 after a counted span
    found = directives("那結果就很重要了去年站出可及到不行我要公運處在五個工作日明，給我一份班表。")
    assert [(d[0], d[2]) for d in found] == [("公共運輸處", date(2026, 3, 17))]


def test_a_subject_then_an_agency_sent_in_another_agencys_turn() -> None:
    found = directives(
        "交通局報告，開學第一週的校園安全檢查都做完了。",
        "上下學時段的校門口教育局去協調交警大隊開學這一個月每天都要有人站。",
    )
    assert [(d[0], d[1]) for d in found] == [("教育局", ["交通警察大隊"])]


def test_the_chair_asking_for_an_agency_gives_it_the_floor() -> None:
    found = directives(
        "警察局呢？",
        "報告市長，國慶當天會動員兩千一百名警力，反制無人機的器材還在跟中央借。",
        "反制的器材跟編組，你們今天下班前把清單傳給我。",
    )
    assert [d[0] for d in found] == ["警察局"]


@pytest.mark.parametrize(
    ("said", "lead", "due"),
    [
        # the deadline said first, on its own
        ("還沒登錄的機關，二十天內，資訊局跟秘書處分頭去催。", "資訊局", date(2026, 3, 30)),
        # next week, or every season, is when
        ("今天交辦的幾件，研考會下週市政會議一併回報。", "研究發展考核委員會", None),
        ("用量最高的前十名，秘書處每一季在會報上報一次。", "秘書處", None),
    ],
)
def test_when_said_around_the_agency(said: str, lead: str, due: date | None) -> None:
    found = directives(said)
    assert [d[0] for d in found] == [lead]
    if due is not None:
        assert found[0][2] == due


def test_an_agency_suggesting_is_no_directive() -> None:
    assert directives("環保局這邊，減碳量的部分，建議比照淨零路徑，每年揭露一次。") == []


def test_when_said_before_the_agency_in_another_agencys_turn() -> None:
    found = directives(
        "觀傳局報告，新聞聯繫的線上通訊錄已經上線，還差九個機關。",
        "九個機關的名單，會後主計處傳到群組。",
    )
    assert [d[0] for d in found] == ["主計處"]


def test_a_deadline_for_both_sides_holds_for_each() -> None:
    found = directives("賽道的部分體育局自己負責，轉播就請觀傳局來做，兩邊兩個星期內各交一份計畫。")
    assert [(d[0], d[2]) for d in found] == [
        ("體育局", date(2026, 3, 24)),
        ("觀光傳播局", date(2026, 3, 24)),
    ]
    # one side's deadline stays its own
    found = directives("賽道的部分體育局自己負責，轉播就請觀傳局來做，兩個星期內交一份計畫。")
    assert [d[2] for d in found] == [None, date(2026, 3, 24)]


def test_a_district_office_and_its_count_of_days_as_misheard() -> None:
    found = directives("南港區工作期天內修好，修好了跟議員報告。")
    assert [(d[0], d[2]) for d in found] == [("南港區公所", date(2026, 3, 17))]
    # a count keeps its 個: twelve district offices are no 各區公所
    assert [d[1] for d in directives("民政局統籌，十二個區工作配合，月底前完成。")] == [
        ["各區公所"]
    ]


def test_the_deadline_cut_off_by_a_pause_carries_the_agency_on() -> None:
    found = directives("那新工處這禮拜", "五前去跟臺電開協調會，把復工的日期定下來。")
    assert [d[0] for d in found] == ["新建工程處"]


@pytest.mark.parametrize(
    ("said", "lead", "due"),
    [
        # a deadline said as "X之前", not a past request
        (("下週五之前請交通局把資料送過來。",), "交通局", date(2026, 3, 20)),
        (("剛剛請交通局報告的方案，月底前要送研考會。",), "交通局", date(2026, 3, 31)),
        # the chair's own plans or a shared need before the request
        (("我們準備在年底辦紀念活動，請體育局月底前提出企劃。",), "體育局", date(2026, 3, 31)),
        (("這次一樣要請警察局全力協助，下週前把人力排好。",), "警察局", date(2026, 3, 20)),
        # 幫 names whom it serves
        (("請秘書處幫民政局把場地訂好，下週前完成。",), "秘書處", date(2026, 3, 20)),
        # a soft instruction: 建議 before an agency
        (("這個案子，建議工務局下週再會勘一次。",), "工務局", None),
    ],
)
def test_instructions_the_review_found_lost(
    said: tuple[str, ...], lead: str, due: date | None
) -> None:
    found = directives(*said)
    assert [d[0] for d in found] == [lead]
    if due is not None:
        assert found[0][2] == due


@pytest.mark.parametrize(
    "said",
    [
        # a time before an agency announces the agenda or tells a story
        ("今天社會局報告長照的進度。",),
        ("今天交通局的簡報很清楚。",),
        ("明天環保局開記者會，大家可以去參加。",),
        # 去/來 in a story, an opinion or the floor
        ("好，那工務局來補充。",),
        ("消防局去現場的時候發現鐵皮屋違建很多。",),
        ("這個活動，文化局去辦的話效果比較好。",),
        # nameless work for someone other than the agency that just reported
        ("交通局報告，公車路線的調整已經完成。", "好。", "中央月底前要核定補助。"),
        ("交通局報告，公車路線的調整已經完成。", "好。", "議員明天要來會勘。"),
        # the next speaker called after the work
        ("系統月底前一定要上線，接下來，觀傳局。",),
        # praise with a frequency
        ("文化局每一年辦的跨年晚會都很成功。",),
        # an agency's need said in its own turn after a verdict-like opening
        ("社會局報告，今年的寒冬送暖活動已經辦完。", "經費不夠，明年要請主計處月底前先匡列預算。"),
    ],
)
def test_what_the_review_found_listed_wrongly(said: tuple[str, ...]) -> None:
    assert directives(*said) == []


@pytest.mark.parametrize(
    ("said", "lead", "text"),
    [
        ("選手村那一段就交給交警大隊專責。", "交通警察大隊", "選手村那一段就交給交警大隊專責"),
        # 的 makes the words before it describe the thing, verbs and all
        (
            "利息補貼的預算，主計處下次會議提出來。",
            "主計處",
            "利息補貼的預算，主計處下次會議提出來",
        ),
        # giving something to someone is the work
        (
            "財政局跟法務局兩週內給公管中心書面意見。",
            "財政局",
            "財政局跟法務局兩週內給公管中心書面意見",
        ),
        (
            "捷運公司兩個禮拜內提個方案給交通局。",
            "臺北捷運公司",
            "捷運公司兩個禮拜內提個方案給交通局",
        ),
    ],
)
def test_held_out_9_wording(said: str, lead: str, text: str) -> None:
    assert [(d[0], d[3]) for d in directives(said)] == [(lead, text)]


def test_what_is_handed_to_an_agency_with_把_is_received_not_led() -> None:
    assert directives("三天內把調度表交給體育局。") == []


def test_a_misheard_word_before_a_known_receiver_is_no_unknown_office() -> None:
    # 清單 heard as 請單: 秘書處 receives the list, and no office is named 單下禮拜五前給秘書處
    assert directives("請單下禮拜五前給秘書處。") == []


@pytest.mark.parametrize(
    ("said", "lead", "co", "text"),
    [
        # any verb phrase after a request asks for work, known verb or not
        (
            "保大的事情請警察局內部調度，不用另外發文。",
            "警察局",
            [],
            "保大的事情請警察局內部調度，不用另外發文",
        ),
        # 另外提案 is work, not the agenda's 提案
        ("等公托政策確定，由社會局另外提案。", "社會局", [], "等公托政策確定，由社會局另外提案"),
        # 也/另外 before what to do
        (
            "駕駛的招募，就服處也辦幾場專場徵才。",
            "就業服務處",
            [],
            "駕駛的招募，就服處也辦幾場專場徵才",
        ),
        ("秘書處跟民政局另外找時間開會。", "秘書處", ["民政局"], "秘書處跟民政局另外找時間開會"),
        # "看有沒有", "研究有沒有": check whether, not a question
        (
            "政風處跟資訊局一起看有沒有資安的疑慮。",
            "政風處",
            ["資訊局"],
            "政風處跟資訊局一起看有沒有資安的疑慮",
        ),
        (
            "秘書處跟法務局研究有沒有違反公有財產的規定。",
            "秘書處",
            ["法務局"],
            "秘書處跟法務局研究有沒有違反公有財產的規定",
        ),
        # what is handed over with 把 is received, in run-on speech too
        (
            "社會局輔導承辦的業者，五月中旬前把人員到位的計畫交給秘書處。",
            "社會局",
            [],
            "社會局輔導承辦的業者，五月中旬前把人員到位的計畫交給秘書處",
        ),
        # a deadline, then whom the work goes to: the work of the agency told before
        (
            "萬華區公所把里民的需求彙整一下，下週三前交給社會局，併到規劃裡面。",
            "萬華區公所",
            [],
            "萬華區公所把里民的需求彙整一下，下週三前交給社會局，併到規劃裡面",
        ),
    ],
)
def test_held_out_10_wording(said: str, lead: str, co: list[str], text: str) -> None:
    assert [(d[0], d[1], d[3]) for d in directives(said)] == [(lead, co, text)]


@pytest.mark.parametrize(
    "said",
    [
        "另外上次說要請財政局評估委外經營，這個不用了，我們自己辦。",
        "之前講好要請人事處做托育調查，先不做了。",
        "請交通局長補充。",
        "請議員再給我們一點時間。",
        "勞動局今年的勞檢也確實有開罰，這個是第一步。",
        "這兩年消防局也有查到幾間。",
    ],
)
def test_recalled_requests_and_reports_are_no_work(said: str) -> None:
    assert directives(said) == []


@pytest.mark.parametrize(
    ("said", "lead", "co"),
    [
        # the one addressed leads; whoever is asked to help it shares the work
        (
            "衛生局，連假期間開幾個假日接種站，場地請民政局幫忙協調里民活動中心，排班表今天就給我。",
            "衛生局",
            ["民政局"],
        ),
        # a fact said to the one addressed does not take the address away
        (
            "建築管理工程處，圖公管中心已經備齊了，你們跟消防局一起預審，十五日內把意見回給公管中心。",
            "建築管理工程處",
            ["消防局"],
        ),
        # one named to lead: the agencies given parts after it in the same breath share its work
        (
            "避寒處所社會局牽頭，各區公所把里民活動中心開出來，一週內至少再加四處，聯醫的醫護也要進來巡。",
            "社會局",
            ["各區公所", "臺北市立聯合醫院"],
        ),
        (
            "觀傳局負責內容，各局處的施政亮點文化局、產業局都要提供，四月三號前把初稿生出來。",
            "觀光傳播局",
            ["文化局", "產業發展局"],
        ),
        # its staff lending a hand
        (
            "家防中心的社工缺額，人事處協助加速甄選，一個月內全部補齊，聯醫的心理師也可以支援一部分個案。",
            "家庭暴力暨性侵害防治中心",
            ["人事處", "臺北市立聯合醫院"],
        ),
        # one uses what another supplies: the user leads, the supplier shares
        (
            "工務局把發包中的工地列一張清單給勞檢處，勞檢處去抽查，十個工作日內先跑一輪。",
            "勞動檢查處",
            ["工務局"],
        ),
        (
            "法務局把三十一件的地點整理出來，新工處依照這份清單排修繕，十月十號以前先修完。",
            "新建工程處",
            ["法務局"],
        ),
        (
            "觀傳局把春節的疏運資訊整理成一頁，交通局跟捷運公司的資料都給他們，明天中午前上網。",
            "觀光傳播局",
            ["交通局", "臺北捷運公司"],
        ),
        # 配合 keeps the lead with the one who does it (two labellers of three)
        ("請各區公所配合交通局，月底前把說明會全部辦完。", "各區公所", ["交通局"]),
    ],
)
def test_one_piece_of_work_shared(said: str, lead: str, co: list[str]) -> None:
    assert [(d[0], d[1]) for d in directives(said)] == [(lead, co)]


def test_what_an_agency_does_all_along_is_no_work() -> None:
    assert (
        directives("事故熱點交通局每一季都在檢討，前三十大的路口都有列管，這個我們一直有在做。")
        == []
    )
    assert directives("交通局跟工務局都在月底前完成。")[0][0] == "交通局"


def test_a_pause_inside_報告_leaves_the_report_with_the_agency() -> None:
    # "觀傳局報。" | "告市長，…": the floor is handed over, and what follows is the agency's
    said = transcript_of(
        "好，先從跨年晚會開始，觀傳局報。",
        "告市長，舞臺跟轉播都已經就位了，交通局明天要把接駁車排好。",
        "好，散場是最大的風險。",
    )
    minutes = RuleBasedDrafter().draft(said, HEADER)
    assert minutes.directives == []
    assert [r.agency_name for r in minutes.reports] == ["觀光傳播局"]


def test_the_chairs_verdict_run_into_the_next_words_takes_the_floor_back() -> None:
    said = directives(
        "報告市長，我們已經開了六處臨時避寒處所。",
        "六處不夠了避寒處所社會局前頭各區公所把離民活動中心開出來。",  # 牽頭 heard as 前頭
    )
    assert [d[0] for d in said] == ["社會局"]


def test_a_thing_described_with_的_run_into_the_agency_told() -> None:
    said = directives("那人潮的即時資訊觀光傳播局用直播跟社群同步發出去。")
    assert [d[0] for d in said] == ["觀光傳播局"]


def test_an_agencys_matter_named_last_waits_for_the_work_after_a_pause() -> None:
    said = directives("不夠，家防中心的社工缺額。", "人事處協助加速甄選。", "一個月內全部補齊。")
    assert [(d[0], d[1], d[2]) for d in said] == [
        ("家庭暴力暨性侵害防治中心", ["人事處"], date(2026, 4, 10))
    ]


def test_asked_to_help_after_a_pause_shares_the_work_just_given() -> None:
    said = directives("公園處七月底前把剩下的修完。", "修下來的樹葉，請環保局清潔隊幫忙載走。")
    assert [(d[0], d[1]) for d in said] == [("公園路燈工程管理處", ["各區清潔隊"])]


def test_agencies_named_before_the_one_told_are_what_it_is_told_about() -> None:
    said = directives(
        "都發局跟地政局最多，研考會把這兩個機關排進今年的實地考評，三月中旬前先去一趟，秘書處陪同。"
    )
    assert [(d[0], d[1]) for d in said] == [("研究發展考核委員會", ["秘書處"])]


def test_staff_of_another_office_joining_in_keep_the_lead_with_the_one_addressed() -> None:
    said = directives(
        "值班的部分，民政局主秘，颱風季還沒過，各區公所的應變人力也要一起排進去，十月十號前把彙整表給人事處。"
    )
    assert [(d[0], d[1]) for d in said] == [("民政局", ["各區公所"])]


@pytest.mark.parametrize(
    ("said", "lead"),
    [
        # what the work is about, then the agency: one rule for every way it is sent
        ("契約範本教育局來改。", "教育局"),
        ("那幾個路口信義區公所去查。", "信義區公所"),
        ("上下學時段的校門口教育局去協調交警大隊。", "教育局"),
        ("社會局評估做日間照顧中心，衛生局協助看長照的設置標準，八月底前把規劃提出來。", "社會局"),
    ],
)
def test_a_subject_said_before_the_agency_sent(said: str, lead: str) -> None:
    assert [d[0] for d in directives(said)] == [lead]


@pytest.mark.parametrize(
    "said",
    ["我們這邊教育局來做。", "每年都是教育局去協調。", "上次說過的工務局來改。"],
)
def test_no_subject_when_someone_speaks_or_recalls(said: str) -> None:
    assert directives(said) == []


@pytest.mark.parametrize(
    "said",
    [
        "產權的部分，兩處都是秘書處經管，如果要給社會局用，需要辦理撥用。",
        "是文山區公所的活動中心，二樓要先做無障礙的改善工程，電梯也要加裝。",
    ],
)
def test_an_agency_said_of_something_is_not_turned_to(said: str) -> None:
    assert directives(said) == []


def test_but_是_before_the_agency_may_still_turn_to_it() -> None:
    said = directives("好，那就是水利處，剩下的二十二座，明天中午前全部試運轉完成。")
    assert [d[0] for d in said] == ["水利工程處"]


@pytest.mark.parametrize(
    ("said", "lead"),
    [
        # "看一下/研究一下有沒有": check whether
        (("請法務局先研究一下有沒有法律上的障礙。",), "法務局"),
        # 可以協助 is a polite order to help; the one helped leads
        (("流標兩次，工務局可以協助社會局把工程的預算重新檢視一下，不要再流標了。",), "社會局"),
        # the chair's verdict said last takes the floor back from the agency reporting
        (
            (
                "報告副市長，細部設計由新工處代辦，十一月上網招標。",
                "十一月招標，年底決標，變壓器要明年初才換得了，太慢了吧？",
                "新工處把時程重新排過，下禮拜給我一個新的版本。",
            ),
            "新建工程處",
        ),
        # a chair says 我要求 too, in an agency's turn as well
        (
            (
                "報告主席，氣象署預測下個月鋒面會比較多。",
                "但願如此，每個禮拜的市政會議，我要求翡管局都報告一次最新的水位。",
            ),
            "翡翠水庫管理局",
        ),
    ],
)
def test_held_out_11_wording(said: tuple[str, ...], lead: str) -> None:
    assert [d[0] for d in directives(*said)] == [lead]


def test_a_correction_replaces_the_deadline_and_suppliers_share_the_work() -> None:
    said = directives(
        "交通資訊原民會本週五前公告，啊，不對，公車路線還沒排好，那就改下週三前，"
        "公運處先把加班車的路線排出來給原民會。"
    )
    assert [(d[0], d[1], d[2]) for d in said] == [
        ("原住民族事務委員會", ["公共運輸處"], date(2026, 3, 18))
    ]


def test_a_correction_naming_another_agency_takes_the_work_back() -> None:
    said = directives(
        "租水車的經費，財政局看一下第二預備金，喔，不對，預備金是主計處管的，主計處看一下。"
    )
    assert [d[0] for d in said] == ["主計處"]


def test_the_lead_named_after_the_work() -> None:
    said = directives(
        "場館的醫療站，消防局的救護人力也要一起排進去，十天內把整個排班表排出來，這個就請衛生局來整合。"
    )
    assert [(d[0], d[1]) for d in said] == [("衛生局", ["消防局"])]


def test_an_office_naming_the_topic_before_the_one_told() -> None:
    said = directives("學校的部分請教育局去催，區公所的部分民政局，兩個都是九月底前要到百分之百。")
    assert [(d[0], d[2]) for d in said] == [
        ("教育局", date(2026, 9, 30)),
        ("民政局", date(2026, 9, 30)),
    ]


def test_starting_with_an_agency_gives_it_the_floor_and_a_verdict_takes_it_back() -> None:
    said = transcript_of(
        "好，大家早。",
        "我們先從青年局開始。",
        "報告副市長，暑期青年職場體驗今年開了八百個名額，報名超過三千人。",
        "三千多人搶八百個名額，落差太大了。",
    )
    reports = RuleBasedDrafter().draft(said, HEADER).reports
    assert [(r.agency_name, r.summary) for r in reports] == [
        ("青年局", ["暑期青年職場體驗今年開了八百個名額，報名超過三千人。"])
    ]


def test_an_order_put_as_a_question_with_a_deadline() -> None:
    said = directives(
        "延長營運這件事，是不是請交通局再跟捷運公司談一次，延長到一個小時，月底前把結果告訴我？"
    )
    assert [(d[0], d[1], d[2]) for d in said] == [("交通局", ["臺北捷運公司"], date(2026, 3, 31))]
    assert directives("是不是可以請保大來支援？") == []
    assert directives("是不是請交通局再想一想？") == []


def test_work_carried_on_with_a_helper_named_on_the_way() -> None:
    said = directives(
        "觀傳局，這些優惠要讓外國選手看得到，不要只放中文的網站。",
        "英文、日文、韓文的版本，五月五號前全部上線，商圈的店家請產業局幫忙找進來。",
    )
    assert [(d[0], d[1], d[2]) for d in said] == [("觀光傳播局", ["產業發展局"], date(2026, 5, 5))]


def test_an_agency_supplying_what_the_work_needs_shares_it() -> None:
    said = directives("這部分就請資訊局做，秘書處提供需求，二月十號前先在試辦的機關上線。")
    assert [(d[0], d[1]) for d in said] == [("資訊局", ["秘書處"])]


def test_work_called_off_is_no_work() -> None:
    # 會報 heard as 貴報: no reading back is recognised, but 先不用做了 calls it off
    assert directives("上次貴報請秘書處評估加開兩個貴臺先不用做了。") == []


@pytest.mark.parametrize(
    "said",
    [
        ("公園處七月底前把剩下的修完。", "另外也請工務局協助確認施工安全。"),
        ("請都發局跟財政局一起檢討。", "兩週內提出改善方案，另外也請工務局協助確認施工安全。"),
    ],
)
def test_另外_starts_work_of_its_own_even_for_a_helper(said: tuple[str, ...]) -> None:
    assert [d[0] for d in directives(*said)][-1] == "工務局"


def test_a_head_named_by_title_after_the_agency_is_told_for_it() -> None:
    assert directives("好。工務局長去想辦法。") == [("工務局", [], None, "工務局長去想辦法")]
    # …and heads invited to the floor one after another are told nothing
    found = RuleBasedDrafter().draft(transcript_of("請市長、都發局長、教育局長。"), COUNCIL)
    assert found.directives == []


def test_what_to_find_out_said_before_the_agency_sent_to_find_it() -> None:
    said = directives("整條路能不能提前到年底前發包，工務局長去想辦法。")
    assert [(d[0], d[2]) for d in said] == [("工務局", date(2026, 12, 31))]
    said = directives("救護車的配置要不要重新調整，請消防局一併檢討。")
    assert [(d[0], d[3]) for d in said] == [
        ("消防局", "救護車的配置要不要重新調整，請消防局一併檢討")
    ]


def test_a_request_put_as_a_question_to_the_agency_turned_to() -> None:
    said = directives("衛生局，幼兒園的部分，是不是十天內就派人到園裡去做一輪衛教？")
    assert [(d[0], d[2]) for d in said] == [("衛生局", date(2026, 3, 20))]
    said = directives(
        "秘書處，索資的流程是不是可以做一個線上的追蹤？",
        "三月底前先做一個雛形出來。",
    )
    assert [(d[0], d[2]) for d in said] == [("秘書處", date(2026, 3, 31))]
    # …as a recogniser runs it on, 十 heard as 是 and 內 as 美
    said = directives("謝謝衛生局幼兒園的部分是不是是天美就派人到園裡去做一輪衛教？")
    assert [(d[0], d[2]) for d in said] == [("衛生局", date(2026, 3, 20))]
    # Questions about facts, and asking someone to speak, stay questions.
    assert directives("衛生局，疫苗是不是已經打完了？") == []
    assert directives("都發局，是不是有困難？") == []
    assert directives("交通局，能不能說明一下？") == []


def test_a_deadline_and_any_verb_phrase_after_the_agency_is_work() -> None:
    said = directives("接駁公車的班次，交通局本週五前跟業者敲定。")
    assert [(d[0], d[2]) for d in said] == [("交通局", date(2026, 3, 13))]
    assert directives("交通局本週五前的資料我看過了。") == []


def test_a_correction_naming_whose_plan_keeps_the_work_and_takes_the_new_deadline() -> None:
    said = directives(
        "接駁公車的班次，交通局本週五前跟業者敲定，啊，不對，班次要看警察局的管制計畫，"
        "那就改成下週三前，管制的計畫警察局這禮拜先給交通局。"
    )
    assert [(d[0], d[2]) for d in said] == [
        ("交通局", date(2026, 3, 18)),
        ("警察局", date(2026, 3, 13)),
    ]


def test_words_the_chair_tells_an_agency_to_say_are_not_its_report() -> None:
    said = directives(
        "等結果可以，可是要先有一個回應，告訴市民我們已經在處理。",
        "以後重大輿情，權責機關兩個小時內就要在群組回報，這個規定秘書處把它寫進作業要點裡面。",
    )
    assert [d[0] for d in said] == ["秘書處"]


def test_an_agency_that_can_help_another_before_the_work_is_said() -> None:
    said = directives("不過中庭的活動，消防局可以協助公管中心，每一場布置完先看一次逃生動線。")
    assert [(d[0], d[1]) for d in said] == [("市政大樓公共事務管理中心", ["消防局"])]


def test_more_work_by_its_own_deadline_for_the_agency_just_told() -> None:
    said = directives(
        "工務局，全市的行道樹做一次體檢，十月十五號前給我一份清單。",
        "士林那一站的發電機，年底前換掉，經費的部分主計處幫忙找。",
    )
    assert [(d[0], d[1], d[2]) for d in said] == [
        ("工務局", [], date(2026, 10, 15)),
        ("工務局", ["主計處"], date(2026, 12, 31)),
    ]
    # …not the agency's own answer, nor words for everyone
    for after in (
        "了解，我們下週三前一定把班次排好。",
        "各機關二月中旬前要報廢，這個去年就講過了。",
    ):
        said = directives("工務局，十月十五號前給我一份清單。", after)
        assert [d[0] for d in said] == ["工務局"]


def test_an_agencys_part_said_with_together_joins_the_work() -> None:
    said = directives(
        "這個請捷運公司再想辦法，警察局的人流管制也要一起配合，下週二前把新的疏散計畫拿給我看。"
    )
    assert [(d[0], d[1], d[2]) for d in said] == [("臺北捷運公司", ["警察局"], date(2026, 3, 17))]
    said = directives("觀傳局，名單公布的時候，散場的交通資訊也一起放上網。")
    assert [d[0] for d in said] == ["觀光傳播局"]


def test_one_asked_to_act_after_the_work_is_done_shares_it() -> None:
    said = directives("門禁在火警時自動解鎖，公管中心寫進規格，規格寫好以後，請消防局來看一次。")
    assert [(d[0], d[1], d[3][:10]) for d in said] == [
        ("市政大樓公共事務管理中心", ["消防局"], "門禁在火警時自動解鎖")
    ]
    # …while one asked for something else has work of its own
    said = directives("公管中心寫進規格，另外請消防局下週來演練一次。")
    assert [d[0] for d in said] == ["市政大樓公共事務管理中心", "消防局"]


def test_a_subject_said_with_all_and_an_agency_that_will_see_to_it_itself() -> None:
    said = directives("所有照片的授權，文化局全部清查一遍，兩週內要清完。")
    assert [d[3][:7] for d in said] == ["所有照片的授權"]
    assert directives("那個不用了，版面觀傳局自己會處理。") == []


def test_work_ending_on_what_to_find_out_is_no_question() -> None:
    said = directives("工務局全市的行道樹做一次體檢哪些要換樹種？", "十月十五號前給我一份清單。")
    assert [(d[0], d[2]) for d in said] == [("工務局", date(2026, 10, 15))]
    assert directives("工務局，哪些路段有問題？") == []
    assert directives("工務局你們有沒有統計哪些路段有問題？") == []


def test_the_thing_named_alone_before_more_work_for_the_agency_just_told() -> None:
    said = directives(
        "工務局，全市的行道樹做一次體檢，十月十五號前給我一份清單。",
        "士林那一站的發電機。",
        "年底前換掉，經費的部分主計處幫忙找。",
    )
    assert [(d[0], d[1], d[3][:9]) for d in said] == [
        ("工務局", [], "工務局，全市的行道"),
        ("工務局", ["主計處"], "士林那一站的發電機"),
    ]


def test_heads_invited_to_answer_in_one_run_are_told_nothing() -> None:
    for said in (
        "好，繼續質詢，請市長警察局長衛生局長消防局長備詢。",
        "請市長、交通局長、工務局長。",
    ):
        assert RuleBasedDrafter().draft(transcript_of(said), COUNCIL).directives == []


def test_the_agency_turned_to_at_the_end_of_a_sentence_gets_the_work_in_the_next() -> None:
    said = directives(
        "筆錄能不能電子化，這個法務局應該可以幫你們看一下警察局。",
        "八月底前先把哪些紙本是法規要求的列一張表。",
    )
    assert [(d[0], d[2]) for d in said] == [("警察局", date(2026, 8, 31))]
    # …with its partners, run into the end of the sentence before
    said = directives(
        "議員這個建議很好，我接受警察局跟民政局一起。", "各里都排一場宣導，六月底前全部辦完。"
    )
    assert [(d[0], d[1], d[2]) for d in said] == [("警察局", ["民政局"], date(2026, 6, 30))]
    # …not an agency the sentence is about
    assert directives("這個月增加最多的是警察局。", "八月底前先把表列出來。") == []


def test_what_whom_by_when_and_a_misheard_verb() -> None:
    said = directives("修好的要點秘書處三週內寒班。")  # 函頒, misheard
    assert [(d[0], d[2]) for d in said] == [("秘書處", date(2026, 3, 31))]


def test_the_chair_granting_a_point_then_saying_what_must_be_takes_the_floor() -> None:
    said = directives(
        "報告秘書長，新聞是早上八點出來的，我們九點就在群組通報。",
        "秘書長，我們那天在等檢驗的結果，怕先講出來講錯。",
        "等結果可以，可是要先有一個回應，告訴市民我們已經在處理。",
        "以後重大輿情，權責機關兩個小時內就要在群組回報，這個規定秘書處把它寫進作業要點裡面。",
    )
    assert [d[0] for d in said] == ["秘書處"]


def test_an_item_decided_as_soon_as_it_is_named_and_the_work_it_leaves() -> None:
    said = directives(
        "好，第一案保留，水利處跟法務局把罰則再研究清楚，下次市政會議再提。第二案照案通過。"
    )
    assert [(d[0], d[1], d[2]) for d in said] == [("水利工程處", ["法務局"], date(2026, 3, 17))]
    assert directives("好，第一案，請法務局說明。") == []


def test_a_verdict_without_its_particle_and_an_agency_told_to_find_a_way() -> None:
    said = directives(
        "報告副秘書長，膠條的料已經叫了，我們會在下個月初換好。",
        "下個月初太晚，颱風不會等我們。",
        "膠條公管中心想辦法提前換好，時間你們自己抓。",
    )
    assert [d[0] for d in said] == ["市政大樓公共事務管理中心"]


def test_run_on_speech_breaks_where_an_agency_is_told_how_often_to_handle_what() -> None:
    said = directives("民政局九月底前要到百分之百資訊局每個月把各機關的完成率更新在群組上。")
    assert [d[0] for d in said] == ["民政局", "資訊局"]
    # …but not where the agency is the one supervised
    said = directives("民政局請督導各區公所每週把巡檢戶數報上來。")
    assert [d[0] for d in said] == ["民政局"]


def test_by_when_then_what_to_do_for_the_agency_that_just_reported() -> None:
    said = directives(
        "今天主要是春節的整備，先請環保局報告。",
        "報告副市長，除夕當天垃圾車收到下午，初一跟初二停收，初三恢復。",
        "停收的公告，本週五前上網，各區公所的跑馬燈也幫忙一起播。",
    )
    assert [(d[0], d[1], d[2]) for d in said] == [("環境保護局", ["各區公所"], date(2026, 3, 13))]
    # what was said before it in the same breath, naming no one, is the same work
    said = directives(
        "我們先從青年局開始。",
        "報告副市長，暑期青年職場體驗今年開了八百個名額，報名超過三千人。",
        "三千多人搶八百個名額，落差太大了。",
        "第二梯次至少再開五百個，八月中旬前開放報名。",
    )
    assert [d[3] for d in said] == ["第二梯次至少再開五百個，八月中旬前開放報名"]
    # …but not a plan
    said = directives("先請環保局報告。", "報告副市長，停收的公告已經擬好。", "本週五前會上網吧。")
    assert said == []
