"""Drum hit grids <-> the 512 per-step combinations of the drum VAE."""

from __future__ import annotations

import numpy as np
from lmms_magenta_pattern.drum_codec import VOCAB, classes_to_hits, hits_to_classes


def test_every_combination_round_trips() -> None:
    classes = np.arange(VOCAB)
    hits = classes_to_hits(classes)
    assert hits.shape == (VOCAB, 9) and hits.dtype == np.float32
    assert (hits_to_classes(hits) == classes).all()
    assert len({tuple(h) for h in hits.tolist()}) == VOCAB


def test_bits_follow_the_drum_classes() -> None:
    grid = np.zeros((32, 9), np.float32)
    grid[0, 0] = 1  # kick
    grid[4, 1] = 1  # snare
    grid[4, 2] = 1  # closed hi-hat
    classes = hits_to_classes(grid)
    assert classes[0] == 1 and classes[4] == 2 + 4 and classes[1] == 0


def test_batches_keep_their_shape() -> None:
    rng = np.random.default_rng(0)
    grid = (rng.random((5, 32, 9)) < 0.3).astype(np.float32)
    assert (classes_to_hits(hits_to_classes(grid)) == grid).all()
