"""Write NAME.turns, voices.tsv and render_plan.tsv from the heldout14 meeting YAML files.

Each speaker of a meeting gets one fixed voice: an F0 ratio drawn from 0.75-1.35, the range cut
into one slot per speaker (slots shuffled) so that speakers differ, and a speed ratio drawn from
0.80-1.32 (as in heldout9 to heldout13). The draw is seeded with the meeting's render seed
(1401-1410), so one role gets a different voice in every meeting. Run: python3 make_turns.py
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent

# name: (seed, SNR in dB or None for clean, Opus bit rate)
PLAN = {
    "heldout14-cabinet-2025-05-13": (1401, 18, 24000),
    "heldout14-cabinet-2025-09-02": (1402, None, 20000),
    "heldout14-cabinet-2026-04-07": (1403, 12, 29000),
    "heldout14-inquiry-2025-10-23": (1404, None, 17000),
    "heldout14-inquiry-2026-03-19": (1405, 8, 31000),
    "heldout14-project-2025-04-16": (1406, 23, 19000),
    "heldout14-project-2025-12-03": (1407, 15, 26000),
    "heldout14-secretaries-2025-11-04": (1408, 6, 22000),
    "heldout14-secretaries-2026-01-20": (1409, None, 32000),
    "heldout14-secretaries-2026-09-01": (1410, 10, 16000),
}
F0_RANGE = (0.75, 1.35)
SPEED_RANGE = (0.80, 1.32)


def voices(speakers: list[str], seed: int) -> dict[str, tuple[float, float]]:
    rng = random.Random(seed)
    lo, hi = F0_RANGE
    width = (hi - lo) / len(speakers)
    slots = list(range(len(speakers)))
    rng.shuffle(slots)
    out = {}
    for speaker, slot in zip(speakers, slots):
        f0 = lo + width * (slot + rng.uniform(0.15, 0.85))
        speed = rng.uniform(*SPEED_RANGE)
        out[speaker] = (round(f0, 2), round(speed, 2))
    return out


def main() -> None:
    voice_rows = ["meeting\tspeaker\tf0_ratio\tspeed_ratio"]
    plan_rows = ["meeting\tseed\tsnr_db\tbitrate"]
    for name, (seed, snr, bitrate) in PLAN.items():
        doc = yaml.safe_load((HERE / f"{name}.meeting.yaml").read_text(encoding="utf-8"))
        speakers = list(dict.fromkeys(t["speaker"] for t in doc["turns"]))
        table = voices(speakers, seed)
        header = "# voices: " + "; ".join(f"{s} {f0} {sp}" for s, (f0, sp) in table.items())
        lines = [header]
        for turn in doc["turns"]:
            f0, speed = table[turn["speaker"]]
            lines.append(f"{f0} {speed} {turn['text']}")
        (HERE / f"{name}.turns").write_text("\n".join(lines) + "\n", encoding="utf-8")
        voice_rows += [f"{name}\t{s}\t{f0}\t{sp}" for s, (f0, sp) in table.items()]
        plan_rows.append(f"{name}\t{seed}\t{'none' if snr is None else snr}\t{bitrate}")
    (HERE / "voices.tsv").write_text("\n".join(voice_rows) + "\n", encoding="utf-8")
    (HERE / "render_plan.tsv").write_text("\n".join(plan_rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
