from __future__ import annotations

import itertools
import threading
from datetime import date

import pytest

from inquiries import CaseQuery, CaseStore, Kind, NewCase, Priority, Status
from tests.inquiries.conftest import TODAY
from yishi.errors import InputError, NotFound


def interpellation(**overrides: object) -> NewCase:
    values: dict[str, object] = {
        "kind": Kind.INTERPELLATION,
        "title": "社會住宅興建進度落後",
        "question": "請說明興建中社會住宅的進度與改善方案。",
        "councillor": "林議員",
        "lead_agency": "都發局",
        "received_on": date(2026, 3, 2),
        "id": "115-質-0457",
    }
    values.update(overrides)
    return NewCase(**values)  # type: ignore[arg-type]


def test_add_computes_the_deadline_and_records_creation(store: CaseStore) -> None:
    case = store.add(interpellation(co_agencies=("財政局", "臺北市政府工務局")))
    assert case.lead_agency == "urban-development"
    assert case.co_agencies == ("finance", "public-works")
    assert case.due_on == date(2026, 3, 9)  # 6 working days from Monday 3/2
    assert case.due_rule == "interpellation-normal"
    assert case.status == Status.RECEIVED and case.tracked
    [created] = store.history(case.id)
    assert created.action == "create" and created.actor == "王承辦"
    assert "期限 2026-03-09" in (created.new_value or "")


def test_case_ids_are_numbered_per_year_and_kind(store: CaseStore) -> None:
    first = store.add(interpellation(id=None))
    second = store.add(interpellation(id=None, title="第二案"))
    petition = store.add(interpellation(id=None, kind=Kind.PETITION, councillor=None))
    assert (first.id, second.id, petition.id) == ("115-質-0001", "115-質-0002", "115-陳-0001")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "0457"}, "案號格式不符"),
        ({"lead_agency": "宇宙局"}, "未知的機關"),
        ({"councillor": None}, "須填議員"),
        ({"title": "  "}, "缺少標題"),
        ({"received_on": date(2026, 3, 11)}, "晚於今天"),
        ({"due_on": date(2026, 3, 1)}, "早於收文日期"),
    ],
)
def test_invalid_cases_are_refused(
    store: CaseStore, change: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        store.add(interpellation(**change))
    assert store.find().total == 0


def test_duplicate_id(store: CaseStore) -> None:
    store.add(interpellation())
    with pytest.raises(InputError, match="案號已存在"):
        store.add(interpellation())


def test_every_change_gets_a_history_row(store: CaseStore) -> None:
    store.add(interpellation())
    store.update("115-質-0457", status=Status.ASSIGNED, lead_agency="交通局", reason="改分")
    case = store.update("115-質-0457", notes="已電話聯繫", status=Status.IN_PROGRESS)
    assert case.lead_agency == "transport" and case.status == Status.IN_PROGRESS
    changes = [(h.field, h.old_value, h.new_value, h.reason) for h in store.history(case.id)[1:]]
    assert changes == [
        ("status", "收文", "分辦", "改分"),
        ("lead_agency", "urban-development", "transport", "改分"),
        ("notes", None, "已電話聯繫", None),
        ("status", "分辦", "辦理中", None),
    ]


def test_unchanged_values_write_no_history(store: CaseStore) -> None:
    store.add(interpellation())
    store.update("115-質-0457", lead_agency="都市發展局")
    assert len(store.history("115-質-0457")) == 1


def test_deadline_changes_need_a_reason_and_stay_manual(store: CaseStore) -> None:
    store.add(interpellation())
    with pytest.raises(InputError, match="必須註明原因"):
        store.update("115-質-0457", due_on=date(2026, 3, 20))
    case = store.update("115-質-0457", due_on=date(2026, 3, 20), reason="議員同意展延")
    assert case.due_rule == "manual"
    store.set_override(date(2026, 3, 16), working=False, reason="颱風停班")
    assert store.get(case.id).due_on == date(2026, 3, 20)


def test_priority_change_recomputes_the_deadline(store: CaseStore) -> None:
    store.add(interpellation())
    case = store.update("115-質-0457", priority=Priority.URGENT, reason="議員要求速件")
    assert case.due_on == date(2026, 3, 4) and case.due_rule == "interpellation-urgent"
    assert store.history(case.id)[-1].field == "due_on"


def test_status_workflow(store: CaseStore) -> None:
    store.add(interpellation())
    store.set_status("115-質-0457", Status.IN_PROGRESS)
    with pytest.raises(InputError, match="退回"):
        store.set_status("115-質-0457", Status.RECEIVED)
    with pytest.raises(InputError, match="須附答復內容"):
        store.set_status("115-質-0457", Status.REPLIED)
    case = store.update("115-質-0457", status=Status.REPLIED, reply_text="本局已重新招標，預計…")
    assert case.replied_on == TODAY
    closed = store.close("115-質-0457")
    assert closed.status == Status.CLOSED
    with pytest.raises(InputError, match="修改須註明原因"):
        store.update("115-質-0457", notes="補充")
    reopened = store.reopen("115-質-0457", reason="議員不滿意答復")
    assert reopened.status == Status.IN_PROGRESS


def test_release_needs_a_reason(store: CaseStore) -> None:
    store.add(interpellation())
    with pytest.raises(InputError, match="解除列管必須註明原因"):
        store.close("115-質-0457", release=True)
    assert store.close("115-質-0457", release=True, reason="併案辦理").status == Status.RELEASED


def test_missing_case(store: CaseStore) -> None:
    with pytest.raises(NotFound, match="找不到案件"):
        store.get("115-質-9999")


def seed(store: CaseStore) -> None:
    rows = [
        ("115-質-0001", Kind.INTERPELLATION, "都發局", date(2026, 2, 2), "林議員", ()),  # overdue
        ("115-質-0002", Kind.INTERPELLATION, "交通局", date(2026, 3, 4), "陳議員", ("都發局",)),
        ("115-索-0001", Kind.DATA_REQUEST, "都發局", date(2026, 3, 9), "林議員", ()),
        ("115-陳-0001", Kind.PETITION, "環保局", date(2026, 3, 10), None, ()),
        ("115-裁-0001", Kind.DIRECTIVE, "都發局", date(2026, 1, 5), None, ()),  # overdue
    ]
    for case_id, kind, agency, received, councillor, co in rows:
        store.add(
            NewCase(
                id=case_id,
                kind=kind,
                title=f"{agency}案件 {case_id}",
                lead_agency=agency,
                received_on=received,
                councillor=councillor,
                co_agencies=co,
            )
        )
    store.update("115-裁-0001", status=Status.REPLIED, reply_text="已辦理完成")


def ids(store: CaseStore, query: CaseQuery) -> list[str]:
    return [c.id for c in store.find(query).cases]


def test_queries_the_bots_and_staff_use(store: CaseStore) -> None:
    seed(store)
    assert ids(store, CaseQuery(agency="都發局", overdue=True)) == ["115-質-0001"]
    assert ids(store, CaseQuery(agency="臺北市政府都市發展局")) == [
        "115-裁-0001", "115-質-0001", "115-索-0001",
    ]  # fmt: skip
    assert ids(store, CaseQuery(agency="都發局", include_co_agency=True, open_only=True)) == [
        "115-質-0001", "115-質-0002", "115-索-0001",
    ]  # fmt: skip
    # Today is Tuesday 3/10: "due within 3 working days" runs to Thursday 3/12.
    assert ids(store, CaseQuery(due_within=3)) == ["115-質-0002", "115-索-0001"]
    assert ids(store, CaseQuery(councillor="林")) == ["115-質-0001", "115-索-0001"]
    assert ids(store, CaseQuery(kind=Kind.PETITION)) == ["115-陳-0001"]
    assert ids(store, CaseQuery(statuses=(Status.REPLIED,))) == ["115-裁-0001"]
    assert ids(store, CaseQuery(text="環保局")) == ["115-陳-0001"]


def test_pages_say_how_many_remain(store: CaseStore) -> None:
    seed(store)
    page = store.find(CaseQuery(limit=2))
    assert len(page.cases) == 2 and page.total == 5 and page.remaining == 3
    assert not page.capped


def test_a_count_cap_stops_counting_but_keeps_the_page(store: CaseStore) -> None:
    seed(store)
    capped = store.find(CaseQuery(limit=2, count_cap=3))
    assert [c.id for c in capped.cases] == [c.id for c in store.find(CaseQuery(limit=2)).cases]
    assert capped.capped and capped.total == 4  # "more than 3"
    roomy = store.find(CaseQuery(limit=2, count_cap=10))
    assert not roomy.capped and roomy.total == 5 and roomy.remaining == 3
    # A co-agency list is counted the same way, whether capped or not.
    co = CaseQuery(agency="都發局", include_co_agency=True, limit=1)
    assert store.find(co).total == 4
    assert store.find(CaseQuery(**(co.__dict__ | {"count_cap": 2}))).capped


def test_typhoon_closure_re_dates_open_cases_with_history(store: CaseStore) -> None:
    store.add(interpellation())  # due Monday 3/9
    moved = store.set_override(date(2026, 3, 5), working=False, reason="颱風停班")
    assert moved == [("115-質-0457", date(2026, 3, 9), date(2026, 3, 10))]
    last = store.history("115-質-0457")[-1]
    assert last.action == "deadline" and "颱風停班" in (last.reason or "")
    restored = store.remove_override(date(2026, 3, 5))
    assert restored == [("115-質-0457", date(2026, 3, 10), date(2026, 3, 9))]


def test_agency_summary(store: CaseStore) -> None:
    seed(store)
    summary = {s.agency: s for s in store.agency_summary()}
    udd = summary["urban-development"]
    assert (udd.total, udd.open, udd.overdue) == (3, 2, 1)
    assert summary["transport"].due_soon == 1
    assert summary["environment"].due_soon == 0


def test_concurrent_updates_lose_no_history(store: CaseStore) -> None:
    store.add(interpellation())
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        clerk = CaseStore(store.engine, actor=f"承辦{number}", today=store.today)
        try:
            for round_ in range(5):
                clerk.update("115-質-0457", notes=f"{number}-{round_}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    history = store.history("115-質-0457")
    notes = [h for h in history if h.field == "notes"]
    assert len(notes) == 40
    # Each row's old value is the previous row's new value: no update was lost in between.
    for previous, current in itertools.pairwise(notes):
        assert current.old_value == previous.new_value
    assert store.get("115-質-0457").notes == notes[-1].new_value
