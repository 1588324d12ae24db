"""Taipei City Government agencies and their many names (臺北市政府都市發展局 = 都發局)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any

import yaml

from yishi.errors import InputError

ROOT_LEVEL = "市府"
# Said before an agency's name without changing which agency it is ("北市府工務局").
CITY_PREFIXES = ("臺北市政府", "台北市政府", "北市府", "臺北市", "台北市", "北市", "市府", "本府")
# An unlisted last part of a path that is an office inside the unit before it
# ("環保局內湖區清潔隊", "聯合醫院仁愛院區"): the path resolves to that unit. Not 處/局/會: an
# unlisted one is more likely a misspelt agency ("都發局都發處") than an office inside one.
INTERNAL_UNIT_LONGEST = 10
INTERNAL_UNIT = re.compile(r"(?:科|室|組|課|股|隊|院區|分院|館|站|廠|所|中心|場|園|校)$")
# Between agencies in one value: "產業局、文化局", "交通局/警察局", "交通局, 公園處".
SEPARATORS = re.compile(r"[、,，/／;；|｜+＋&＆\s]+")
# Words that join agencies inside one piece: "都發局及住都中心", "由工務局會同都發局".
CONNECTORS = re.compile(r"以及|會同|協同|偕同|配合|併同|及|與|和|暨|跟|並")
# A remainder starting so is another agency, not an office inside the one before it. Not 和:
# "聯合醫院和平婦幼院區".
STARTS_WITH_CONNECTOR = re.compile(r"(?:以及|會同|協同|偕同|配合|併同|及|與|暨|並)")
LEADING_WORDS = re.compile(r"^(?:並請|由|請|並)")
TRAILING_WORDS = re.compile(r"(?:共同|一起)?(?:辦理|主辦|協辦|負責|處理|研議|研處|等)$")
# The kind of office a name ends with; suggestions weigh the rest of the name more.
KINDS = ("委員會", "事務所", "中心", "公司", "大隊", "局", "處", "會", "所", "隊", "館", "院", "廠")
MIN_SIMILARITY = 0.5
MAX_SUGGESTED_LENGTH = 20  # longer text is a sentence, not a misspelt name
# After a name ending in 處, 處理/處所/處置 are words, not the office ("都市更新處理", "商業處所").
AFTER_OFFICE = "(?![理所置])"


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    short: str
    aliases: tuple[str, ...]
    level: str
    parent: str | None = None
    lookup: tuple[str, ...] = ()  # names accepted as a whole value, never searched for in text
    group: bool = False  # stands for a set of like units (各區清潔隊, 各分局)
    members: tuple[str, ...] = ()  # patterns of the names of a group's members
    in_text: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, self.short, *self.aliases)

    @property
    def all_names(self) -> tuple[str, ...]:
        return (*self.names, *self.lookup)


class UnknownAgency(InputError):
    """A name that is no known agency. The message, with suggestions, is built when read:
    ``resolve`` fails often on purpose (the minutes drafter tries clause after clause), and
    suggestions cost a few milliseconds each."""

    def __init__(self, registry: AgencyRegistry, name: str) -> None:
        self.registry, self.name = registry, name
        super().__init__(f"未知的機關：{name.strip()}")

    @property
    def message(self) -> str:
        return self.registry.explain(self.name)

    @message.setter
    def message(self, value: str) -> None:
        pass  # YishiError sets the plain message; the property above answers instead

    def __str__(self) -> str:
        return self.message


class AgencyRegistry:
    """Look agencies up by code or any of their names, or find them in free text."""

    def __init__(self, agencies: list[Agency]) -> None:
        self.agencies = agencies
        self._by_code = {a.code: a for a in agencies}
        self._by_name: dict[str, Agency] = {}
        for agency in agencies:
            for name in agency.all_names:
                for form in _forms(name):
                    self._by_name.setdefault(form, agency)
        self._longest = max(map(len, self._by_name), default=0)
        text_names = [
            form
            for agency in agencies
            if agency.in_text
            for name in agency.names
            for form in _forms(name)
            if self._by_name[form] is agency
        ]
        self._pattern = re.compile(_trie_pattern(text_names) if text_names else "(?!)")
        self._members = [(re.compile(p), a) for a in agencies for p in a.members]
        self._suggestions: dict[str, list[str]] = {}

    def get(self, code: str) -> Agency:
        try:
            return self._by_code[code]
        except KeyError:
            raise InputError(f"未知的機關代碼：{code}") from None

    def resolve(self, name: str) -> Agency:
        """The agency called ``name`` (official, short, alias, code or a path such as
        "工務局公園處", which gives the most specific unit); InputError, with suggestions, if none."""
        agency = self._resolve_one(name)
        if agency is None:
            raise UnknownAgency(self, name)
        return agency

    def resolve_many(self, text: str) -> tuple[Agency, list[Agency]]:
        """Lead agency and co-agencies of a value such as "產業局、文化局" or "由工務局會同都發局".

        InputError lists every part that is no known agency, each with suggestions.
        """
        found: list[Agency] = []
        unknown: list[str] = []
        for part in self._parts(text):
            units = self._units(part)
            if units is None:
                unknown.append(part)
            else:
                found.extend(units)
        if unknown:
            raise InputError("；".join(self.unknown_message(u) for u in unknown))
        if not found:
            raise InputError("未填機關")
        unique = list({a.code: a for a in found}.values())
        return unique[0], unique[1:]

    def suggest(self, name: str, *, limit: int = 3) -> list[str]:
        """Known names closest to ``name`` (for "是否為：…？"); empty when nothing is close."""
        key = _clean(name)
        if key not in self._suggestions:
            self._suggestions[key] = self._nearest(key, limit)
        return list(self._suggestions[key])

    def explain(self, name: str) -> str:
        """Why ``name`` does not resolve: each unknown part with suggestions, or that it names
        several agencies where one is wanted."""
        if len(self._parts(name)) > 1:
            try:
                lead, co = self.resolve_many(name)
            except InputError as exc:
                return exc.message
            names = "、".join(a.short for a in (lead, *co))
            return f"只能填一個機關：{name.strip()}（{names}）"
        return self.unknown_message(name)

    def unknown_message(self, name: str) -> str:
        hints = self.suggest(name)
        hint = f"（是否為：{'、'.join(hints)}？）" if hints else ""
        return f"未知的機關：{name.strip()}{hint}"

    def find_in_text(self, text: str) -> list[Agency]:
        """Agencies named in ``text``, in order of first mention, longest name winning."""
        found: dict[str, Agency] = {}
        for _start, _end, agency in self.mentions(text):
            found.setdefault(agency.code, agency)
        return list(found.values())

    def mentions(self, text: str) -> list[tuple[int, int, Agency]]:
        """Every agency name in ``text``: where it starts and ends, and whose it is."""
        return [
            (m.start(), m.end(), self._by_name[m.group(0)]) for m in self._pattern.finditer(text)
        ]

    def strip_names(self, text: str, replacement: str = "〇") -> str:
        """``text`` with every agency name replaced, so words inside names ("都發局") don't count."""
        return self._pattern.sub(replacement, text)

    def ancestors(self, agency: Agency) -> list[Agency]:
        """The units ``agency`` belongs to, nearest first (公園處 → 工務局)."""
        chain: list[Agency] = []
        current = self._by_code.get(agency.parent or "")
        while current is not None and current not in chain:
            chain.append(current)
            current = self._by_code.get(current.parent or "")
        return chain

    def __iter__(self) -> Iterator[Agency]:
        return iter(self.agencies)

    # Resolution

    def _resolve_one(self, name: str) -> Agency | None:
        text = _clean(name)
        if not text:
            return None
        exact = self._by_code.get(text)
        for variant in _variants(text):
            exact = exact or self._by_name.get(variant)
        if exact is not None:
            return exact
        for variant in _variants(text):
            path = self._path(variant)
            if path and self._is_chain(path):
                return path[-1]
        return None

    def _path(self, text: str) -> list[Agency] | None:
        """``text`` read as agency names one after another ("工務局公園處"), the last part
        possibly a group member ("內湖區清潔隊") or an unlisted office inside the unit before it."""
        units: list[Agency] = []
        position = 0
        while position < len(text):
            agency, end = self._name_at(text, position)
            if agency is None:
                rest = text[position:]
                member = self._member(rest, units[-1] if units else None)
                if member is not None:
                    units.append(member)
                elif not (units and self._is_internal_unit(rest)):
                    return None
                break
            units.append(agency)
            position = end
        return units or None

    def _name_at(self, text: str, position: int) -> tuple[Agency | None, int]:
        for length in range(min(self._longest, len(text) - position), 0, -1):
            agency = self._by_name.get(text[position : position + length])
            if agency is not None:
                return agency, position + length
        return None, position

    def _member(self, text: str, within: Agency | None) -> Agency | None:
        for pattern, group in self._members:
            if pattern.fullmatch(text) and (within is None or self._contains(within, group)):
                return group
        return None

    def _is_internal_unit(self, rest: str) -> bool:
        # An office's name is short and names no act: "資訊室", "中正第一分隊", not
        # "每個禮拜丟一次到群組" (a sentence that happens to end in 組).
        if (
            len(rest) > INTERNAL_UNIT_LONGEST
            or re.search(r"[把要的了給到]|一次|每", rest)
            or not INTERNAL_UNIT.search(rest)
            or STARTS_WITH_CONNECTOR.match(rest)
            or SEPARATORS.search(rest)
        ):
            return False
        return all(self._name_at(rest, i)[0] is None for i in range(len(rest)))

    def _contains(self, outer: Agency, inner: Agency) -> bool:
        return outer is inner or outer.level == ROOT_LEVEL or outer in self.ancestors(inner)

    def _is_chain(self, units: list[Agency]) -> bool:
        return all(self._contains(a, b) for a, b in pairwise(units))

    def _parts(self, text: str) -> list[str]:
        whole = _trim(_clean(text))
        if whole and self._resolve_one(whole) is not None:
            return [whole]
        parts: list[str] = []
        for piece in SEPARATORS.split(text):
            piece = _trim(piece)
            if not piece:
                continue
            if self._resolve_one(piece) is not None:
                parts.append(piece)
                continue
            parts.extend(p for p in map(_trim, self._split_at_connectors(piece)) if p)
        return parts

    def _split_at_connectors(self, piece: str) -> list[str]:
        """``piece`` cut at 及/會同/與… that are not inside a name (住宅及都市更新中心)."""
        parts: list[str] = []
        start = position = 0
        while position < len(piece):
            agency, end = self._name_at(piece, position)
            if agency is not None:
                position = end
                continue
            connector = CONNECTORS.match(piece, position)
            if connector is not None:
                parts.append(piece[start:position])
                start = position = connector.end()
                continue
            position += 1
        parts.append(piece[start:])
        return parts

    def _units(self, part: str) -> list[Agency] | None:
        agency = self._resolve_one(part)
        if agency is not None:
            return [agency]
        for variant in _variants(_clean(part)):
            path = self._path(variant)
            if path:  # names run together without a separator: "工務局交通局"
                return path
        return None

    def _nearest(self, name: str, limit: int) -> list[str]:
        query = _without_city(name)
        if not query or len(query) > MAX_SUGGESTED_LENGTH:
            return []
        scored: list[tuple[float, str, Agency]] = []
        for agency in self.agencies:
            score, best = max(
                (_similarity(query, _without_city(n)), -len(n), n) for n in agency.all_names
            )[::2]
            if score >= MIN_SIMILARITY:
                scored.append((score, best, agency))
        scored.sort(key=lambda item: -item[0])
        names: list[str] = []
        for score, best, agency in scored[:limit]:
            if score < scored[0][0] - 0.15:
                break
            names += [n for n in dict.fromkeys((best, agency.short)) if n not in names]
        return names


def _forms(name: str) -> set[str]:
    return {name, name.replace("臺", "台")}


def _clean(name: str) -> str:
    return re.sub(r"\s+", "", name)


def _trim(piece: str) -> str:
    previous = None
    while previous != piece:
        previous = piece
        piece = TRAILING_WORDS.sub("", LEADING_WORDS.sub("", piece.strip()))
    return piece


def _variants(text: str) -> list[str]:
    """``text`` and ``text`` without a leading 臺北市政府/北市/市府…"""
    variants = [text]
    for prefix in CITY_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            variants.append(text[len(prefix) :])
    return variants


def _without_city(name: str) -> str:
    text = name.replace("台", "臺")
    for prefix in ("臺北市政府", "北市府", "臺北市", "北市"):
        if text.startswith(prefix) and len(text) > len(prefix):
            return text[len(prefix) :]
    return text


def _similarity(query: str, name: str) -> float:
    """How alike two names are: mostly the stem (都發 in 都發處), a little the kind of office."""
    query_stem, query_kind = _split_kind(query)
    name_stem, name_kind = _split_kind(name)
    stems = SequenceMatcher(None, query_stem, name_stem).ratio()
    return 0.8 * stems + (0.2 if query_kind and query_kind == name_kind else 0.0)


def _split_kind(name: str) -> tuple[str, str]:
    for kind in KINDS:
        if name.endswith(kind) and len(name) > len(kind):
            return name[: -len(kind)], kind
    return name, ""


def _trie_pattern(names: Iterable[str]) -> str:
    """One regex for many names, factored by common prefixes so that matching costs about the
    same with 600 names as with 100; at each position the longest name wins."""
    trie: dict[str, Any] = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = name
    return _node_pattern(trie)


def _node_pattern(node: dict[str, Any]) -> str:
    branches = [re.escape(char) + _node_pattern(child) for char, child in node.items() if char]
    if "" in node:  # a name ends here; tried after every longer one
        branches.append(AFTER_OFFICE if node[""].endswith("處") else "")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _agency(entry: dict[str, Any]) -> Agency:
    return Agency(
        code=entry["code"],
        name=entry["name"],
        short=entry["short"],
        aliases=tuple(entry.get("aliases", [])),
        level=entry["level"],
        parent=entry.get("parent"),
        lookup=tuple(entry.get("lookup", [])),
        group=bool(entry.get("group", False)),
        members=tuple(entry.get("members", [])),
        in_text=bool(entry.get("in_text", True)),
    )


@lru_cache(maxsize=1)
def default_agencies() -> AgencyRegistry:
    text = resources.files("inquiries").joinpath("data/agencies.yaml").read_text("utf-8")
    return AgencyRegistry([_agency(e) for e in yaml.safe_load(text)["agencies"]])
