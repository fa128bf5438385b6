"""Re-orchestrating drum windows for training keeps the groove (numpy only)."""

from __future__ import annotations

import numpy as np
from lmms_magenta_pattern.training.dataset import augment_drums

KICK, SNARE, CLOSED_HAT, OPEN_HAT, CRASH, RIDE = 0, 1, 2, 3, 7, 8
TOMS = [4, 5, 6]


def windows(n: int = 64) -> np.ndarray:
    rng = np.random.default_rng(0)
    return (rng.random((n, 32, 9)) < 0.3).astype(np.float32)


def test_kick_snare_and_the_rest_keep_their_roles_without_drops() -> None:
    hits = windows()
    out = augment_drums(hits, np.random.default_rng(1), swap_ride=0.5, drop=0.0)
    for col in (KICK, SNARE, OPEN_HAT, CRASH):
        np.testing.assert_array_equal(out[:, :, col], hits[:, :, col])
    # the toms are the same three lines in some order, per window
    for a, b in zip(out, hits, strict=True):
        assert sorted(map(tuple, a[:, TOMS].T)) == sorted(map(tuple, b[:, TOMS].T))
    # the time moves between closed hi-hat and ride, never gets lost
    swapped = [
        np.array_equal(a[:, CLOSED_HAT], b[:, RIDE])
        and np.array_equal(a[:, RIDE], b[:, CLOSED_HAT])
        for a, b in zip(out, hits, strict=True)
    ]
    kept = [
        np.array_equal(a[:, [CLOSED_HAT, RIDE]], b[:, [CLOSED_HAT, RIDE]])
        for a, b in zip(out, hits, strict=True)
    ]
    assert all(s or k for s, k in zip(swapped, kept, strict=True))
    assert 10 < sum(s and not k for s, k in zip(swapped, kept, strict=True)) < 54


def test_drops_only_remove_hits_at_about_the_asked_rate() -> None:
    hits = windows(256)
    out = augment_drums(hits, np.random.default_rng(2), swap_ride=0.0, drop=0.1)
    for col in (KICK, SNARE):
        assert np.all(out[:, :, col] <= hits[:, :, col])
    removed = 1 - out.sum() / hits.sum()
    assert 0.08 < removed < 0.12


def test_seeded_and_leaves_its_input_alone() -> None:
    hits = windows()
    before = hits.copy()
    a = augment_drums(hits, np.random.default_rng(3))
    b = augment_drums(hits, np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(hits, before)
    assert a.dtype == hits.dtype and not np.array_equal(a, hits)
