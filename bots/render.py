"""What both chat platforms share: drawing a reply, and remembering recent deliveries."""

from __future__ import annotations

from bots.conversation import CaseCard

LINE_TEXT_LIMIT = 5000
TELEGRAM_TEXT_LIMIT = 4096


def card_lines(card: CaseCard) -> list[str]:
    late = "（逾期）" if card.overdue else ""
    return [
        f"{card.id}｜{card.kind}｜{card.status}",
        card.title,
        f"{card.agency}｜期限 {card.due:%Y-%m-%d}{late}",
    ]


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 2] + "…"


class RecentIds:
    """The webhook event ids seen lately, so a redelivery is dropped without a database trip."""

    def __init__(self, size: int = 10_000) -> None:
        self._seen: dict[str, None] = {}
        self._size = size

    def first(self, event_id: str) -> bool:
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        if len(self._seen) > self._size:
            self._seen.pop(next(iter(self._seen)))
        return True
