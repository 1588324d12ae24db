"""The language model: any OpenAI-compatible server (the only ``openai`` importer)."""

from __future__ import annotations

from dataclasses import dataclass

import openai

from yishi.config import Settings
from yishi.errors import UpstreamError


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
