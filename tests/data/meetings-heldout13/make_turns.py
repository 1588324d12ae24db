"""Write NAME.turns, voices.tsv and render_plan.tsv from the heldout13 meeting YAML files.

Each speaker of a meeting gets one fixed voice: an F0 ratio drawn from 0.75-1.35, the range cut
into one slot per speaker (slots shuffled) so that speakers differ, and a speed ratio drawn from
0.80-1.32 (as in heldout9 to heldout12). The draw is seeded with the meeting's render seed
(1301-1310), so one role gets a different voice in every meeting. Run: python3 make_turns.py
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent

# name: (seed, SNR in dB or None for clean, Opus bit rate)
PLAN = {
    "heldout13-cabinet-2025-08-19": (1301, 21, 20000),
    "heldout13-cabinet-2026-02-03": (1302, None, 28000),
    "heldout13-cabinet-2026-10-20": (1303, 9, 17000),
    "heldout13-inquiry-2025-06-05": (1304, 14, 32000),
    "heldout13-inquiry-2026-06-04": (1305, 6, 24000),
    "heldout13-project-2025-07-02": (1306, None, 18000),
    "heldout13-project-2025-11-05": (1307, 17, 30000),
    "heldout13-secretaries-2025-06-03": (1308, 11, 16000),
    "heldout13-secretaries-2025-12-23": (1309, 23, 26000),
    "heldout13-secretaries-2026-07-07": (1310, None, 22000),
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
