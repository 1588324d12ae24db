"""Check the labels of the heldout14 meetings (run: python3 check_labels.py [--table]).

Written for this folder only (adapted from heldout13's checker, itself adapted from heldout12's);
it reads nothing of the system except inquiries/data/agencies.yaml of this checkout (agency names; the environment variable
AGENCIES_YAML may point at another copy, e.g. while the folder is outside a checkout). It checks that:

* each NAME.meeting.yaml loads and has the fields of tests/data/minutes/README.md;
* each meeting has 16-22 turns and 700-850 characters of turn text, 6-9 speakers, and its turns
  hold no Latin letters and no Arabic digits;
* the meeting date is a working weekday (a 市政會議 and a 主任秘書會報 a Tuesday, a 專案會議 a
  Wednesday) and is none of the heldout4 to heldout13 dates;
* every directive quote and discussion quote occurs exactly once in the meeting's turn text
  (never across a turn boundary), and a directive quote sits in a turn by the right speaker
  (the chair; in a 議會質詢 the mayor, since the presiding speaker only gives the floor);
* every agency and co-agency is a `short` name in agencies.yaml (co-agencies distinct from the lead
  and from each other);
* the directives are listed in the order in which they are said;
* the deadline words occur in the quote's turn, and `due` equals the deadline resolved by the rules
  of docs/deadline-phrases.md from the meeting date, with the closed-day calendar below; a
  resolution that depends on a day whose status the author is unsure of is an error;
* NAME.turns and NAME.txt hold exactly the YAML turn texts, in order;
* across the set, all four decisions (照案通過, 修正通過, 保留, 另案處理) are used.

Deadline words with 之內 or 以內 are read as 內 (兩週以內 = 兩週內), as the rules say.
"明天…N點前" (a clock time on the next day) is read as a point on D + 1, like 明天中午前.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
AGENCIES = Path(os.environ.get("AGENCIES_YAML") or HERE.parents[2] / "inquiries" / "data" / "agencies.yaml")

# Closed weekdays (government offices), as known to the author.
CLOSED = {
    # 2025
    "2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",
    "2025-02-28", "2025-04-03", "2025-04-04", "2025-05-30", "2025-10-06", "2025-10-10",
    # 2026
    "2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
    "2026-02-27", "2026-04-03", "2026-04-06", "2026-06-19", "2026-09-25", "2026-10-09",
}
OPEN_SATURDAYS = {"2025-02-08"}  # make-up working days
# The dates of the previous held-out sets (from their README tables); none may be reused.
EARLIER_DATES = {
    # heldout4
    "2025-06-24", "2025-12-02", "2026-03-03", "2025-10-16", "2026-04-28",
    "2025-03-25", "2025-08-26", "2025-07-15", "2025-10-21", "2026-06-09",
    # heldout5
    "2025-04-01", "2025-09-30", "2026-05-26", "2025-11-06", "2026-05-12",
    "2025-05-20", "2025-09-11", "2025-08-12", "2025-11-18", "2026-03-17",
    # heldout6
    "2025-02-18", "2025-12-16", "2026-10-06", "2025-10-02", "2026-05-05",
    "2025-07-23", "2026-02-04", "2025-01-14", "2025-07-08", "2026-09-08",
    # heldout7
    "2025-05-27", "2025-11-25", "2026-03-31", "2025-10-28", "2026-04-21",
    "2025-08-20", "2026-01-07", "2025-09-09", "2026-01-13", "2026-06-16",
    # heldout8
    "2025-10-07", "2026-02-24", "2026-09-22", "2025-11-13", "2026-05-19",
    "2025-09-03", "2026-03-25", "2025-03-11", "2025-12-09", "2026-08-11",
    # heldout9 (from its README table)
    "2025-04-22", "2026-01-27", "2026-06-02", "2025-05-22", "2026-10-13",
    "2025-12-17", "2026-01-21", "2025-01-21", "2025-10-14", "2026-09-15",
    # heldout10 (from its README table)
    "2025-12-30", "2026-02-10", "2026-07-14", "2025-10-30", "2026-05-07",
    "2025-03-19", "2026-07-22", "2025-02-11", "2025-09-16", "2026-03-10",
    # heldout11 (from its README table)
    "2025-04-15", "2025-07-29", "2026-04-14", "2025-05-15", "2025-12-04",
    "2025-08-13", "2026-01-14", "2025-06-10", "2025-11-11", "2026-08-04",
    # heldout12 (from its README table)
    "2025-09-23", "2026-03-24", "2026-11-17", "2025-11-20", "2026-05-14",
    "2025-09-17", "2026-03-04", "2025-03-04", "2025-08-05", "2026-06-23",
    # heldout13 (from its README table)
    "2025-08-19", "2026-02-03", "2026-10-20", "2025-06-05", "2026-06-04",
    "2025-07-02", "2025-11-05", "2025-06-03", "2025-12-23", "2026-07-07",
}
# Days the author is not sure about (new or changed holidays, 春節 edges, bridge days).
UNSURE = {
    "2025-05-01", "2025-09-29", "2025-10-24", "2025-12-25", "2026-01-02",
    "2026-02-12", "2026-02-13", "2026-02-23", "2026-05-01", "2026-09-28", "2026-10-26",
    "2026-12-25",
}

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9}
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
NUM = "[零〇一二兩三四五六七八九十]+"


def cn(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[ones] if ones else 0)
    return DIGITS[text]


class Calendar:
    def __init__(self) -> None:
        self.touched: set[str] = set()

    def working(self, day: dt.date) -> bool:
        iso = day.isoformat()
        self.touched.add(iso)
        if iso in OPEN_SATURDAYS:
            return True
        return day.weekday() < 5 and iso not in CLOSED

    def forward(self, day: dt.date) -> dt.date:
        while not self.working(day):
            day += dt.timedelta(days=1)
        return day

    def back(self, day: dt.date) -> dt.date:
        while not self.working(day):
            day -= dt.timedelta(days=1)
        return day


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def resolve(phrase: str | None, date: dt.date, kind: str, cal: Calendar) -> dt.date | None:
    """The due date for the deadline words, by docs/deadline-phrases.md."""
    if phrase is None or re.fullmatch("儘速|盡快|立即|馬上", phrase):
        return None
    p = re.sub("以前$", "前", phrase)
    p = re.sub("[之以]內$", "內", p)
    if m := re.fullmatch(f"({NUM})個?工作[天日]內", p):
        day, left = date, cn(m[1])
        while left:
            day += dt.timedelta(days=1)
            left -= cal.working(day)
        return day
    if m := re.fullmatch(f"({NUM})[天日]內", p):
        return cal.forward(date + dt.timedelta(days=cn(m[1])))
    if m := re.fullmatch(f"({NUM})(?:週|個禮拜|個?星期)內", p):
        return cal.forward(date + dt.timedelta(days=7 * cn(m[1])))
    if m := re.fullmatch(f"({NUM})個月內", p):
        return cal.forward(add_months(date, cn(m[1])))
    monday = date - dt.timedelta(days=date.weekday())
    if p in ("本週內", "這禮拜"):
        return cal.back(monday + dt.timedelta(days=4))
    if p in ("下週內", "下禮拜"):
        return cal.back(monday + dt.timedelta(days=11))
    if m := re.fullmatch("(本|這|下)(?:週|禮拜|星期)([一二三四五六日天])前", p):
        offset = 7 if m[1] == "下" else 0
        return cal.back(monday + dt.timedelta(days=offset + WEEKDAYS[m[2]]))
    if p in ("本月底前", "月底前"):
        return cal.back(month_end(date.year, date.month))
    if p in ("下個月底前", "下月底前"):
        nxt = add_months(date.replace(day=1), 1)
        return cal.back(month_end(nxt.year, nxt.month))
    if m := re.fullmatch(f"({NUM})月(?:({NUM})[日號]|(底)|(中旬))前", p):
        month = cn(m[1])
        for year in (date.year, date.year + 1):
            if m[2]:
                day = dt.date(year, month, cn(m[2]))
            elif m[3]:
                day = month_end(year, month)
            else:
                day = dt.date(year, month, 15)
            if day >= date:
                return cal.back(day)
    if p in ("年底前", "今年底前"):
        return cal.back(dt.date(date.year, 12, 31))
    if p in ("下次會議", "下次會報", "下次市政會議", "下週市政會議"):
        if kind == "市政會議":
            return date + dt.timedelta(days=7)
        if kind == "主任秘書會報":
            return add_months(date, 1)
        return None
    if re.fullmatch("今天|今日|今天下班前", p):
        return date
    if re.fullmatch(f"明天|明日|明天中午前|明天(?:早上|上午|下午|晚上)?{NUM}點前", p):
        return cal.back(date + dt.timedelta(days=1))
    raise ValueError(f"unknown deadline phrase {phrase!r}")


def short_names() -> set[str]:
    data = yaml.safe_load(AGENCIES.read_text(encoding="utf-8"))
    return {a["short"] for a in data["agencies"]}


def turns_file_texts(path: Path) -> list[str]:
    texts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        texts.append(line.split(maxsplit=2)[2])
    return texts


def check(path: Path, shorts: set[str]) -> tuple[list[str], dict]:
    errors: list[str] = []
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    meta, turns, expected = doc["meeting"], doc["turns"], doc["expected"]
    for field in ("type", "title", "date", "chair", "location"):
        if field not in meta:
            errors.append(f"meeting.{field} missing")
    kind, date = meta["type"], meta["date"]
    if kind not in ("市政會議", "主任秘書會報", "議會質詢", "專案會議"):
        errors.append(f"bad type {kind}")
    if not isinstance(date, dt.date):
        errors.append("date is not a date")
    texts = [t["text"] for t in turns]
    speakers = {t["speaker"] for t in turns}
    chars = sum(len(t) for t in texts)
    if isinstance(date, dt.date):
        if kind in ("市政會議", "主任秘書會報") and date.weekday() != 1:
            errors.append(f"{kind} on {date:%A}, not a Tuesday")
        if kind == "專案會議" and date.weekday() != 2:
            errors.append(f"{kind} on {date:%A}, not a Wednesday")
        if not Calendar().working(date):
            errors.append(f"{date} is not a working day")
        if date.isoformat() in EARLIER_DATES:
            errors.append(f"{date} is a heldout4-heldout13 date")
    if not 16 <= len(turns) <= 22:
        errors.append(f"{len(turns)} turns")
    if not 700 <= chars <= 850:
        errors.append(f"{chars} characters")
    if not 6 <= len(speakers) <= 9:
        errors.append(f"{len(speakers)} speakers")
    for i, text in enumerate(texts):
        if re.search(r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９]", text):
            errors.append(f"turn {i}: Latin letter or digit")
    giver = "市長" if kind == "議會質詢" else "主席"
    whole = "\n".join(texts)

    for d in expected["directives"]:
        for field in ("quote", "agency", "co_agencies", "deadline", "due"):
            if field not in d:
                errors.append(f"{d.get('quote')}: {field} missing")
        quote = d["quote"]
        if whole.count(quote) != 1:
            errors.append(f"{quote}: occurs {whole.count(quote)} times")
            continue
        turn = next(t for t in turns if quote in t["text"])
        if turn["speaker"] != giver:
            errors.append(f"{quote}: said by {turn['speaker']}, not {giver}")
        if d["agency"] not in shorts:
            errors.append(f"{quote}: agency {d['agency']} not a short name")
        if len(set(d["co_agencies"])) != len(d["co_agencies"]):
            errors.append(f"{quote}: duplicate co-agency")
        for co in d["co_agencies"]:
            if co not in shorts:
                errors.append(f"{quote}: co-agency {co} not a short name")
            if co == d["agency"]:
                errors.append(f"{quote}: co-agency equals lead")
        if d["deadline"] is not None and turn["text"].count(d["deadline"]) != 1:
            errors.append(f"{quote}: deadline {d['deadline']} occurs "
                          f"{turn['text'].count(d['deadline'])} times in its turn")
        cal = Calendar()
        try:
            due = resolve(d["deadline"], date, kind, cal)
        except ValueError as exc:
            errors.append(f"{quote}: {exc}")
            continue
        if due != d["due"]:
            errors.append(f"{quote}: due {d['due']} but {d['deadline']} resolves to {due}")
        if cal.touched & UNSURE:
            errors.append(f"{quote}: resolution touches unsure day(s) {sorted(cal.touched & UNSURE)}")

    positions = [whole.find(d["quote"]) for d in expected["directives"]]
    if positions != sorted(positions):
        errors.append("directives are not listed in the order they are said")

    for d in expected["discussions"]:
        if whole.count(d["quote"]) != 1:
            errors.append(f"discussion {d['quote']}: occurs {whole.count(d['quote'])} times")
        if d["decision"] not in ("照案通過", "修正通過", "保留", "另案處理"):
            errors.append(f"discussion {d['quote']}: decision {d['decision']}")
    if kind == "議會質詢" and expected["discussions"]:
        errors.append("a 議會質詢 has discussions")

    stem = path.name.removesuffix(".meeting.yaml")
    for suffix, reader in ((".turns", turns_file_texts),
                           (".txt", lambda p: p.read_text(encoding="utf-8").splitlines())):
        other = path.with_name(stem + suffix)
        if other.exists() and reader(other) != texts:
            errors.append(f"{other.name} differs from the YAML turns")
        elif not other.exists():
            errors.append(f"{other.name} missing")
    row = {"file": stem, "type": kind, "chair": meta["chair"], "turns": len(turns), "chars": chars,
           "directives": len(expected["directives"]), "discussions": len(expected["discussions"]),
           "speakers": len(speakers), "decisions": [d["decision"] for d in expected["discussions"]]}
    return errors, row


def main() -> int:
    shorts = short_names()
    failed = 0
    rows = []
    paths = sorted(HERE.glob("*.meeting.yaml"))
    for path in paths:
        errors, row = check(path, shorts)
        rows.append(row)
        for e in errors:
            print(f"{path.name}: {e}")
        failed += bool(errors)
    used = {dec for r in rows for dec in r.pop("decisions")}
    if "--table" in sys.argv:
        for r in rows:
            print("\t".join(str(v) for v in r.values()))
    missing = {"照案通過", "修正通過", "保留", "另案處理"} - used
    if missing:
        print(f"decisions never used: {sorted(missing)}")
        failed += 1
    n_dir = sum(r["directives"] for r in rows)
    n_dis = sum(r["discussions"] for r in rows)
    print(f"{len(paths)} meetings, {n_dir} directives, {n_dis} discussions, "
          f"{failed} meeting(s) with errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
