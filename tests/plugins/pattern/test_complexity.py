"""Complexity and syncopation really move the output (attribute vectors in latent space).

Measured over 16 alternatives with one seed, so only the parameter changes.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from pattern_support import drum_grid, hits_per_step

Run = Callable[..., Any]
LEVELS = (-1.0, -0.5, 0.0, 0.5, 1.0)


@pytest.mark.parametrize("kind", ["drums", "melody"])
def test_complexity_increases_note_density_monotonically(run_feature: Run, kind: str) -> None:
    density = [
        np.mean(
            [
                hits_per_step(c)
                for c in run_feature(
                    f"generate.{kind}", bars=2, count=16, seed=11, complexity=level
                ).clips
            ]
        )
        for level in LEVELS
    ]
    assert all(b > a for a, b in itertools.pairwise(density)), density
    assert density[-1] > 2 * density[0], density  # a real range, not a nudge


def _offbeat_share(clips: list[Any], drums: bool) -> float:
    shares = []
    for clip in clips:
        if drums:
            onsets = drum_grid(clip)[:, [0, 1, 4, 5, 6]].max(axis=1) > 0  # kick, snare, toms
            steps = np.nonzero(onsets)[0]
        else:
            steps = np.array([n.start // (clip.ppq // 4) for n in clip.notes])
        shares.append(float((steps % 2 == 1).mean()) if steps.size else 0.0)
    return float(np.mean(shares))


@pytest.mark.parametrize("kind", ["drums", "melody"])
def test_syncopation_moves_onsets_off_the_beat(run_feature: Run, kind: str) -> None:
    share = [
        _offbeat_share(
            run_feature(f"generate.{kind}", bars=2, count=16, seed=11, syncopation=s).clips,
            kind == "drums",
        )
        for s in (-1.0, 0.0, 1.0)
    ]
    assert share[0] < share[1] < share[2], share
