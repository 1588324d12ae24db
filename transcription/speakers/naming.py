"""Name the speakers: from the chair's cues, enrolled voices and a names file, in that order.

Each later source overrides an earlier one; unnamed speakers stay "發言者 N". Every name keeps
its evidence (the cue and when it was said, the voice similarity, the file), so a reviewer can
see why a label reads "都市發展局" and correct it with ``yishi speakers rename``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inquiries.agencies import Agency, AgencyRegistry, default_agencies
from transcription.metrics import edit_distance
from transcription.schema import Segment, SpeakerInfo, Transcript
from transcription.speakers.labels import find_speaker
from transcription.speakers.voices import VoiceMatch
from yishi.errors import InputError

CHAIR = "主席"
# "請都發局報告", "首先請都市發展局報告社會住宅…", "請交通局長說明", "請都發局回應"
AGENCY_CUE = re.compile(
    r"請(?P<who>[^，。、？！\s]{2,14}?)(?:局長|處長|主委|主任委員|副局長|主秘|代表)?(?:來|先|再)?"
    r"(?:報告|說明|回應|答復|答覆|回答|補充|簡報)"
)
# "請王大明議員質詢", "接下來請李議員發言", "王大明議員請"
COUNCILLOR_CUE = re.compile(
    r"請(?P<name>[\u4e00-\u9fff]{1,4}?)議員(?:質詢|發言|提問)?|(?P<name2>[\u4e00-\u9fff]{2,4})議員請"
)
MAX_MISHEARD = 0.34  # share of an agency name's characters a cue may have misheard
MAX_MISHEARD_LONG = 0.4  # … two of five in a full name ("同時發展局")
FOLLOW_WINDOW = 90.0  # seconds within which the named speaker is expected to start


@dataclass(frozen=True)
class Cue:
    speaker: str  # who gave the floor
    name: str  # whom it was given to
    at: float
    said: str
    weight: float = 1.0  # below 1 when the name was misheard


def find_cues(transcript: Transcript, agencies: AgencyRegistry | None = None) -> list[Cue]:
    """Floor-giving phrases, each with the speaker who said them and the name they propose."""
    agencies = agencies or default_agencies()
    cues = []
    for segment in transcript.segments:
        if segment.speaker is None:
            continue
        for match in COUNCILLOR_CUE.finditer(segment.text):
            person = match.group("name") or match.group("name2")
            cues.append(Cue(segment.speaker, f"{person}議員", segment.start, match.group(0)))
        for match in AGENCY_CUE.finditer(segment.text):
            named = _agency_named(match.group("who"), agencies)
            if named is not None:
                agency, weight = named
                cues.append(
                    Cue(segment.speaker, agency.short, segment.start, match.group(0), weight)
                )
    return cues


def _agency_named(who: str, agencies: AgencyRegistry) -> tuple[Agency, float] | None:
    """The agency in a cue and how sure (1.0 exact), tolerating a misheard character
    ("都發覺" → 都發局); None when two agencies fit a misheard name equally well."""
    found = agencies.find_in_text(who)
    if found:
        return found[-1], 1.0
    scores: dict[str, tuple[float, Agency]] = {}
    for agency in agencies:
        for name in agency.names:
            if len(name) < 3 or len(who) < len(name) - 1:
                continue
            tail = who[-len(name) :]
            if tail[-1] != name[-1] and tail[:-1] != name[:-1]:
                continue  # keep either the kind of office (局/處/會) or the stem
            distance = edit_distance(tail, name) / len(name)
            limit = MAX_MISHEARD_LONG if len(name) >= 5 else MAX_MISHEARD
            if distance <= limit and distance < scores.get(agency.code, (1.0, agency))[0]:
                scores[agency.code] = (distance, agency)
    if not scores:
        return None
    ranked = sorted(scores.values(), key=lambda item: item[0])
    if len(ranked) > 1 and ranked[1][0] == ranked[0][0]:
        return None  # "同時發展局": 都市發展局 or 產業發展局? Leave it to a person.
    return ranked[0][1], 1.0 - ranked[0][0]


def name_from_cues(transcript: Transcript, agencies: AgencyRegistry | None = None) -> Transcript:
    """Name the chair and the speakers the chair hands the floor to."""
    if len(transcript.speakers) < 2:
        return transcript  # one voice found: calling it all 主席 would mislead
    cues = find_cues(transcript, agencies)
    if not cues:
        return transcript
    # The chair gives councillors the floor; in a council session councillors also hand it to
    # officials ("請局長答復"), so councillor cues count double in finding the chair.
    givers: Counter[str] = Counter()
    for cue in cues:
        givers[cue.speaker] += 2 if cue.name.endswith("議員") else 1
    chair = givers.most_common(1)[0][0]
    given = [c for c in cues if c.speaker == chair]
    votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    evidence: dict[tuple[str, str], Cue] = {}
    for cue in cues:
        follower = _next_speaker(transcript.segments, after=cue.at, other_than=cue.speaker)
        if follower is not None and follower != chair:
            votes[follower][cue.name] += cue.weight
            evidence.setdefault((follower, cue.name), cue)
    names: dict[str, tuple[str, str]] = {
        chair: (CHAIR, f"{len(given)} 次請他人發言（如「{given[0].said}」）")
    }
    used = {CHAIR}
    ranked = sorted(votes.items(), key=lambda item: -max(item[1].values()))
    for speaker, tally in ranked:
        name = max(tally, key=lambda n: tally[n])
        if name in used or tally[name] * 2 <= sum(tally.values()):
            continue  # a name already taken, or no clear majority: leave it to a person
        cue = evidence[(speaker, name)]
        names[speaker] = (name, f"「{cue.said}」（{_clock(cue.at)}）之後發言")
        used.add(name)
    return _with_names(transcript, names, source="cue")


def name_from_voices(transcript: Transcript, matches: list[VoiceMatch]) -> Transcript:
    names = {}
    for match in matches:
        speaker = transcript.speakers[match.speaker]
        names[speaker.id] = (match.name, f"聲紋相符（相似度 {match.similarity:.2f}）")
    return _with_names(transcript, names, source="enrolled")


def centroids_of(transcript: Transcript) -> np.ndarray:
    """The speakers' stored mean embeddings, in roster order (for voice matching)."""
    rows = [s.embedding for s in transcript.speakers if s.embedding is not None]
    if len(rows) != len(transcript.speakers):
        return np.zeros((0, 192), np.float32)
    return np.asarray(rows, np.float32)


def read_names_file(path: Path) -> list[tuple[int, str, str]]:
    """Lines of ``LABEL = NAME`` (or tab-separated); ``#`` starts a comment."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"找不到發言者名單檔：{path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"無法讀取發言者名單檔（須為 UTF-8 文字檔）：{path}") from exc
    entries, problems = [], []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = re.split(r"\s*[=＝\t]\s*", line, maxsplit=1)
        if len(parts) != 2 or not parts[0] or not parts[1]:
            problems.append(f"第 {number} 行格式應為「發言者 1 = 姓名」：{raw.strip()}")
            continue
        entries.append((number, parts[0].strip(), parts[1].strip()))
    if problems:
        raise InputError("發言者名單檔有誤，未套用任何名稱：\n" + "\n".join(problems))
    return entries


def name_from_file(transcript: Transcript, path: Path) -> Transcript:
    """Apply a names file; every label must exist (all or nothing)."""
    entries = read_names_file(path)
    names, problems = {}, []
    for number, label, name in entries:
        try:
            speaker = find_speaker(transcript, label)
        except InputError as exc:
            problems.append(f"第 {number} 行：{exc.message}")
            continue
        names[speaker.id] = (name, f"名單檔 {path.name} 第 {number} 行")
    if problems:
        raise InputError("發言者名單檔有誤，未套用任何名稱：\n" + "\n".join(problems))
    return _with_names(transcript, names, source="names_file")


def _with_names(
    transcript: Transcript, names: dict[str, tuple[str, str]], *, source: str
) -> Transcript:
    speakers: list[SpeakerInfo] = []
    for speaker in transcript.speakers:
        if speaker.id in names:
            name, why = names[speaker.id]
            speaker = speaker.model_copy(update={"name": name, "source": source, "evidence": why})
        speakers.append(speaker)
    return transcript.model_copy(update={"speakers": speakers})


def _next_speaker(segments: list[Segment], *, after: float, other_than: str) -> str | None:
    for segment in segments:
        if segment.start <= after or segment.speaker in (None, other_than):
            continue
        return segment.speaker if segment.start - after <= FOLLOW_WINDOW else None
    return None


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
