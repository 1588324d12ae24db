"""One error hierarchy; every message is zh-TW, shown as is to staff at the edges."""

from __future__ import annotations


class YishiError(Exception):
    """A failure the user can act on; ``message`` is one line of zh-TW."""

    exit_code = 1

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class InputError(YishiError):
    """The user's input (file, option, row) cannot be used."""

    exit_code = 2


class NotFound(InputError):
    """A named file, model or record does not exist."""


class ConfigError(YishiError):
    """A setting is missing or invalid."""

    exit_code = 3


class ModelError(YishiError):
    """A speech or language model cannot be loaded or run."""

    exit_code = 4


class UpstreamError(YishiError):
    """A configured outside service failed."""

    exit_code = 5

    def __init__(self, message: str, *, service: str, status: int | None = None) -> None:
        super().__init__(message)
        self.service = service
        self.status = status


class SignatureError(YishiError):
    """A webhook's signature or secret did not verify."""

    exit_code = 6
