"""Taipei City Government agencies and their many names (臺北市政府都市發展局 = 都發局)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from yishi.errors import InputError


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    short: str
    aliases: tuple[str, ...]
    level: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, self.short, *self.aliases)


class AgencyRegistry:
    """Look agencies up by code or any of their names, or find them in free text."""

    def __init__(self, agencies: list[Agency]) -> None:
        self.agencies = agencies
        self._by_code = {a.code: a for a in agencies}
        self._by_name: dict[str, Agency] = {}
        for agency in agencies:
            for name in agency.names:
                for form in _forms(name):
                    self._by_name.setdefault(form, agency)
        names = sorted(self._by_name, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, names)))

    def get(self, code: str) -> Agency:
        try:
            return self._by_code[code]
        except KeyError:
            raise InputError(f"未知的機關代碼：{code}") from None

    def resolve(self, name: str) -> Agency:
        """The agency called ``name`` (official, short, alias or code); InputError if none."""
        text = name.strip()
        agency = self._by_code.get(text) or self._by_name.get(text)
        if agency is None:
            agency = self._by_name.get(text.removeprefix("臺北市政府").removeprefix("臺北市"))
        if agency is None:
            raise InputError(f"未知的機關：{name}")
        return agency

    def find_in_text(self, text: str) -> list[Agency]:
        """Agencies named in ``text``, in order of first mention, longest name winning."""
        found: dict[str, Agency] = {}
        for match in self._pattern.finditer(text):
            agency = self._by_name[match.group(0)]
            found.setdefault(agency.code, agency)
        return list(found.values())

    def strip_names(self, text: str, replacement: str = "〇") -> str:
        """``text`` with every agency name replaced, so words inside names ("都發局") don't count."""
        return self._pattern.sub(replacement, text)

    def __iter__(self) -> Iterator[Agency]:
        return iter(self.agencies)


def _forms(name: str) -> set[str]:
    return {name, name.replace("臺", "台")}


@lru_cache(maxsize=1)
def default_agencies() -> AgencyRegistry:
    text = resources.files("inquiries").joinpath("data/agencies.yaml").read_text("utf-8")
    entries = yaml.safe_load(text)["agencies"]
    return AgencyRegistry(
        [
            Agency(
                code=e["code"],
                name=e["name"],
                short=e["short"],
                aliases=tuple(e.get("aliases", [])),
                level=e["level"],
            )
            for e in entries
        ]
    )
