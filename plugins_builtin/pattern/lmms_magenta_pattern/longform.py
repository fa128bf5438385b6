"""Patterns longer than the model's 2-bar window, without seams.

The model knows 2 bars. A longer pattern is a chain of windows whose latent points
walk a smooth path, each window chosen to continue the one before:

1. The first window decodes the pattern's start point.
2. Window ``k`` has :data:`CANDIDATES` candidates, each a small spherical step
   (:data:`.latent.PATH_STEP`) from window ``k-1``'s point toward a fresh point of the
   same style. All are decoded in one call, and the candidate that joins best wins:
   for drums the one whose first bar differs least from the previous window's last
   bar (hits that change), for melodies the one whose first note is nearest to the
   previous window's last note (in semitones).
3. All windows of one pattern share their sampling noise, so neighbouring windows,
   being close in latent space, also sample alike.

The complexity and syncopation vectors are added to every window's point. The walk
keeps a long pattern evolving (a fresh target per window) while the choice keeps each
bar line smooth; ``tests/plugins/pattern/test_long_patterns.py`` checks that the
change across a window boundary is no larger than inside a window.
"""

from __future__ import annotations

import numpy as np

from .drum_codec import classes_to_hits
from .inference import PatternModel
from .latent import PATH_STEP, pattern_noise, start_points, with_attributes
from .melody_codec import NOTE_OFF
from .sampling import slerp

__all__ = ["CANDIDATES", "decode_patterns", "join_cost"]

#: Candidates tried for each window after the first.
CANDIDATES = 4


def join_cost(kind: str, prev: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """How badly each candidate ``[n, k, 32]`` continues its previous window ``[n, 32]``
    (lower is smoother); ``[n, k]``."""
    if kind == "drums":
        last = classes_to_hits(prev[:, 16:])[:, None]  # [n, 1, 16, 9]
        first = classes_to_hits(cand[:, :, :16])  # [n, k, 16, 9]
        return np.asarray(np.abs(first - last).sum(axis=(2, 3)))
    last_pitch = np.array([_last_note(row) for row in prev], dtype=np.float64)
    first_pitch = np.array([[_first_note(row) for row in c] for c in cand], dtype=np.float64)
    cost = np.abs(first_pitch - last_pitch[:, None])
    return np.where(np.isnan(cost), 0.0, cost)


def _last_note(tokens: np.ndarray) -> float:
    notes = np.nonzero(tokens < NOTE_OFF)[0]
    return float(tokens[notes[-1]]) if notes.size else np.nan


def _first_note(tokens: np.ndarray) -> float:
    notes = np.nonzero(tokens < NOTE_OFF)[0]
    return float(tokens[notes[0]]) if notes.size else np.nan


def decode_patterns(
    model: PatternModel,
    n: int,
    windows: int,
    style: str,
    attributes: tuple[float, float],
    temperature: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Step sequences ``[n, windows, 32]`` of ``n`` new patterns of ``style`` with
    ``attributes`` = (complexity, syncopation)."""
    info = model.latents
    complexity, syncopation = attributes
    z = start_points(info, style, n, rng)
    noise = pattern_noise(rng, n, 1, model.vocab, temperature)
    out = [model.decode(with_attributes(z, info, complexity, syncopation), noise, temperature)]
    k = CANDIDATES
    picks = np.arange(n)
    for _ in range(1, windows):
        fresh = start_points(info, style, n * k, rng)
        cand_z = slerp(np.repeat(z, k, axis=0), fresh, PATH_STEP)
        moved = with_attributes(cand_z, info, complexity, syncopation)
        seqs = model.decode(moved, np.repeat(noise, k, axis=0), temperature).reshape(n, k, -1)
        best = np.argmin(join_cost(model.kind, out[-1], seqs), axis=1)
        out.append(seqs[picks, best])
        z = cand_z.reshape(n, k, -1)[picks, best]
    return np.stack(out, axis=1)
