"""Prompt templates as files; ``render(name, **vars)`` fills one and reports its version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import jinja2

_VERSION = re.compile(r"\{#\s*version:\s*(?P<version>[\w./-]+)\s*#\}")


@dataclass(frozen=True)
class RenderedPrompt:
    name: str
    version: str
    text: str


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(_source),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # plain text for a language model, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _source(name: str) -> str:
    return resources.files("prompts").joinpath(f"{name}.md.j2").read_text("utf-8")


def version_of(name: str) -> str:
    match = _VERSION.search(_source(name))
    if match is None:
        raise ValueError(f"prompt {name} has no version comment")
    return match.group("version")


def render(name: str, **variables: Any) -> RenderedPrompt:
    """Render ``prompts/<name>.md.j2``; a missing variable is an error, never blank text."""
    text = _environment().get_template(name).render(**variables)
    return RenderedPrompt(name=name, version=version_of(name), text=text.strip() + "\n")


__all__ = ["RenderedPrompt", "render", "version_of"]
