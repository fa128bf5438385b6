"""Training arrays for either VAE, loaded from a window cache, and their augmentation.

A :class:`Windows` set holds the encoder input (melody tokens ``[N, 32]`` int64, or
drum hits ``[N, 32, 9]`` float32), the decoder targets ``[N, 32]`` (tokens or drum
combination indices), the style label per window and the validation mask.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..drum_codec import hits_to_classes
from ..melody_codec import NOTE_OFF, PITCH_MAX, PITCH_MIN

__all__ = ["Windows", "augment_drums", "load_windows", "transpose_batch"]


@dataclass
class Windows:
    """Arrays of one model's windows (see module doc)."""

    kind: str
    enc: np.ndarray
    target: np.ndarray
    label: np.ndarray
    validation: np.ndarray
    labels: tuple[str, ...]
    stats: dict[str, object]

    def split(self, validation: bool) -> Windows:
        """The training (False) or validation (True) windows."""
        m = self.validation == validation
        return Windows(
            self.kind,
            self.enc[m],
            self.target[m],
            self.label[m],
            self.validation[m],
            self.labels,
            self.stats,
        )

    def __len__(self) -> int:
        return int(self.target.shape[0])


def load_windows(kind: str, path: Path) -> Windows:
    """Windows from a cache written by ``melody_data`` or ``drum_data``."""
    with np.load(path) as z:
        meta = json.loads(str(z["meta"]))
        label = z["label"].astype(np.int64)
        valid = z["validation"].astype(bool)
        if kind == "melody":
            tokens = z["tokens"].astype(np.int64)
            return Windows(kind, tokens, tokens, label, valid, tuple(meta["labels"]), meta["stats"])
        hits = z["hits"].astype(np.float32)
        return Windows(
            kind, hits, hits_to_classes(hits), label, valid, tuple(meta["labels"]), meta["stats"]
        )


def transpose_batch(tokens: np.ndarray, rng: np.random.Generator, max_shift: int = 6) -> np.ndarray:
    """Transpose each melody window by a random number of semitones in
    ``[-max_shift, max_shift]`` that keeps it inside ``PITCH_MIN..PITCH_MAX``."""
    is_note = tokens < NOTE_OFF
    big = np.where(is_note, tokens, -1000).max(axis=1)
    small = np.where(is_note, tokens, 1000).min(axis=1)
    lo = np.maximum(-max_shift, PITCH_MIN - small)
    hi = np.minimum(max_shift, PITCH_MAX - big)
    hi = np.maximum(hi, lo)
    shift = np.floor(lo + rng.random(len(tokens)) * (hi - lo + 1)).astype(np.int64)
    return np.where(is_note, tokens + shift[:, None], tokens)


# column indices of the 9 drum classes (drum_codec order)
_CLOSED_HAT, _TOMS, _RIDE = 2, [4, 5, 6], 8


def augment_drums(
    hits: np.ndarray, rng: np.random.Generator, swap_ride: float = 0.2, drop: float = 0.03
) -> np.ndarray:
    """Drum windows ``[B, 32, 9]`` re-orchestrated the way a drummer might play them:
    the toms in a random order, the time kept on the ride instead of the closed hi-hat
    (and back) with probability ``swap_ride``, and each hit left out with probability
    ``drop``. Kick and snare keep their roles, so the groove stays the groove."""
    out = hits.copy()
    for i in range(len(out)):
        out[i][:, _TOMS] = out[i][:, rng.permutation(_TOMS)]
        if rng.random() < swap_ride:
            out[i][:, [_CLOSED_HAT, _RIDE]] = out[i][:, [_RIDE, _CLOSED_HAT]]
    if drop > 0:
        out = out * (rng.random(out.shape) >= drop)
    return out
