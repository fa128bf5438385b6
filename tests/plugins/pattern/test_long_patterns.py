"""Patterns longer than the model's 2-bar window join without seams.

A seam would show as a bigger change at a window boundary (bar 2 -> 3, 4 -> 5 ...)
than inside a window (bar 1 -> 2, 3 -> 4 ...): for drums, hits that change from one bar
to the next; for melodies, the jump between consecutive notes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from pattern_support import drum_grid

Run = Callable[..., Any]
BARS = 16
BAR = 1920  # ticks per 4/4 bar at 480 ppq


def test_drum_bars_change_no_more_across_a_window_boundary(run_feature: Run) -> None:
    res = run_feature("generate.drums", bars=BARS, count=16, seed=3)
    grids = np.stack([drum_grid(c) for c in res.clips]).reshape(16, BARS, 16, 9)
    change = np.abs(np.diff(grids.astype(int), axis=1)).sum(axis=(2, 3))  # [pattern, 15]
    inside, across = change[:, 0::2].mean(), change[:, 1::2].mean()
    assert across <= 1.15 * inside, (inside, across)


def test_melody_jumps_no_more_across_a_window_boundary(run_feature: Run) -> None:
    res = run_feature("generate.melody", bars=BARS, count=16, seed=3, scale="chromatic")
    inside: list[int] = []
    across: list[int] = []
    for clip in res.clips:
        for a, b in zip(clip.notes, clip.notes[1:], strict=False):
            boundary = b.start // BAR != a.start // BAR and (b.start // BAR) % 2 == 0
            (across if boundary else inside).append(abs(b.pitch - a.pitch))
    assert len(across) > 50
    assert np.mean(across) <= 1.15 * np.mean(inside), (np.mean(inside), np.mean(across))


def test_a_long_pattern_is_not_one_window_repeated(run_feature: Run) -> None:
    res = run_feature("generate.drums", bars=8, count=4, seed=9)
    for clip in res.clips:
        windows = drum_grid(clip).reshape(4, 32, 9)
        assert len({w.tobytes() for w in windows}) > 1
