"""The domain's words: kinds of case, priorities and statuses, stored as staff write them."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    INTERPELLATION = "質詢"
    DATA_REQUEST = "索資"
    PETITION = "陳情"
    DIRECTIVE = "裁示"


class Priority(StrEnum):
    MOST_URGENT = "最速件"
    URGENT = "速件"
    NORMAL = "普通件"


class Status(StrEnum):
    RECEIVED = "收文"
    ASSIGNED = "分辦"
    IN_PROGRESS = "辦理中"
    REPLIED = "已答復"
    CLOSED = "結案"
    RELEASED = "解除列管"


OPEN_STATUSES = (Status.RECEIVED, Status.ASSIGNED, Status.IN_PROGRESS)
FINAL_STATUSES = (Status.CLOSED, Status.RELEASED)
STATUS_ORDER = {status: index for index, status in enumerate(Status)}

# The letter in a case number (114-質-0457) for each kind.
KIND_LETTER = {
    Kind.INTERPELLATION: "質",
    Kind.DATA_REQUEST: "索",
    Kind.PETITION: "陳",
    Kind.DIRECTIVE: "裁",
}


def parse_kind(value: str) -> Kind:
    text = value.strip()
    for kind in Kind:
        if text in {kind.value, kind.name.lower(), KIND_LETTER[kind]}:
            return kind
    aliases = {
        "書面質詢": Kind.INTERPELLATION,
        "索取資料": Kind.DATA_REQUEST,
        "人民陳情": Kind.PETITION,
        "主席裁示": Kind.DIRECTIVE,
        "指示事項": Kind.DIRECTIVE,
        "裁示事項": Kind.DIRECTIVE,
    }
    if text in aliases:
        return aliases[text]
    raise ValueError(f"案件類別「{value}」不明（可用：質詢、索資、陳情、裁示）")


def parse_priority(value: str) -> Priority:
    text = value.strip()
    for priority in Priority:
        if text in {priority.value, priority.name.lower()}:
            return priority
    if text in {"普通", "一般"}:
        return Priority.NORMAL
    raise ValueError(f"速別「{value}」不明（可用：最速件、速件、普通件）")


def parse_status(value: str) -> Status:
    text = value.strip()
    for status in Status:
        if text in {status.value, status.name.lower()}:
            return status
    aliases = {"已答覆": Status.REPLIED, "已結案": Status.CLOSED, "辦理": Status.IN_PROGRESS}
    if text in aliases:
        return aliases[text]
    raise ValueError(f"狀態「{value}」不明（可用：{'、'.join(s.value for s in Status)}）")
