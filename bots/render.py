"""What both chat platforms share: drawing a reply, reading a webhook body within a limit."""

from __future__ import annotations

from starlette.requests import ClientDisconnect, Request

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


async def read_capped(request: Request, limit: int) -> tuple[bytes | None, int]:
    """The body, or None and the status to answer: 413 over ``limit``, 400 if the sender left."""
    declared = request.headers.get("Content-Length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        return None, 413 if declared.isdigit() else 400
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return None, 413
            chunks.append(chunk)
    except ClientDisconnect:
        return None, 400  # the sender gave up mid-request; the platform delivers again
    return b"".join(chunks), 200
