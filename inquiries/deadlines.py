"""Working-day deadlines: Taiwan's holidays and make-up days, staff overrides, rules as data."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import holidays
import yaml

from inquiries.vocabulary import Kind, Priority
from yishi.errors import ConfigError, InputError

CountFrom = Literal["received", "next_working_day"]
_WEEKDAYS = "一二三四五六日"
# Deadlines run far past the received date only for long rules; this bounds the search.
_MAX_SEARCH_DAYS = 366


@dataclass(frozen=True)
class DeadlineRule:
    id: str
    kind: Kind
    priority: Priority
    working_days: int
    count_from: CountFrom
    effective_from: date
    basis: str


@dataclass(frozen=True)
class CalendarOverride:
    day: date
    working: bool
    reason: str


class RuleBook:
    """Every deadline rule, old and new; a case takes the newest in force on its received day."""

    def __init__(self, rules: Iterable[DeadlineRule]) -> None:
        self.rules = sorted(rules, key=lambda r: r.effective_from, reverse=True)

    def rule_for(self, kind: Kind, priority: Priority, received: date) -> DeadlineRule:
        for rule in self.rules:
            if rule.kind == kind and rule.priority == priority and rule.effective_from <= received:
                return rule
        raise InputError(f"沒有適用於 {kind}／{priority}（收文 {received}）的期限規則")

    @classmethod
    def load(cls, path: Path | None = None) -> RuleBook:
        if path is None:
            text = (
                resources.files("inquiries").joinpath("data/deadline_rules.yaml").read_text("utf-8")
            )
            return _default_rulebook(text)
        if not path.is_file():
            raise ConfigError(f"找不到期限規則檔：{path}")
        return cls(_parse_rules(path.read_text("utf-8"), path.name))


@lru_cache(maxsize=1)
def _default_rulebook(text: str) -> RuleBook:
    return RuleBook(_parse_rules(text, "deadline_rules.yaml"))


def _parse_rules(text: str, name: str) -> list[DeadlineRule]:
    try:
        entries = (yaml.safe_load(text) or {}).get("rules", [])
        rules = [
            DeadlineRule(
                id=str(e["id"]),
                kind=Kind(e["kind"]),
                priority=Priority(e["priority"]),
                working_days=int(e["working_days"]),
                count_from=_count_from(e.get("count_from", "received")),
                effective_from=_as_date(e["effective_from"]),
                basis=str(e["basis"]),
            )
            for e in entries
        ]
    except (yaml.YAMLError, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ConfigError(f"期限規則檔 {name} 格式錯誤：{exc}") from exc
    if any(rule.working_days < 1 for rule in rules):
        raise ConfigError(f"期限規則檔 {name}：工作天數必須至少為 1")
    return rules


def _count_from(value: str) -> CountFrom:
    if value == "received":
        return "received"
    if value == "next_working_day":
        return "next_working_day"
    raise ValueError(f"count_from 不可為 {value}")


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@dataclass
class WorkCalendar:
    """Taiwan's working days (holidays.TW, with make-up Saturdays) plus staff overrides."""

    overrides: Mapping[date, CalendarOverride] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._holidays = holidays.country_holidays("TW", language="zh_TW")

    def is_working_day(self, day: date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override.working
        return bool(self._holidays.is_working_day(day))

    def closure_reason(self, day: date) -> str | None:
        """Why ``day`` is not a working day, or None when it is one."""
        if self.is_working_day(day):
            return None
        override = self.overrides.get(day)
        if override is not None:
            return override.reason
        name = self._holidays.get(day)
        if name:
            return str(name)
        return f"週{_WEEKDAYS[day.weekday()]}"

    def add_working_days(
        self, received: date, days: int, *, count_from: CountFrom
    ) -> tuple[date, list[tuple[date, str]]]:
        """The ``days``-th working day, and the closed days skipped on the way."""
        skipped: list[tuple[date, str]] = []
        try:
            day = received if count_from == "received" else received + timedelta(days=1)
            counted = 0
            for _ in range(_MAX_SEARCH_DAYS + days * 3):
                reason = self.closure_reason(day)
                if reason is None:
                    counted += 1
                    if counted == days:
                        return day, skipped
                else:
                    skipped.append((day, reason))
                day += timedelta(days=1)
        except OverflowError:
            raise InputError(f"收文日期 {received} 太晚，無法計算期限") from None
        raise InputError(f"自 {received} 起一年內找不到第 {days} 個工作天，請檢查行事曆設定")

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``.

        From per-year running counts of Taiwan's working days, then the overrides in range:
        a case years overdue costs a few lookups, not a walk over every day (that walk was half
        of the bots' time on a list of overdue cases).
        """
        if end <= start:
            return 0
        count = _national_working_days(start, end)
        for day, override in self.overrides.items():
            if start < day <= end:
                count += int(override.working) - int(_national_working_day(day))
        return count


@lru_cache(maxsize=1)
def _national() -> holidays.HolidayBase:
    return holidays.country_holidays("TW", language="zh_TW")


def _national_working_day(day: date) -> bool:
    return bool(_national().is_working_day(day))


_COUNTING = threading.Lock()


@lru_cache(maxsize=512)
def _running_counts(year: int) -> tuple[int, ...]:
    """counts[k]: Taiwan's working days among the first k days of ``year`` (no overrides)."""
    first = date(year, 1, 1).toordinal()
    length = (date(year, 12, 31).toordinal() - first) + 1
    counts = [0]
    # holidays fills a year on first use and is not thread-safe while it does: another thread
    # could read a half-filled year, and the wrong count would stay cached.
    with _COUNTING:
        for offset in range(length):
            counts.append(counts[-1] + _national_working_day(date.fromordinal(first + offset)))
    return tuple(counts)


def _national_working_days(start: date, end: date) -> int:
    """Working days in (start, end] by the national calendar alone."""
    total = 0
    for year in range(start.year, end.year + 1):
        counts = _running_counts(year)
        after = start.timetuple().tm_yday if year == start.year else 0
        upto = end.timetuple().tm_yday if year == end.year else len(counts) - 1
        total += counts[upto] - counts[after]
    return total


@dataclass(frozen=True)
class Deadline:
    received: date
    due: date
    rule: DeadlineRule
    skipped: tuple[tuple[date, str], ...]

    def explain(self) -> str:
        """One zh-TW paragraph: the rule, the days skipped, the date."""
        start = "收文當日起算" if self.rule.count_from == "received" else "自次一工作日起算"
        text = (
            f"{self.rule.basis}。自 {self.received.isoformat()} 收文，{start}第 "
            f"{self.rule.working_days} 個工作天，期限為 {self.due.isoformat()}"
            f"（週{_WEEKDAYS[self.due.weekday()]}）"
        )
        if self.skipped:
            text += "；略過 " + "、".join(_describe_runs(self.skipped))
        return text + f"。〔規則 {self.rule.id}，{self.rule.effective_from.isoformat()} 起適用〕"


def deadline_for(
    kind: Kind,
    priority: Priority,
    received: date,
    *,
    rules: RuleBook,
    calendar: WorkCalendar,
) -> Deadline:
    rule = rules.rule_for(kind, priority, received)
    due, skipped = calendar.add_working_days(
        received, rule.working_days, count_from=rule.count_from
    )
    return Deadline(received=received, due=due, rule=rule, skipped=tuple(skipped))


def _describe_runs(skipped: tuple[tuple[date, str], ...]) -> list[str]:
    """Group consecutive closed days: "2/14–2/22（週六、週日、農曆除夕、春節）"."""
    runs: list[list[tuple[date, str]]] = []
    for day, reason in skipped:
        if runs and (day - runs[-1][-1][0]).days == 1:
            runs[-1].append((day, reason))
        else:
            runs.append([(day, reason)])
    described = []
    for run in runs:
        first, last = run[0][0], run[-1][0]
        span = _md(first) if first == last else f"{_md(first)}–{_md(last)}"
        reasons = "、".join(dict.fromkeys(_base_reason(r) for _, r in run))
        described.append(f"{span}（{reasons}）")
    return described


def _base_reason(reason: str) -> str:
    return "週末" if reason in {"週六", "週日"} else reason


def _md(day: date) -> str:
    return f"{day.month}/{day.day}"
