"""Clustering, the DER scorer and the assignment it rests on."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transcription.speakers import cluster as clustering
from transcription.speakers.der import assignment, diarization_error


def _voices(
    speakers: int, per: int, *, seed: int, spread: float = 0.25
) -> tuple[np.ndarray, np.ndarray]:
    """Points around ``speakers`` random directions on the 192-d sphere, like embeddings."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(speakers, 192))
    truth = np.repeat(np.arange(speakers), per)
    points = centres[truth] / np.linalg.norm(centres[truth], axis=1, keepdims=True)
    points = points + rng.normal(scale=spread / np.sqrt(192), size=points.shape)
    order = rng.permutation(len(points))
    points, truth = points[order], truth[order]
    return points / np.linalg.norm(points, axis=1, keepdims=True), truth


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    pairs = {(int(x), int(y)) for x, y in zip(a, b, strict=True)}
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


@pytest.mark.parametrize("speakers", [2, 3, 5, 8])
def test_speaker_count_is_estimated(speakers: int) -> None:
    points, truth = _voices(speakers, 40, seed=speakers)
    labels = clustering.cluster(points)
    assert _same_partition(labels, truth)


def test_a_given_count_is_used() -> None:
    points, _truth = _voices(4, 30, seed=1)
    assert len(set(clustering.cluster(points, speakers=4).tolist())) == 4
    assert len(set(clustering.cluster(points, speakers=2).tolist())) == 2
    assert set(clustering.cluster(points, speakers=1).tolist()) == {0}


def test_labels_follow_first_appearance() -> None:
    points, _truth = _voices(3, 20, seed=2)
    labels = clustering.cluster(points)
    firsts = [int(np.flatnonzero(labels == k)[0]) for k in range(3)]
    assert firsts == sorted(firsts)
    assert labels[0] == 0


def test_long_meetings_go_through_micro_clusters(monkeypatch: pytest.MonkeyPatch) -> None:
    points, truth = _voices(22, 60, seed=5)  # 1,320 windows of 22 voices
    monkeypatch.setattr(clustering, "MAX_POINTS", 400)
    labels = clustering.cluster(points)
    assert _same_partition(labels, truth)


def test_too_little_speech_is_one_speaker() -> None:
    points, _truth = _voices(2, 4, seed=3)
    assert set(clustering.cluster(points).tolist()) == {0}
    assert len(clustering.cluster(np.zeros((0, 192)))) == 0


def test_der_by_hand() -> None:
    reference = [(0.0, 10.0, "A"), (10.0, 20.0, "B")]
    assert diarization_error(reference, [(0, 10, "x"), (10, 20, "y")]).der == 0.0
    assert diarization_error(reference, [(0, 10, "y"), (10, 20, "x")]).der == 0.0  # names free
    one = diarization_error(reference, [(0, 20, "x")], collar=0.0)
    assert one.der == pytest.approx(0.5)
    assert one.confusion == pytest.approx(10.0)
    missed = diarization_error(reference, [(0, 10, "x")], collar=0.0)
    assert missed.missed == pytest.approx(10.0) and missed.der == pytest.approx(0.5)
    extra = diarization_error(reference, [(0, 25, "x"), (10, 20, "y")], collar=0.0)
    # 10–20: two hypothesis speakers, one reference: one false alarm; 20–25: false alarm.
    assert extra.false_alarm == pytest.approx(15.0)


def test_collar_forgives_boundaries() -> None:
    reference = [(0.0, 10.0, "A"), (10.0, 20.0, "B")]
    late = [(0.0, 10.2, "x"), (10.2, 20.0, "y")]
    assert diarization_error(reference, late, collar=0.0).der > 0
    assert diarization_error(reference, late, collar=0.25).der == 0.0


def test_overlap_counts_the_second_voice() -> None:
    reference = [(0.0, 10.0, "A"), (8.0, 18.0, "B")]
    report = diarization_error(reference, [(0, 9, "x"), (9, 18, "y")], collar=0.0)
    assert report.reference_seconds == pytest.approx(20.0)
    assert report.missed == pytest.approx(2.0)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.integers(n, 6),
            st.lists(st.integers(0, 40), min_size=36, max_size=36),
        )
    )
)
def test_assignment_is_optimal(case: tuple[int, int, list[int]]) -> None:
    rows, cols, values = case
    for matrix in (np.array(values[: rows * cols]).reshape(rows, cols).astype(float),):
        for cost in (matrix, matrix.T):
            r, c = assignment(cost)
            n, m = cost.shape
            k = min(n, m)
            assert len(r) == k and len(set(r)) == k and len(set(c)) == k
            if n <= m:
                best = min(
                    sum(cost[i, p[i]] for i in range(n))
                    for p in itertools.permutations(range(m), n)
                )
            else:
                best = min(
                    sum(cost[p[j], j] for j in range(m))
                    for p in itertools.permutations(range(n), m)
                )
            assert cost[r, c].sum() == pytest.approx(best)
