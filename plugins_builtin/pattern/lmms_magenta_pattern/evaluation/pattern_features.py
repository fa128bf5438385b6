"""Hand-made features of a 2-bar window for the style classifier (numpy only).

Style in these corpora is mostly rhythm, so the features describe *where in the bar*
things happen rather than which exact pattern it is:

* drums ``[32, 9]`` hits: each class's hits per 16th position of the bar (both bars
  folded onto one: 16 x 9), each class's density, and the total density;
* melody ``[32]`` tokens: onsets and rest starts per 16th position of the bar (16 + 16),
  a histogram of note lengths (1, 2, 3, 4, 6, 8, 12, 16+ steps), a histogram of the
  intervals between consecutive notes (-12..+12 semitones, clipped), and the melody's
  span, mean pitch and density. No absolute key: the melody model is not key-aware.
"""

from __future__ import annotations

import numpy as np

from ..drum_codec import classes_to_hits
from ..melody_codec import NO_EVENT, NOTE_OFF, tokens_to_notes

__all__ = ["drum_features", "melody_features"]

_LENGTH_EDGES = np.array([1, 2, 3, 4, 6, 8, 12, 16, 10_000])


def drum_features(classes: np.ndarray) -> np.ndarray:
    """Features ``[n, 154]`` of drum windows given as class indices ``[n, 32]``."""
    hits = classes_to_hits(np.asarray(classes))  # [n, 32, 9]
    folded = hits.reshape(-1, 2, 16, 9).mean(axis=1).reshape(len(hits), -1)
    per_class = hits.mean(axis=1)
    total = hits.sum(axis=(1, 2))[:, None] / 32
    return np.concatenate([folded, per_class, total], axis=1).astype(np.float32)


def melody_features(tokens: np.ndarray) -> np.ndarray:
    """Features ``[n, 68]`` of melody windows ``[n, 32]``."""
    tokens = np.asarray(tokens)
    rows = []
    for seq in tokens:
        onsets = (seq < NOTE_OFF).reshape(2, 16).mean(axis=0)
        rests = (seq == NOTE_OFF).reshape(2, 16).mean(axis=0)
        notes = tokens_to_notes(seq)
        lengths = np.histogram([ln for _, ln, _ in notes], bins=_LENGTH_EDGES)[0]
        pitches = np.array([p for _, _, p in notes], dtype=np.float64)
        steps = np.clip(np.diff(pitches), -12, 12).astype(np.int64) + 12
        intervals = np.bincount(steps, minlength=25)[:25]
        n = max(len(notes), 1)
        stats = [
            (pitches.max() - pitches.min()) / 24 if len(pitches) else 0.0,
            (pitches.mean() - 66) / 12 if len(pitches) else 0.0,
            len(notes) / 32,
            float((seq == NO_EVENT).mean()),
        ]
        rows.append(np.concatenate([onsets, rests, lengths / n, intervals / max(n - 1, 1), stats]))
    return np.asarray(rows, dtype=np.float32)
