"""Group speaker embeddings into speakers: spectral clustering, speaker count by eigengap.

The affinity is cosine similarity, pruned to each row's strongest links and symmetrised; the
number of speakers is where the Laplacian's eigenvalues jump (a fixed similarity threshold
breaks as soon as the recording's noise or microphone changes). Long recordings are first
summarised into at most ``MAX_POINTS`` micro-clusters by k-means, so memory stays flat however
long the meeting is.
"""

from __future__ import annotations

import math

import numpy as np

MAX_POINTS = 1500  # points given to the spectral step (its N×N matrices stay ~20 MB)
PRUNE_FRACTION = 0.02  # keep each row's strongest links …
PRUNE_MIN = 6  # … at least this many
MIN_POINTS = 12  # fewer windows than this (< ~10 s of speech): one speaker
MERGE_SIMILARITY = 0.9  # clusters whose centroids are this similar are one speaker
# A small cluster this close to a much larger one is a stretch of that voice split off
# (a different microphone distance, a raised voice), not a new person.
SPLINTER_SIMILARITY = 0.75
SPLINTER_RATIO = 0.2


def cluster(
    embeddings: np.ndarray,
    *,
    speakers: int | None = None,
    max_speakers: int = 30,
    min_share: int = 4,
    seed: int = 0,
) -> np.ndarray:
    """A speaker index (0, 1, …, by first appearance) for each L2-normalised embedding row."""
    count = len(embeddings)
    if count == 0:
        return np.zeros(0, np.int64)
    if speakers == 1 or (speakers is None and count < MIN_POINTS):
        return np.zeros(count, np.int64)
    rng = np.random.default_rng(seed)
    if count > MAX_POINTS:
        centres, members = kmeans(embeddings, MAX_POINTS, rng=rng)
        centres = _normalise(centres)
    else:
        centres, members = embeddings, np.arange(count)
    labels = _spectral(centres, speakers=speakers, max_speakers=max_speakers, rng=rng)[members]
    if speakers is None:
        labels = _merge_similar(embeddings, labels)
    labels = _absorb_small(embeddings, labels, min_share, keep=speakers)
    return _by_first_appearance(labels)


def _spectral(
    points: np.ndarray, *, speakers: int | None, max_speakers: int, rng: np.random.Generator
) -> np.ndarray:
    count = len(points)
    affinity = points @ points.T
    keep = max(PRUNE_MIN, math.ceil(PRUNE_FRACTION * count))
    if keep < count:
        cut = np.partition(affinity, count - keep, axis=1)[:, count - keep][:, None]
        affinity = np.where(affinity >= cut, affinity, 0.0)
    affinity = np.maximum(0.5 * (affinity + affinity.T), 0.0)
    np.fill_diagonal(affinity, 0.0)
    laplacian = np.diag(affinity.sum(axis=1)) - affinity
    values, vectors = np.linalg.eigh(laplacian)
    if speakers is None:
        top = min(max_speakers, count - 1)
        gaps = np.diff(values[: top + 1])
        speakers = int(np.argmax(gaps)) + 1
    speakers = max(1, min(speakers, count))
    if speakers == 1:
        return np.zeros(count, np.int64)
    _centres, labels = kmeans(vectors[:, :speakers], speakers, rng=rng)
    return labels


def kmeans(
    points: np.ndarray, k: int, *, rng: np.random.Generator, iterations: int = 30
) -> tuple[np.ndarray, np.ndarray]:
    """k-means++ seeding then Lloyd iterations; distances computed in row blocks."""
    count = len(points)
    k = min(k, count)
    centres = np.empty((k, points.shape[1]), points.dtype)
    centres[0] = points[rng.integers(count)]
    nearest = _squared_distances(points, centres[:1]).ravel()
    for index in range(1, k):
        total = nearest.sum()
        choice = rng.choice(count, p=nearest / total) if total > 0 else rng.integers(count)
        centres[index] = points[choice]
        nearest = np.minimum(
            nearest, _squared_distances(points, centres[index : index + 1]).ravel()
        )
    labels = np.full(count, -1)
    for _ in range(iterations):
        new = _assign(points, centres)
        if np.array_equal(new, labels):
            break
        labels = new
        sums = np.zeros_like(centres)
        np.add.at(sums, labels, points)
        sizes = np.bincount(labels, minlength=k)[:, None]
        filled = sizes[:, 0] > 0
        centres[filled] = sums[filled] / sizes[filled]
    return centres, labels


def _assign(points: np.ndarray, centres: np.ndarray, block: int = 4096) -> np.ndarray:
    return np.concatenate(
        [
            _squared_distances(points[i : i + block], centres).argmin(axis=1)
            for i in range(0, len(points), block)
        ]
    )


def _squared_distances(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    squared = (
        (points**2).sum(axis=1)[:, None] - 2 * points @ centres.T + (centres**2).sum(axis=1)[None]
    )
    return np.maximum(squared, 0.0)  # rounding can dip just below zero


def _normalise(points: np.ndarray) -> np.ndarray:
    return points / np.maximum(np.linalg.norm(points, axis=1, keepdims=True), 1e-8)


def centroids(embeddings: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The normalised mean embedding of each label 0..max."""
    count = int(labels.max()) + 1 if len(labels) else 0
    sums = np.zeros((count, embeddings.shape[1]), np.float64)
    np.add.at(sums, labels, embeddings)
    return _normalise(sums)


def _merge_similar(embeddings: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Join clusters that are one voice split in two: near-identical, or a close splinter."""
    labels = _by_first_appearance(labels)
    while labels.max() > 0:
        centres = centroids(embeddings, labels)
        sizes = np.bincount(labels).astype(float)
        similarity = centres @ centres.T
        np.fill_diagonal(similarity, -1.0)
        ratio = np.minimum.outer(sizes, sizes) / np.maximum.outer(sizes, sizes)
        threshold = np.where(ratio < SPLINTER_RATIO, SPLINTER_SIMILARITY, MERGE_SIMILARITY)
        margin = similarity - threshold
        a, b = np.unravel_index(int(margin.argmax()), margin.shape)
        if margin[a, b] < 0:
            break
        labels = _by_first_appearance(np.where(labels == max(a, b), min(a, b), labels))
    return labels


def _absorb_small(
    embeddings: np.ndarray, labels: np.ndarray, min_share: int, keep: int | None
) -> np.ndarray:
    """Give clusters of fewer than ``min_share`` windows to the nearest large cluster."""
    labels = _by_first_appearance(labels)
    sizes = np.bincount(labels)
    small = sizes < min_share
    if keep is not None or small.all() or not small.any():
        return labels
    centres = centroids(embeddings, labels)
    large = np.flatnonzero(~small)
    for index in np.flatnonzero(small):
        rows = labels == index
        target = large[int(np.argmax(centres[large] @ embeddings[rows].mean(axis=0)))]
        labels[rows] = target
    return labels


def _by_first_appearance(labels: np.ndarray) -> np.ndarray:
    _values, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    return order[inverse].astype(np.int64)
