"""Applying a predicted groove to a clip's own notes (what humanize will do)."""

from __future__ import annotations

import numpy as np
import pytest
from lmms_magenta_groove.groove import apply_groove, clip_windows

from lmms_magenta.music import Clip, Note
from lmms_magenta.music.notes import DRUM_CHANNEL

PPQ = 480


def _clip() -> Clip:
    notes = [
        Note(36, 100, 0, 30, DRUM_CHANNEL),  # kick, step 0
        Note(40, 100, 4 * 120, 45, DRUM_CHANNEL),  # electric snare (class snare), step 4
        Note(21, 100, 2 * 120, 10, DRUM_CHANNEL),  # no drum class
        Note(42, 64, 3 * 4 * PPQ + 15 * 120, 20, DRUM_CHANNEL),  # hi-hat, bar 4, last step
    ]
    return Clip(notes, ppq=PPQ, is_drum=True, length=4 * 4 * PPQ)  # 4 bars


def test_windows_cover_the_clip_padded_to_two_bars() -> None:
    hits, steps = clip_windows(_clip())
    assert hits.shape == (2, 32, 9) and steps == 64
    assert hits[0, 0, 0] == hits[0, 4, 1] == hits[1, 31, 2] == 1
    assert hits.sum() == 3


def test_notes_move_to_the_groove_and_keep_pitch_length_channel() -> None:
    vel = np.zeros((2, 32, 9), np.float32)
    off = np.zeros_like(vel)
    vel[0, 4, 1], off[0, 4, 1] = 0.5, -0.25
    vel[1, 31, 2], off[1, 31, 2] = 1.0, 0.5
    out = apply_groove(_clip(), vel, off)
    by_pitch = {n.pitch: n for n in out.notes}
    assert by_pitch[40].start == 4 * 120 - 30 and by_pitch[40].velocity == 64
    assert by_pitch[40].length == 45 and by_pitch[40].channel == DRUM_CHANNEL
    assert by_pitch[21] == _clip().notes[1]  # unmapped: untouched
    assert by_pitch[42].velocity == 127
    assert by_pitch[42].start == 3 * 4 * PPQ + 15 * 120 + 60
    assert len(out.notes) == 4


def test_intensity_and_balance_scale_the_change() -> None:
    vel = np.full((2, 32, 9), 0.0, np.float32)
    off = np.full_like(vel, 0.5)
    vel[0, 4, 1] = 50 / 127
    half = apply_groove(_clip(), vel, off, intensity=0.5, velocity=1.0, timing=0.0)
    snare = next(n for n in half.notes if n.pitch == 40)
    assert snare.start == 4 * 120 and snare.velocity == 75
    none = apply_groove(_clip(), vel, off, intensity=0.0)
    assert none.notes == _clip().notes
    with pytest.raises(ValueError, match="intensity"):
        apply_groove(_clip(), vel, off, intensity=1.5)
