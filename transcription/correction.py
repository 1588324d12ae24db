"""Domain correction after recognition: glossary terms heard as homophones (教通局 → 交通局).

Whisper writes a municipal term it misheard as another word with the same or a near sound:
採署/才是 for 裁示, 教通局 for 交通局, 義員 for 議員, 收明 for 說明. Each window of the recognised
text is compared with the glossary terms by pinyin, tone-insensitive, with near initials and
finals (zh/z, n/l, an/ang…) counting part of a difference. A window is rewritten only when
the evidence is strong enough for its kind of term, and never when the window is itself an
ordinary word (醫院 is not 議員), or when rewriting it would split an ordinary word around it
(研究所資料 keeps its 所資). The recognised text is kept beside the correction for audit.

Ordinary words are jieba's dictionary (349k Simplified words with frequencies, read as data;
jieba's segmenter is not used), looked up through OpenCC ``t2s``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pypinyin import Style, pinyin

from transcription.glossary import Glossary
from yishi.zh import to_simplified

_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q",
             "x", "r", "z", "c", "s", "y", "w")  # fmt: skip
# Pairs Taiwan Mandarin speakers (and Whisper) confuse; each costs a quarter of a syllable.
_NEAR_INITIALS = {frozenset(p) for p in (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"),
                                         ("f", "h"), ("r", "l"), ("j", "zh"), ("q", "ch"))}  # fmt: skip
_NEAR_FINALS = {frozenset(p) for p in (("an", "ang"), ("en", "eng"), ("in", "ing"), ("ian", "iang"),
                                       ("uan", "uang"), ("e", "o"), ("uo", "o"), ("eng", "ong"),
                                       ("i", "ü"), ("ie", "üe"), ("un", "ün"), ("an", "üan"),
                                       ("uo", "ou"))}  # fmt: skip
CORRECTION_VERSION = "pinyin-glossary/1"
TAIWAN_WORD_FREQUENCY = 50  # ordinary (≥ 3), yet rarer than an exact-sounding name needs (100)
NEAR_COST = 0.25
INITIAL_COST = 0.5
FINAL_COST = 0.6

# Suffixes that make a term a proper name (an agency, a district): the suffix anchors the match.
NAME_SUFFIXES = (
    "局",
    "處",
    "會",
    "區公所",
    "所",
    "中心",
    "隊",
    "區",
    "里",
    "公司",
    "站",
    "線",
    "館",
    "院",
)
# Twelve short, like-sounding district names: near-exact only, unless 區公所 follows.
DISTRICT_SUFFIXES = ("區",)
# A suffix after these is a measure word, not a name: 完成幾處, 三十五處, 各中心.
_COUNTED = re.compile(r"[幾多各此這那每某該一二兩三四五六七八九十百千0-9]$")
# What follows an agency's name when it is told what to do or says what it will do.
_TOLD_AFTER = re.compile(
    r"(?:這邊|那邊)?(?:要|會同|協助|配合|幫忙|主政|負責|把|先|盡快|儘速|立即|今天|明天|這週|這禮拜|本週|下週|下次|下禮拜"
    r"|年底|月底|[0-9一二兩三四五六七八九十]+\s*個?(?:天|週|禮拜|月|工作天)"
    # …or given the floor: 請北水出報告, 政風觸派員到場; or its head named: 請社會及主秘
    r"|報告|說明|補充|派員|出席|局長|處長|主秘|主任秘書|主委"
    # …or turned to in the second person: 資訊君你們繼續做
    r"|你們)"
)
# A name sent to do something, which no word starting with its suffix could be: 言考會去催
# (會去 is a word, but not after a name).
_SENT_AFTER = re.compile(r"去(?!年)|來(?!的|說)|再(?!見)")
# 各 heard as its homophone 個 before the groups a chair addresses (各機關, 各區公所), where only
# 各 can stand: after a pause or a request (請個區公所); a count (十二個區公所), a demonstrative
# (這個機關) or 有個單位 keeps 個.
_EACH_HEARD_AS_COUNTED = re.compile(
    r"(?:^|(?<=[請由，。、\s])|(?<=麻煩|拜託|會同|提醒|要求|通知)|(?<=[跟和給向]))"
    r"個(?=機關|局處|區公所|區清潔隊|分局|單位)"
)
# Where a name may start: after a pause, a request or a partner word.
_NAME_MAY_FOLLOW = re.compile(
    r"(?:^|[\s，。、！？,.]|請|由|跟|和|與|及|交給|麻煩|拜託|另外|這個|那個)$"
)
_CJK = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")


@dataclass(frozen=True)
class Syllable:
    initial: str
    final: str


@dataclass(frozen=True)
class DomainTerm:
    """A term to restore, and the words that, said next to it, make a near sound enough."""

    text: str
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Entry:
    term: DomainTerm
    syllables: tuple[Syllable, ...]


@dataclass(frozen=True)
class Change:
    start: int
    heard: str
    term: str
    distance: float


@dataclass(frozen=True)
class Corrected:
    text: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class CorrectionLimits:
    """How much sound difference each kind of evidence allows (fitted on development data)."""

    name_per_syllable: float = 0.3  # anchored names, on average: 教通局 → 交通局
    name_syllable_max: float = 0.6  # and no syllable further off than a changed final
    word_total: float = 0.25  # words sharing a character, without a cue: 義員 → 議員
    cued_total: float = 0.6  # words said beside one of their cues: 主席採署 → 主席裁示
    homophone_suffix_total: float = 0.0  # names whose suffix was heard as a homophone: 水歷出
    ordinary_frequency: int = 3  # a window this common in the word list is left alone
    exact_name_frequency: int = 100  # … unless it sounds exactly like a name and is rarer
    cue_reach: int = 4  # characters either side searched for a cue
    # A name said where a chair names whom to tell, and told what to do (請副訊局協助 →
    # 資訊局): one syllable of the stem may be further off, if another is heard exactly.
    told_name_per_syllable: float = 0.55
    told_syllable_max: float = 1.1


class DomainCorrector:
    """Rewrite glossary terms heard as homophones; ``correct`` returns the text and each change."""

    def __init__(
        self,
        terms: Iterable[DomainTerm],
        limits: CorrectionLimits | None = None,
        *,
        keep: Iterable[str] = (),
    ) -> None:
        """``keep``: names that are no terms but must never be rewritten into one (養工處)."""
        self.limits = limits or CorrectionLimits()
        self._known: set[str] = set()
        # A rewrite needs a character in common with the term (names share their suffix), or a
        # cue beside it: so candidates come from the characters of the text, which keeps this
        # fast (a few thousand characters a second would be too slow for a day of meetings).
        self._by_char: dict[str, list[tuple[int, _Entry]]] = {}
        self._with_cues: list[_Entry] = []
        for term in terms:
            if len(term.text) < 2 or not _CJK.match(term.text) or term.text in self._known:
                continue
            self._known.add(term.text)
            entry = _Entry(term, _term_syllables(term.text))
            for offset, char in enumerate(_folded(term.text)):
                self._by_char.setdefault(char, []).append((offset, entry))
            if term.cues:
                self._with_cues.append(entry)
        self._known |= {name for name in keep if _CJK.match(name)}
        known = sorted(self._known, key=len, reverse=True)
        self._exact = re.compile("|".join(map(re.escape, known))) if known else None

    def reviewed(self, recognised: str) -> tuple[str, str | None]:
        """The text to show, and what was recognised when the correction changed it (audit)."""
        text = self.correct(recognised).text
        return text, (recognised if text != recognised else None)

    def correct(self, text: str) -> Corrected:
        changes: list[Change] = [
            Change(m.start(), "個", "各", 0.0) for m in _EACH_HEARD_AS_COUNTED.finditer(text)
        ]
        text = _EACH_HEARD_AS_COUNTED.sub("各", text)
        candidates = self._candidates(text)
        if not candidates:
            return Corrected(text, tuple(changes))
        readings = [_char_syllables(char) for char in text]
        # A term heard exactly is evidence too: no window starts inside one (秘書處秘書處 is
        # no 秘 + 市府秘書處).
        inside = {
            k
            for m in (self._exact.finditer(text) if self._exact else ())
            for k in range(m.start() + 1, m.end())
        }
        out: list[str] = []
        i = 0
        while i < len(text):
            options = () if i in inside else candidates.get(i, ())
            change = self._best_at(text, readings, i, options)
            if change is None:
                out.append(text[i])
                i += 1
                continue
            changes.append(change)
            out.append(change.term)
            i += len(change.term)
        return Corrected("".join(out), tuple(sorted(changes, key=lambda c: c.start)))

    def _candidates(self, text: str) -> dict[int, list[_Entry]]:
        found: dict[int, dict[str, _Entry]] = {}
        for j, char in enumerate(_folded(text)):
            for offset, entry in self._by_char.get(char, ()):
                start = j - offset
                if start >= 0 and start + len(entry.term.text) <= len(text):
                    found.setdefault(start, {})[entry.term.text] = entry
        for entry in self._with_cues:
            if any(cue in text for cue in entry.term.cues):
                for start in range(len(text) - len(entry.term.text) + 1):
                    found.setdefault(start, {})[entry.term.text] = entry
        return {
            start: sorted(entries.values(), key=lambda e: -len(e.term.text))
            for start, entries in found.items()
        }

    def _best_at(
        self,
        text: str,
        readings: list[tuple[Syllable, ...]],
        i: int,
        entries: Iterable[_Entry],
    ) -> Change | None:
        best: Change | None = None
        for entry in entries:
            length = len(entry.term.text)
            if best is not None and length < len(best.term):
                break  # the longest term that fits wins
            window = text[i : i + length]
            if window in self._known or not _CJK.match(window):
                continue
            budget = max(
                self.limits.name_per_syllable * length,
                self.limits.cued_total,
                self.limits.told_name_per_syllable * 2
                if length == 3 and _is_name(entry.term.text)
                else 0,
            )
            distance = _distance(readings[i : i + length], entry.syllables, budget)
            if distance > budget or not self._accept(text, i, window, entry.term, distance):
                continue
            if best is None or distance < best.distance:
                best = Change(i, window, entry.term.text, round(distance, 3))
        return best

    def _accept(self, text: str, i: int, window: str, term: DomainTerm, distance: float) -> bool:
        limits = self.limits
        if _is_name(term.text):
            suffix = next(s for s in NAME_SUFFIXES if term.text.endswith(s))
            stem = window[: -len(suffix)]
            # A name heard exactly is kept from the word list's rarer entries (人士處 is 人事處).
            common = limits.ordinary_frequency if distance > 0 else limits.exact_name_frequency
            if _ordinary(window, common):
                return False
            if not window.endswith(suffix):
                told = _told_after(text, i + len(window))
                right_edge = not _splits_word(
                    text, i, len(window), limits.ordinary_frequency, left=False
                )
                if (
                    told
                    and right_edge
                    and _name_may_start(text, i)
                    and _stem_said(stem, term.text[: -len(suffix)])
                    and len(stem) >= 2
                    and _worst_syllable(window, term.text) <= limits.name_syllable_max
                ):
                    # The stem said exactly and the suffix heard loosely, where a name may
                    # start and the name then told what to do: 請都發覺要, 由捷運職會同
                    # (都發局, 捷運局); 大家都發覺要 stays.
                    return True
                # A suffix heard as its homophone (主基礎, 水歷出 for 主計處, 水利處) anchors
                # only a near-exact name that splits no word after it (大地出現 stays); a stem
                # that is a word (主機出) needs the name told what to do after it.
                return (
                    _same_sound(window[-len(suffix) :], suffix)
                    and distance <= limits.homophone_suffix_total
                    and (right_edge or told)
                    and (told or not (len(stem) > 1 and _ordinary(stem, limits.ordinary_frequency)))
                )
            budget = (
                limits.word_total
                if suffix in DISTRICT_SUFFIXES
                else limits.name_per_syllable * max(1, len(stem))
            )
            after = text[i + len(window) : i + len(window) + 1]
            if (
                distance > budget
                and suffix not in DISTRICT_SUFFIXES
                and self._told_name(text, i, window, term.text[: -len(suffix)], distance)
            ):
                return True
            return (
                # A stem that is a word keeps its own suffix (事業處), unless the whole name
                # sounds exactly like the term (主記處 is 主計處).
                not (
                    len(stem) > 1
                    and _ordinary(stem, limits.ordinary_frequency)
                    and distance > 0
                    and suffix != "區公所"  # 信譽區公所 is 信義區公所
                )
                and not _COUNTED.search(stem)
                and distance <= budget
                and _worst_syllable(text[i : i + len(window)], term.text)
                <= limits.name_syllable_max
                # The suffix starting a word (業者之處分, 文書處理) is no name's end; a title is,
                # and so is the name told what to do (言考會去催: 會去 is no word there).
                and (
                    after == "長"
                    or _told_after(text, i + len(window))
                    or _sent_after(text, i + len(window))
                    or not _splits_word(text, i, len(window), limits.ordinary_frequency, left=False)
                )
            )
        if _splits_word(text, i, len(window), limits.ordinary_frequency):
            return False  # 到底是, 名單彙整, 主席指示事項 keep their words
        if _ordinary(window, limits.ordinary_frequency):
            return False  # a word is a word, cue or no cue: 謝謝醫院的協助, 預期的案件
        if self._cued(text, i, len(window), term) and distance <= limits.cued_total:
            return True
        # Characters in common, script folded: 台峰 shares 台 with 颱風.
        shared = sum(a == b for a, b in zip(_folded(window), _folded(term.text), strict=True))
        return shared > 0 and distance <= limits.word_total

    def _told_name(self, text: str, i: int, window: str, stem: str, distance: float) -> bool:
        """A name heard further off, where only a name can stand: after a pause, a request or
        a partner word, and told what to do after it (請副訊局協助 → 資訊局), with a syllable of
        its stem heard exactly and the stem no word of its own."""
        limits = self.limits
        heard = window[: len(stem)]
        return (
            len(stem) == 2  # the short names said most (資訊局, 人事處); longer ones run into words
            and distance <= limits.told_name_per_syllable * len(stem)
            and any(a == b or _same_sound(a, b) for a, b in zip(heard, stem, strict=True))
            and _worst_syllable(heard, stem) <= limits.told_syllable_max
            and not _ordinary(heard, limits.ordinary_frequency)
            and not _COUNTED.search(heard)
            and _name_may_start(text, i)
            and (_told_after(text, i + len(window)) or _sent_after(text, i + len(window)))
            and not _splits_word(text, i, len(window), limits.ordinary_frequency)
        )

    def _cued(self, text: str, i: int, length: int, term: DomainTerm) -> bool:
        reach = self.limits.cue_reach
        around = text[max(0, i - reach) : i] + "|" + text[i + length : i + length + reach]
        return any(cue in around for cue in term.cues)


def _name_may_start(text: str, i: int) -> bool:
    return i == 0 or _NAME_MAY_FOLLOW.search(text[max(0, i - 2) : i]) is not None


def _told_after(text: str, end: int) -> bool:
    return _TOLD_AFTER.match(text, end) is not None


def _sent_after(text: str, end: int) -> bool:
    return _SENT_AFTER.match(text, end) is not None


def _is_name(text: str) -> bool:
    return len(text) >= 3 and text.endswith(NAME_SUFFIXES)


def _folded(text: str) -> str:
    """``text`` in Simplified script, character for character (颱風 and 台風 share 台)."""
    folded = to_simplified(text)
    return folded if len(folded) == len(text) else text


def _stem_said(heard: str, wanted: str) -> bool:
    """The stem of a name said as it is, or in characters that sound exactly so (官傳 for 觀傳)."""
    return heard == wanted or (len(heard) == len(wanted) and _same_sound(heard, wanted))


def _same_sound(heard: str, wanted: str) -> bool:
    """Every character of ``heard`` has ``wanted``'s reading (tones aside): 出 for 處."""
    return all(
        _term_syllables(want)[0] in _char_syllables(char)
        for char, want in zip(heard, wanted, strict=True)
    )


def _worst_syllable(heard: str, term: str) -> float:
    wanted = _term_syllables(term)
    return max(
        min((_syllable_distance(s, want) for s in _char_syllables(char)), default=1.0)
        for char, want in zip(heard, wanted, strict=True)
    )


def _distance(
    heard: list[tuple[Syllable, ...]], term: tuple[Syllable, ...], budget: float
) -> float:
    total = 0.0
    for options, want in zip(heard, term, strict=True):
        total += min((_syllable_distance(s, want) for s in options), default=1.0)
        if total > budget:
            break
    return total


@lru_cache(maxsize=65536)
def _syllable_distance(a: Syllable, b: Syllable) -> float:
    return _part_cost(a.initial, b.initial, INITIAL_COST, _NEAR_INITIALS) + _part_cost(
        a.final, b.final, FINAL_COST, _NEAR_FINALS
    )


def _part_cost(a: str, b: str, full: float, near: set[frozenset[str]]) -> float:
    if a == b:
        return 0.0
    return NEAR_COST if frozenset((a, b)) in near else full


def _splits_word(text: str, i: int, length: int, frequency: int, *, left: bool = True) -> bool:
    """Whether an ordinary word runs across either edge (or only the right edge) of
    ``text[i:i+length]``."""
    for span in (2, 3, 4):
        for start in range(i - span + 1, i) if left else ():  # across the left edge
            if start >= 0 and _ordinary(text[start : start + span], frequency):
                return True
        end = i + length
        for start in range(max(i, end - span + 1), end):  # across the right edge
            stop = start + span
            if end < stop <= len(text) and _ordinary(text[start:stop], frequency):
                return True
    return False


def _ordinary(word: str, frequency: int) -> bool:
    return _word_frequencies().get(to_simplified(word), 0) >= frequency


@lru_cache(maxsize=1)
def _word_frequencies() -> dict[str, int]:
    text = resources.files("jieba").joinpath("dict.txt").read_text("utf-8")
    frequencies: dict[str, int] = {}
    for line in text.splitlines():
        word, count, *_ = line.split(" ")
        if len(word) > 1:
            frequencies[word] = int(count)
    # Taiwan's government words, as ordinary as a word can be and still yield to an exact name.
    taiwan = resources.files("transcription").joinpath("data/words-tw.txt").read_text("utf-8")
    for line in taiwan.splitlines():
        if line.strip() and not line.startswith("#"):
            frequencies.setdefault(to_simplified(line.strip()), TAIWAN_WORD_FREQUENCY)
    return frequencies


@lru_cache(maxsize=8192)
def _char_syllables(char: str) -> tuple[Syllable, ...]:
    """The usual reading of one character, without tone. Rare readings of heteronyms (立 wèi)
    made ordinary words sound like terms, so only the first is used."""
    readings = pinyin(char, style=Style.NORMAL, errors="ignore")
    return tuple(_split(r) for r in (readings[0] if readings else []))


@lru_cache(maxsize=4096)
def _term_syllables(term: str) -> tuple[Syllable, ...]:
    """The reading of a term in context (phrase-aware: 捷運 is jie yun)."""
    return tuple(_split(r[0]) for r in pinyin(term, style=Style.NORMAL, errors="default"))


def _split(reading: str) -> Syllable:
    reading = reading.replace("v", "ü")
    for initial in _INITIALS:
        if reading.startswith(initial) and len(reading) > len(initial):
            final = reading[len(initial) :]
            if initial in ("j", "q", "x", "y") and final.startswith("u"):
                final = "ü" + final[1:]  # ju is jü
            return Syllable(initial, final)
    return Syllable("", reading)


def corrector_for(glossary: Glossary, *, names: Iterable[str] = ()) -> DomainCorrector:
    """The corrector for a glossary, every agency name, and people's names (councillors)."""
    from inquiries import default_agencies

    terms = [DomainTerm(t.term, t.context) for t in glossary.terms]
    # Groups named by 各 (各區公所) are left to the minutes rules: 十二個區公所 is no mishearing.
    terms += [
        DomainTerm(name)
        for agency in default_agencies()
        for name in agency.names
        if not name.startswith("各")
    ]
    for name in names:
        terms += [DomainTerm(f"{name}議員"), DomainTerm(name, ("議員", "本席", "質詢"))]
    return DomainCorrector(terms, keep=_other_bodies())


@lru_cache(maxsize=1)
def _other_bodies() -> tuple[str, ...]:
    """Bodies that are not the city's agencies but are named in its meetings (data file)."""
    text = resources.files("transcription").joinpath("data/other-bodies.txt").read_text("utf-8")
    return tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
