from __future__ import annotations

import time
from collections import Counter
from importlib import resources

import pytest
import yaml

from inquiries import default_agencies
from yishi.errors import InputError


@pytest.mark.parametrize(
    "name",
    ["都發局", "都市發展局", "臺北市政府都市發展局", "台北市政府都市發展局", "urban-development"],
)
def test_every_name_of_an_agency_resolves(name: str) -> None:
    assert default_agencies().resolve(name).code == "urban-development"


def test_agencies_named_in_the_secretariat_reports_resolve() -> None:
    names = [
        "研考會", "觀傳局", "資訊局", "原民會", "財政局", "警察局", "文化局", "消防局", "環保局",
        "法務局", "民政局", "青年局", "體育局", "捷運公司", "動保處", "建管處", "區公所", "秘書處",
    ]  # fmt: skip
    registry = default_agencies()
    assert len({registry.resolve(n).code for n in names}) == len(names)


def test_agencies_are_found_in_running_text_in_order() -> None:
    text = "請都發局會同臺北市政府財政局及各區公所，並請捷運公司配合辦理"
    found = [a.short for a in default_agencies().find_in_text(text)]
    assert found == ["都市發展局", "財政局", "各區公所", "臺北捷運公司"]


def test_unknown_agency() -> None:
    with pytest.raises(InputError, match="未知的機關：宇宙局"):
        default_agencies().resolve("宇宙局")


# The full catalogue (issue 13)

CATALOGUE = yaml.safe_load(
    resources.files("inquiries").joinpath("data/agencies.yaml").read_text("utf-8")
)["agencies"]
LEVELS = {"市府", "一級機關", "二級機關", "區公所", "事業機構", "行政法人", "投資事業", "附屬館所"}
# Codes stored with cases before the catalogue grew; they must never change.
EARLIER_CODES = {
    "secretariat", "civil", "finance", "education", "industry", "public-works", "transport",
    "social", "labor", "police", "health", "environment", "urban-development", "culture", "fire",
    "metro-engineering", "water", "tourism", "land", "military-service", "sports", "information",
    "legal", "youth", "indigenous", "hakka", "budget", "personnel", "ethics", "rdec",
    "urban-planning-commission", "civil-service-training", "building-management",
    "new-construction", "parks", "hydraulic", "geotechnical", "sewerage", "parking", "markets",
    "animal-protection", "urban-renewal", "districts", "metro-company", "songshan-district",
    "xinyi-district", "daan-district", "zhongshan-district", "zhongzheng-district",
    "datong-district", "wanhua-district", "wenshan-district", "nangang-district",
    "neihu-district", "shilin-district", "beitou-district",
}  # fmt: skip


def test_every_code_cases_were_stored_with_is_still_there() -> None:
    assert {a.code for a in default_agencies()} >= EARLIER_CODES


def test_every_name_and_alias_resolves_to_its_own_agency() -> None:
    registry = default_agencies()
    for agency in registry:
        for name in (*agency.all_names, agency.code):
            assert registry.resolve(name) is agency, name
            assert registry.resolve(name.replace("臺", "台")) is agency, name


def test_no_two_agencies_share_a_name_or_code() -> None:
    owners: dict[str, str] = {}
    for entry in CATALOGUE:
        names = {entry["code"], entry["name"], entry["short"]}
        names |= set(entry.get("aliases", [])) | set(entry.get("lookup", []))
        for name in names | {n.replace("臺", "台") for n in names}:
            assert owners.setdefault(name, entry["code"]) == entry["code"], name


def test_levels_parents_and_groups_make_sense() -> None:
    registry = default_agencies()
    codes = {a.code for a in registry}
    for agency in registry:
        assert agency.level in LEVELS, agency.code
        assert agency.code.isascii() and agency.code == agency.code.lower()
        if agency.parent is not None:
            assert agency.parent in codes and agency.parent != agency.code
        if agency.level == "二級機關":
            assert registry.get(agency.parent or "").level in {"一級機關", "市府"}, agency.code
        assert not agency.members or agency.group, agency.code
    counts = Counter(a.level for a in registry if not a.group)
    assert counts["一級機關"] >= 32 and counts["區公所"] == 12 and counts["市府"] == 1


@pytest.mark.parametrize(
    ("name", "code"),
    [
        # The names real Q&A records used that the old catalogue rejected.
        ("市府", "city-government"),
        ("北市府", "city-government"),
        ("臺北市政府", "city-government"),
        ("市長室", "city-government"),
        ("住都中心", "housing-renewal-center"),
        ("都更處", "urban-renewal"),
        ("交工處", "traffic-engineering"),
        ("殯葬處", "funeral"),
        ("公園處", "parks"),
        ("工務局公園處", "parks"),
        # Short names used in meetings and the news.
        ("產業局", "industry"),
        ("觀傳局", "tourism"),
        ("北捷", "metro-company"),
        ("聯醫", "united-hospital"),
        ("家防中心", "domestic-violence-center"),
        ("動保處", "animal-protection"),
        ("北市警局", "police"),
        ("北市消防局", "fire"),
        ("北農", "farmers-market-company"),
        ("動產質借處", "pawn-office"),
        ("翡管局", "feitsui-reservoir"),
    ],
)
def test_names_staff_use(name: str, code: str) -> None:
    assert default_agencies().resolve(name).code == code


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("臺北市政府工務局公園路燈工程管理處", "parks"),
        ("台北市政府工務局公園處", "parks"),
        ("交通局交工處", "traffic-engineering"),
        ("北市府交通局停管處", "parking"),
        ("市府工務局", "public-works"),
        ("臺北市交工處", "traffic-engineering"),
        # A squad is not listed on its own: its group, or else the most specific unit known.
        ("環保局內湖區清潔隊", "cleaning-squads"),
        ("內湖區清潔隊", "cleaning-squads"),
        ("環保局內湖區資源回收站", "environment"),
        ("聯合醫院和平婦幼院區", "united-hospital"),
        ("警察局中山分局", "police-precincts"),
        ("文山一分局", "police-precincts"),
        ("地政局古亭地政事務所", "land-offices"),
        ("臺北市立建國高級中學", "schools"),
        ("消防局第三救災救護大隊", "fire-brigades"),
        ("工務局養護工程科", "public-works"),
    ],
)
def test_a_path_resolves_to_the_most_specific_known_unit(path: str, code: str) -> None:
    assert default_agencies().resolve(path).code == code


@pytest.mark.parametrize(
    "value",
    [
        "工務局及交通局",
        "都發局、宇宙局",
        "都發局都發處",
        "交通局局長",
        "交警大隊每個禮拜丟一次到群組",  # a sentence that ends in 組 is no office inside
        "資訊局把名單整理給研考組",
    ],
)
def test_resolve_stays_strict(value: str) -> None:
    with pytest.raises(InputError):
        default_agencies().resolve(value)


@pytest.mark.parametrize(
    ("text", "lead", "co"),
    [
        ("產業局、文化局", "industry", ["culture"]),
        ("都發局及住都中心", "urban-development", ["housing-renewal-center"]),
        ("交通局/警察局", "transport", ["police"]),
        ("交通局, 公園處", "transport", ["parks"]),
        ("由工務局會同都發局", "public-works", ["urban-development"]),
        ("由工務局會同都發局辦理", "public-works", ["urban-development"]),
        ("社會局、家防中心、社會局", "social", ["domestic-violence-center"]),
        ("工務局公園處與交通局", "parks", ["transport"]),
        ("臺北市住宅及都市更新中心", "housing-renewal-center", []),
        ("臺北市家庭暴力暨性侵害防治中心", "domestic-violence-center", []),
        ("臺北市政府 工務局", "public-works", []),
    ],
)
def test_resolve_many_gives_lead_and_co_agencies(text: str, lead: str, co: list[str]) -> None:
    first, others = default_agencies().resolve_many(text)
    assert (first.code, [a.code for a in others]) == (lead, co)


def test_resolve_many_lists_every_unknown_part() -> None:
    with pytest.raises(InputError) as caught:
        default_agencies().resolve_many("都發處、交通局及宇宙局")
    assert (
        caught.value.message
        == "未知的機關：都發處（是否為：都發局、都市發展局？）；未知的機關：宇宙局"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("都發處", ["都發局", "都市發展局"]),
        ("交通處", ["交通局"]),
        ("公園局", ["公園處", "公園路燈工程管理處"]),
        ("台北市政府社福局", ["社會局"]),
        ("宇宙局", []),
    ],
)
def test_suggestions_for_unknown_names(name: str, expected: list[str]) -> None:
    assert default_agencies().suggest(name) == expected


def test_the_error_names_the_suggestions() -> None:
    with pytest.raises(InputError) as caught:
        default_agencies().resolve("都發處")
    assert caught.value.message == "未知的機關：都發處（是否為：都發局、都市發展局？）"
    assert str(caught.value) == caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        "市府團隊會持續關心傳統市場的環境",
        "這件事情要妥善處理，商業處所的稅率請再研究",
        "都市更新處理的速度太慢",
        "各級學校的營養午餐與清潔隊員的薪資",
        "動物園和孔廟周邊的中山堂前廣場",
        "議員的分局長與焚化廠",
    ],
)
def test_ordinary_words_are_no_agencies_in_running_text(text: str) -> None:
    assert default_agencies().find_in_text(text) == []


def test_new_names_are_found_in_running_text() -> None:
    text = "請住都中心會同交工處、公園處長及北市聯醫，並由殯葬處配合"
    found = [a.code for a in default_agencies().find_in_text(text)]
    assert found == [
        "housing-renewal-center", "traffic-engineering", "parks", "united-hospital", "funeral"
    ]  # fmt: skip


def test_finding_names_in_text_stays_fast() -> None:
    # One regex, factored by common prefixes: a long report costs well under a millisecond a
    # kilobyte with the whole catalogue (the old plain alternation took twice as long with a
    # third of the names).
    text = "市長指示請都發局會同財政局於兩週內提出報告，並請各區公所配合辦理。" * 400
    registry = default_agencies()
    started = time.perf_counter()
    for _ in range(5):
        found = registry.find_in_text(text)
    elapsed = (time.perf_counter() - started) / 5
    assert [a.code for a in found] == ["urban-development", "finance", "districts"]
    assert elapsed < 0.05
