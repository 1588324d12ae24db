from __future__ import annotations

import pytest

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
