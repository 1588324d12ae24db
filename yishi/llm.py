"""The language model: any OpenAI-compatible server (the only ``openai`` importer)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import openai
from pydantic import BaseModel, ValidationError

from yishi.config import Settings
from yishi.errors import UpstreamError

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class LLMReply:
    content: str
    model: str


class LLMClient:
    """Chat completions with timeouts, retries and errors translated for staff."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 120.0,
        max_retries: int = 2,
        temperature: float = 0.1,
    ) -> None:
        self.model = model
        self.base_url = base_url
        self.temperature = temperature
        self._client = openai.OpenAI(
            base_url=base_url,
            # Local servers (vLLM, Ollama) ignore the key, but the SDK insists on one.
            api_key=api_key or "not-needed",
            timeout=timeout,
            max_retries=max_retries,
        )

    def complete(self, messages: list[dict[str, str]], *, json_mode: bool = False) -> LLMReply:
        """One chat completion; ``json_mode`` asks the server for a JSON object."""
        try:
            response = self._client.chat.completions.create(  # type: ignore[call-overload]
                model=self.model,
                messages=messages,
                temperature=self.temperature,
                response_format={"type": "json_object"} if json_mode else openai.NOT_GIVEN,
            )
        except openai.APITimeoutError as exc:
            raise UpstreamError("語言模型回應逾時", service="llm") from exc
        except openai.APIConnectionError as exc:
            raise UpstreamError(f"無法連線語言模型服務：{self.base_url}", service="llm") from exc
        except openai.AuthenticationError as exc:
            raise UpstreamError("語言模型服務拒絕金鑰（401）", service="llm", status=401) from exc
        except openai.RateLimitError as exc:
            raise UpstreamError(
                "語言模型服務忙碌（429），請稍後再試", service="llm", status=429
            ) from exc
        except openai.APIStatusError as exc:
            raise UpstreamError(
                f"語言模型服務錯誤（{exc.status_code}）", service="llm", status=exc.status_code
            ) from exc
        choice = response.choices[0] if response.choices else None
        content = choice.message.content if choice and choice.message else None
        if not content:
            raise UpstreamError("語言模型沒有回傳內容", service="llm")
        return LLMReply(content=content, model=response.model or self.model)


def llm_from_settings(settings: Settings) -> LLMClient | None:
    """The configured model, or None when no server is set (the rule-based path runs)."""
    if not settings.llm_base_url or not settings.llm_model:
        return None
    return LLMClient(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        timeout=settings.llm_timeout_seconds,
        max_retries=settings.llm_max_retries,
        temperature=settings.llm_temperature,
    )


def complete_structured(
    client: LLMClient,
    prompt: str,
    schema: type[Model],
    *,
    repair: Callable[[str], str],
    max_repairs: int = 2,
) -> tuple[Model, LLMReply]:
    """Ask for JSON matching ``schema``; on a bad answer, say what was wrong and ask again.

    ``repair(error)`` gives the follow-up message (a versioned prompt of the caller's).
    """
    messages = [{"role": "user", "content": prompt}]
    for attempt in range(max_repairs + 1):
        reply = client.complete(messages, json_mode=True)
        try:
            return schema.model_validate(json_object(reply.content)), reply
        except (ValueError, ValidationError) as exc:
            if attempt == max_repairs:
                raise UpstreamError(
                    f"語言模型連續 {max_repairs + 1} 次回傳格式不符的內容", service="llm"
                ) from exc
            messages += [
                {"role": "assistant", "content": reply.content},
                {"role": "user", "content": repair(str(exc).splitlines()[0][:300])},
            ]
    raise AssertionError("unreachable")  # pragma: no cover


def json_object(content: str) -> dict[str, object]:
    """The JSON object in a model's answer, with or without a code fence around it."""
    text = content.strip()
    fenced = re.search(r"```(?:json)?\s*(\{.*\})\s*```", text, re.DOTALL)
    if fenced:
        text = fenced.group(1)
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("回覆中沒有 JSON 物件")
    data = json.loads(text[start : end + 1])
    if not isinstance(data, dict):
        raise ValueError("回覆不是 JSON 物件")
    return data
