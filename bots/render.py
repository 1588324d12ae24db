"""Turn a conversation reply into plain data both chat platforms can use."""

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
