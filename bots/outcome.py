"""How a send to a chat platform can end short of success: try again later, or never."""

from __future__ import annotations


class RetryLater(Exception):
    """The platform or the network failed for now (5xx, 429, timeout): retry after ``after``."""

    def __init__(self, after: float, reason: str) -> None:
        super().__init__(reason)
        self.after = after
        self.reason = reason


class GiveUp(Exception):
    """The platform refused the message for good (400, 401): retrying cannot help."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
