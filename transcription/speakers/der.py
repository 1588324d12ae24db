"""Diarization error rate, scored the standard way (NIST md-eval), on a 10 ms grid.

DER = (missed speech + false alarm + speaker confusion) / reference speech, after mapping
hypothesis speakers one-to-one onto reference speakers to maximise their overlap, and ignoring
a collar (0.25 s by default) either side of every reference turn boundary.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

STEP = 0.01

Labelled = Sequence[tuple[float, float, Hashable]]


@dataclass(frozen=True)
class DerReport:
    reference_seconds: float
    missed: float
    false_alarm: float
    confusion: float
    reference_speakers: int
    hypothesis_speakers: int

    @property
    def der(self) -> float:
        errors = self.missed + self.false_alarm + self.confusion
        return errors / self.reference_seconds if self.reference_seconds else 0.0


def diarization_error(
    reference: Labelled, hypothesis: Labelled, *, collar: float = 0.25
) -> DerReport:
    ref_names = sorted({str(s) for _a, _b, s in reference})
    hyp_names = sorted({str(s) for _a, _b, s in hypothesis})
    end = max([b for _a, b, _s in [*reference, *hypothesis]], default=0.0)
    steps = int(np.ceil(end / STEP)) + 1
    ref = _grid(reference, ref_names, steps)
    hyp = _grid(hypothesis, hyp_names, steps)
    scored = np.ones(steps, bool)
    for start, stop, _speaker in reference:
        for edge in (start, stop):
            scored[max(0, int((edge - collar) / STEP)) : int(np.ceil((edge + collar) / STEP))] = (
                False
            )
    ref, hyp = ref[:, scored], hyp[:, scored]
    n_ref, n_hyp = ref.sum(axis=0), hyp.sum(axis=0)
    overlap = ref.astype(np.int64) @ hyp.T.astype(np.int64)  # frames each pair shares
    rows, cols = assignment(-overlap) if overlap.size else ([], [])
    correct = sum(int(overlap[r, c]) for r, c in zip(rows, cols, strict=True))
    return DerReport(
        reference_seconds=float(n_ref.sum()) * STEP,
        missed=float(np.maximum(n_ref - n_hyp, 0).sum()) * STEP,
        false_alarm=float(np.maximum(n_hyp - n_ref, 0).sum()) * STEP,
        confusion=float(np.minimum(n_ref, n_hyp).sum() - correct) * STEP,
        reference_speakers=len(ref_names),
        hypothesis_speakers=len(hyp_names),
    )


def _grid(turns: Labelled, names: list[str], steps: int) -> np.ndarray:
    grid = np.zeros((len(names), steps), bool)
    index = {name: i for i, name in enumerate(names)}
    for start, stop, speaker in turns:
        grid[index[str(speaker)], round(start / STEP) : round(stop / STEP)] = True
    return grid


def assignment(cost: np.ndarray) -> tuple[list[int], list[int]]:
    """Minimum-cost one-to-one assignment of rows to columns (Hungarian method)."""
    transposed = cost.shape[0] > cost.shape[1]
    matrix = cost.T if transposed else cost
    n, m = matrix.shape
    u, v = np.zeros(n + 1), np.zeros(m + 1)
    owner = np.zeros(m + 1, np.int64)  # owner[j]: row (1-based) holding column j
    way = np.zeros(m + 1, np.int64)
    for row in range(1, n + 1):
        owner[0] = row
        column = 0
        slack = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, bool)
        while True:
            used[column] = True
            r = owner[column]
            reduced = matrix[r - 1] - u[r] - v[1:]
            free = ~used[1:]
            better = free & (reduced < slack[1:])
            slack[1:][better] = reduced[better]
            way[1:][better] = column
            candidates = np.where(free, slack[1:], np.inf)
            nxt = int(np.argmin(candidates)) + 1
            delta = candidates[nxt - 1]
            u[owner[used]] += delta
            v[used] -= delta
            slack[1:][free] -= delta
            column = nxt
            if owner[column] == 0:
                break
        while column:
            previous = way[column]
            owner[column] = owner[previous]
            column = previous
    pairs = [(int(owner[j]) - 1, j - 1) for j in range(1, m + 1) if owner[j]]
    rows = [c if transposed else r for r, c in pairs]
    cols = [r if transposed else c for r, c in pairs]
    return rows, cols
