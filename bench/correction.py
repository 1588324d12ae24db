"""Domain correction: CER, domain-term accuracy and over-correction, before and after.

    python bench/correction.py [--set dev|heldout] [--plain] [--bare] [--variants]
                               [--prompt TEXT ...] [--misses] [--cache DIR]

For each recording with a reference transcript it prints the CER of faster-whisper out of the
box (``--plain``: the same model, as its README calls it: beam 5, Chinese, its VAD, no prompt or
hotwords), of bare faster-whisper with Yishi's decoding settings (``--bare``: the same model,
batching, VAD settings, initial prompt and hotwords), of
Yishi's pipeline before the domain correction, and after it; the share of domain terms
(glossary terms and agency names in the reference) written right; and how many corrections
wrote a term the reference does not have there. Then the over-correction on clean text:
the share of characters the corrector changes in text that has no mishearings (written
replies, real replies, meeting scripts), where every change is wrong.

``--variants`` also transcribes without hotwords and without the initial prompt, to measure
each; ``--prompt`` measures another initial prompt, and ``--misses`` lists the domain terms
still written wrong after the correction. Recognised transcripts are cached by audio hash and settings, so the corrector can be
re-measured without transcribing again.

``--set heldout`` scores tests/data/meetings-heldout14, once per set (docs/benchmarks.md);
meetings-heldout3 to -heldout13, scored once and studied, are part of the
development set.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.transcribe import bare_transcribe  # noqa: E402
from inquiries import default_agencies  # noqa: E402
from transcription import TranscribeOptions, character_error_rate, load_engine, transcribe  # noqa: E402
from transcription.correction import DomainCorrector, corrector_for  # noqa: E402
from transcription.metrics import normalise_for_cer  # noqa: E402
from transcription.models import resolve_model  # noqa: E402
from transcription.schema import Transcript  # noqa: E402
from yishi.config import get_settings  # noqa: E402
from yishi.zh import to_simplified  # noqa: E402

DATA = ROOT / "tests/data"
AUDIO = (".ogg", ".mp3", ".webm", ".m4a", ".flac", ".wav")


# The held-out set not yet scored, and those scored once and studied since (development data
# now, docs/benchmarks.md): both lists of development material below read the latter.
HELD_OUT = "meetings-heldout14"
STUDIED = tuple(f"meetings-heldout{n}" for n in range(3, 14))


@dataclass
class Recording:
    audio: Path
    reference: str


def recordings(which: str) -> list[Recording]:
    if which == "heldout":
        folders = [DATA / HELD_OUT]
    else:
        folders = [DATA / "speech", DATA / "minutes-audio", ROOT / "samples"]
        folders += [DATA / name for name in STUDIED]
    found = []
    for folder in folders:
        for audio in sorted(p for p in folder.iterdir() if p.suffix in AUDIO):
            text = audio.with_suffix(".txt")
            if text.is_file():
                found.append(Recording(audio, text.read_text("utf-8")))
    if which == "dev":
        index = DATA / "speech-real/index.tsv"
        for line in index.read_text("utf-8").splitlines()[1:]:
            name, _seconds, reference = line.split("\t")[:3]
            found.append(Recording(index.parent / name, reference))
    return found


def cached_transcript(
    recording: Recording, options: TranscribeOptions, engine: list[object], cache: Path
) -> Transcript:
    digest = hashlib.sha256(recording.audio.read_bytes()).hexdigest()
    settings = json.dumps(
        [
            options.model,
            options.beam_size,
            options.initial_prompt,
            options.decode_options().hotwords,
        ]
        + ([options.decoding] if options.decoding != "batched" else []),
        ensure_ascii=False,
    )
    key = hashlib.sha256(f"{digest}|{settings}".encode()).hexdigest()[:24]
    path = cache / f"{key}.json"
    if path.is_file():
        return Transcript.model_validate_json(path.read_text("utf-8"))
    if not engine:
        engine.append(load_engine(options))
    result = transcribe(recording.audio, options=options, engine=engine[0])  # type: ignore[arg-type]
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(result.model_dump_json(), encoding="utf-8")
    return result


def plain_text(recording: Recording, options: TranscribeOptions, cache: Path) -> str:
    """faster-whisper out of the box, as its README shows it: the same model, beam 5, Chinese,
    its own VAD; no prompt, no hotwords, no batching."""
    digest = hashlib.sha256(recording.audio.read_bytes()).hexdigest()
    path = cache / f"plain-{options.model}-{digest[:24]}.txt"
    if not path.is_file():
        from faster_whisper import WhisperModel

        model = resolve_model(options.model, cache_dir=options.cache_dir).location
        whisper = WhisperModel(str(model), device="cpu", compute_type="int8", cpu_threads=2)
        segments, _ = whisper.transcribe(
            str(recording.audio), language="zh", beam_size=5, vad_filter=True
        )
        cache.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(s.text for s in segments), "utf-8")
    return path.read_text("utf-8")


def bare_text(recording: Recording, options: TranscribeOptions, cache: Path) -> str:
    digest = hashlib.sha256(recording.audio.read_bytes()).hexdigest()
    path = cache / f"bare-{options.model}-{options.beam_size}-{digest[:24]}.txt"
    if not path.is_file():
        model = resolve_model(options.model, cache_dir=options.cache_dir).location
        cache.mkdir(parents=True, exist_ok=True)
        path.write_text(bare_transcribe(recording.audio, options, str(model), 2), "utf-8")
    return path.read_text("utf-8")


def domain_terms() -> re.Pattern[str]:
    from transcription.glossary import default_glossary

    names = {t.term for t in default_glossary().terms}
    names |= {n for a in default_agencies() for n in a.names}
    names = {to_simplified(n) for n in names if len(n) >= 2}  # as normalise_for_cer folds them
    return re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))


def _counts(pattern: re.Pattern[str], text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for match in pattern.finditer(normalise_for_cer(text)):
        counts[match.group(0)] = counts.get(match.group(0), 0) + 1
    return counts


def term_hits(pattern: re.Pattern[str], reference: str, hypothesis: str) -> tuple[int, int]:
    wanted, heard = _counts(pattern, reference), _counts(pattern, hypothesis)
    return sum(min(n, heard.get(t, 0)) for t, n in wanted.items()), sum(wanted.values())


def term_misses(pattern: re.Pattern[str], reference: str, hypothesis: str) -> dict[str, int]:
    wanted, heard = _counts(pattern, reference), _counts(pattern, hypothesis)
    return {t: n - heard.get(t, 0) for t, n in wanted.items() if n > heard.get(t, 0)}


def clean_texts() -> list[str]:
    texts = []
    for path in sorted((DATA / "replies").glob("past-*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            record = json.loads(line)
            texts += [record["question"], record["reply"]]
    for line in (DATA / "replies-real/dev.jsonl").read_text("utf-8").splitlines():
        record = json.loads(line)
        texts += [record["question"], record["reply"]]
    for folder in ("minutes", "minutes-heldout", "minutes-heldout2", *STUDIED):
        for path in sorted((DATA / folder).glob("*.meeting.yaml")):
            texts += [t["text"] for t in yaml.safe_load(path.read_text("utf-8"))["turns"]]
    return texts


def over_correction(corrector: DomainCorrector) -> None:
    texts = clean_texts()
    started = time.perf_counter()
    changes = [c for text in texts for c in corrector.correct(text).changes]
    seconds = time.perf_counter() - started
    total = sum(len(t) for t in texts)
    changed = sum(len(c.term) for c in changes)
    print(f"\nover-correction on clean text: {changed} of {total} characters "
          f"({changed / total:.3%}) in {len(changes)} changes; {total / seconds:,.0f} chars/s")  # fmt: skip
    for change in changes[:15]:
        print(f"  {change.heard} → {change.term}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("dev", "heldout"), default="dev")
    parser.add_argument("--bare", action="store_true", help="also bare faster-whisper")
    parser.add_argument(
        "--plain", action="store_true", help="also faster-whisper out of the box (no prompt)"
    )
    parser.add_argument("--variants", action="store_true", help="also without hotwords/prompt")
    parser.add_argument(
        "--prompt", action="append", default=[], help="also with this initial prompt (repeatable)"
    )
    parser.add_argument("--misses", action="store_true", help="list the terms still missed")
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache/bench/correction")
    args = parser.parse_args()
    base = replace(TranscribeOptions.from_settings(get_settings()), correction=False)
    corrector = corrector_for(base.glossary)
    terms = domain_terms()
    variants = {"yishi": base}
    if args.variants:
        variants["no hotwords"] = replace(base, glossary=type(base.glossary)(()))
        variants["no prompt"] = replace(base, initial_prompt="")
    for prompt in args.prompt:
        variants[f"prompt {prompt}"] = replace(base, initial_prompt=prompt)
    missed: dict[str, int] = {}
    engine: list[object] = []
    rows: dict[str, list[float]] = {}  # CER, chars, corrected CER, term hits, terms, punctuated
    heading = f"{'recording':<38} {'min':>5} {'plain':>6} {'bare':>6} {'yishi':>6} {'+corr':>6}"
    print(f"{heading} {'terms':>11} {'+corr':>6} {'chg':>4} {'bad':>4}")
    totals: dict[str, float] = {"chars": 0.0, "plain": 0.0, "bare": 0.0, "yishi": 0.0, "corr": 0.0, "hit": 0, "hit2": 0,
              "terms": 0, "changes": 0, "bad": 0}  # fmt: skip
    for variant in variants:
        rows[variant] = [0.0] * 7
    for recording in recordings(args.set):
        reference = recording.reference
        size = len(normalise_for_cer(reference))
        results = {name: cached_transcript(recording, opts, engine, args.cache)
                   for name, opts in variants.items()}  # fmt: skip
        transcript = results["yishi"]
        heard = "".join(s.recognised or s.text for s in transcript.segments)
        fixed = [corrector.correct(s.recognised or s.text) for s in transcript.segments]
        corrected = "".join(f.text for f in fixed)
        changes = [c for f in fixed for c in f.changes]
        bad = sum(c.term not in reference for c in changes)
        bare = plain = float("nan")
        if args.plain:
            plain = character_error_rate(reference, plain_text(recording, base, args.cache))
        if args.bare:
            bare = character_error_rate(reference, bare_text(recording, base, args.cache))
        before, after = (
            character_error_rate(reference, heard),
            character_error_rate(reference, corrected),
        )
        hit, wanted = term_hits(terms, reference, heard)
        hit2, _ = term_hits(terms, reference, corrected)
        for term, count in term_misses(terms, reference, corrected).items():
            missed[term] = missed.get(term, 0) + count
        for name, result in results.items():
            said = [s.recognised or s.text for s in result.segments]
            fixed_text = "".join(corrector.correct(text).text for text in said)
            row = rows[name]
            row[0] += size * character_error_rate(reference, "".join(said))
            row[1] += size
            row[2] += size * character_error_rate(reference, fixed_text)
            row[3] += term_hits(terms, reference, fixed_text)[0]
            row[4] += wanted
            row[5] += sum(bool(re.search(r"[，。？！、]", text)) for text in said)
            row[6] += len(said)
        totals["chars"] += size
        totals["bare"] += size * bare
        totals["plain"] += size * plain
        totals["yishi"] += size * before
        totals["corr"] += size * after
        totals["hit"] += hit
        totals["hit2"] += hit2
        totals["terms"] += wanted
        totals["changes"] += len(changes)
        totals["bad"] += bad
        minutes = transcript.source.duration / 60
        print(f"{recording.audio.name[:38]:<38} {minutes:>5.1f} {plain:>6.1%} {bare:>6.1%} {before:>6.1%} "
              f"{after:>6.1%} {hit:>4}/{wanted:<4}  {hit2:>5} {len(changes):>4} {bad:>4}")  # fmt: skip
    chars = totals["chars"]
    print(f"\n{'overall':<38} {'':>5} {totals['plain'] / chars:>6.1%} {totals['bare'] / chars:>6.1%} {totals['yishi'] / chars:>6.1%} "
          f"{totals['corr'] / chars:>6.1%}")  # fmt: skip
    print(f"domain terms right: {totals['hit']}/{totals['terms']} "
          f"({totals['hit'] / max(1, totals['terms']):.1%}) before, "
          f"{totals['hit2']}/{totals['terms']} ({totals['hit2'] / max(1, totals['terms']):.1%}) after")  # fmt: skip
    print(f"corrections: {totals['changes']}, of which {totals['bad']} wrote a term the "
          f"reference does not have")  # fmt: skip
    if args.misses:
        ranked = sorted(missed.items(), key=lambda item: -item[1])
        print("missed terms: " + "、".join(f"{term} {count}" for term, count in ranked[:60]))
    if len(variants) > 1:
        print("variant          CER  +corr  terms  punctuated segments")
        for name, (weighted, seen, fixed, hits, wanted, marked, said) in rows.items():
            print(f"  {name:<12} {weighted / seen:6.1%} {fixed / seen:6.1%} "
                  f"{hits / max(1, wanted):6.1%}  {marked / max(1, said):6.1%}")  # fmt: skip
    over_correction(corrector)


if __name__ == "__main__":
    main()
