"""2-bar drum grids <-> the drum VAE's per-step classes (numpy only).

A step holds any subset of the 9 Magenta drum classes (kick, snare, closed hi-hat,
open hi-hat, low / mid / high tom, crash, ride), so it is one of ``2**9 = 512``
combinations, encoded as the bit set ``sum(2**k for each class k that hits)``
(MusicVAE's drum encoding). A grid is ``[..., 32, 9]`` of 0/1.
"""

from __future__ import annotations

import numpy as np

__all__ = ["N_DRUM_CLASSES", "STEPS", "VOCAB", "classes_to_hits", "hits_to_classes"]

N_DRUM_CLASSES = 9
STEPS = 32
VOCAB = 2**N_DRUM_CLASSES
_WEIGHTS = (2 ** np.arange(N_DRUM_CLASSES)).astype(np.int64)


def hits_to_classes(hits: np.ndarray) -> np.ndarray:
    """Class index per step (int64 ``[..., steps]``) of a hit grid ``[..., steps, 9]``
    (any value > 0.5 counts as a hit)."""
    bits = (np.asarray(hits) > 0.5).astype(np.int64)
    return np.asarray(bits @ _WEIGHTS, dtype=np.int64)


def classes_to_hits(classes: np.ndarray) -> np.ndarray:
    """Hit grid (float32 ``[..., steps, 9]``) of class indices ``[..., steps]``."""
    c = np.asarray(classes, dtype=np.int64)[..., None]
    return ((c >> np.arange(N_DRUM_CLASSES)) & 1).astype(np.float32)
