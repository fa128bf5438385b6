"""Chunking a clip into overlapping 2-bar windows, blending them back, and moving notes."""

from __future__ import annotations

import numpy as np
import pytest
from lmms_magenta_groove.groove import (
    apply_groove,
    blend_windows,
    groove_notes,
    split_windows,
    tent_weights,
    window_count,
)

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


@pytest.mark.parametrize(("bars", "windows"), [(1, 1), (2, 1), (3, 2), (9, 8), (120, 119)])
def test_every_bar_starts_a_window(bars: int, windows: int) -> None:
    assert window_count(bars) == windows
    steps = np.arange(bars * 16, dtype=np.float32)[:, None]
    split = split_windows(steps, bars)
    assert split.shape == (windows, 32, 1)
    for w in range(windows):
        expected = np.arange(w * 16, w * 16 + 32, dtype=np.float32) % (bars * 16)  # 1 bar: loop
        assert split[w, :, 0].tolist() == expected.tolist()


def test_neighbouring_tents_sum_to_one() -> None:
    tent = tent_weights()
    assert tent.shape == (32,) and tent.max() == pytest.approx(15.5 / 16)
    assert np.allclose(tent[16:] + tent[:16], 1.0)


@pytest.mark.parametrize("bars", [1, 2, 5, 9])
def test_blending_the_windows_of_one_signal_gives_it_back(bars: int) -> None:
    rng = np.random.default_rng(bars)
    signal = rng.random((bars * 16, 9)).astype(np.float32)
    back = blend_windows(split_windows(signal, bars), bars)
    assert np.allclose(back, signal, atol=1e-6)


def test_no_seam_between_windows_that_disagree() -> None:
    # Window w predicts the constant w: the worst case for a seam (cutting into
    # non-overlapping windows would jump by 1 at every other bar line). The blend glides
    # from one window to the next by at most 1/16 per step, bar lines included.
    bars = 9
    windows = np.repeat(np.arange(8, dtype=np.float32)[:, None, None], 32, axis=1)
    blended = blend_windows(windows, bars)[:, 0]
    jumps = np.abs(np.diff(blended))
    assert jumps.max() <= 1 / 16 + 1e-6
    bar_lines = np.arange(1, bars) * 16 - 1  # from the last 16th of a bar to the next bar
    inside = np.delete(jumps, bar_lines)
    assert jumps[bar_lines].max() <= inside.max() + 1e-6
    assert np.all(np.diff(blended) >= 0)  # no step back either
    with pytest.raises(ValueError, match="windows do not cover"):
        blend_windows(windows, 3)


def test_notes_move_to_the_groove_and_keep_pitch_length_channel() -> None:
    vel = np.zeros((64, 9), np.float32)
    off = np.zeros_like(vel)
    vel[4, 1], off[4, 1] = 0.5, -0.25
    vel[63, 2], off[63, 2] = 1.0, 0.5
    out = apply_groove(_clip(), vel, off)
    by_pitch = {n.pitch: n for n in out.notes}
    assert by_pitch[40].start == 4 * 120 - 30 and by_pitch[40].velocity == 64
    assert by_pitch[40].length == 45 and by_pitch[40].channel == DRUM_CHANNEL
    assert by_pitch[21] == _clip().notes[1]  # unmapped: untouched
    assert by_pitch[42].velocity == 127
    assert by_pitch[42].start == 3 * 4 * PPQ + 15 * 120 + 60
    assert len(out.notes) == 4 and out.length == _clip().length


def test_intensity_and_balance_scale_the_change() -> None:
    vel = np.full((64, 9), 0.0, np.float32)
    off = np.full_like(vel, 0.5)
    vel[4, 1] = 50 / 127
    half = apply_groove(_clip(), vel, off, intensity=0.5, velocity=1.0, timing=0.0)
    snare = next(n for n in half.notes if n.pitch == 40)
    assert snare.start == 4 * 120 and snare.velocity == 75
    none = apply_groove(_clip(), vel, off, intensity=0.0)
    assert none.notes == _clip().notes
    with pytest.raises(ValueError, match="intensity"):
        apply_groove(_clip(), vel, off, intensity=1.5)


def test_groove_notes_keeps_the_order_and_never_goes_before_zero() -> None:
    vel = np.full((16, 9), 0.5, np.float32)
    off = np.full_like(vel, -0.5)
    pairs = [(Note(38, 90, 120, 60, DRUM_CHANNEL), 1), (Note(36, 90, 0, 60, DRUM_CHANNEL), 0)]
    moved = groove_notes(pairs, PPQ, vel, off)
    assert [n.pitch for n in moved] == [38, 36]
    assert [n.start for n in moved] == [60, 0]
    assert {n.velocity for n in moved} == {64}


def test_a_flam_moves_as_one_and_keeps_its_spacing() -> None:
    vel = np.full((16, 9), 100 / 127, np.float32)
    off = np.full_like(vel, 0.25)  # 30 ticks late
    flam = [
        (Note(38, 60, 4 * 120 - 12, 60, DRUM_CHANNEL), 1),  # grace note, 12 ticks early
        (Note(38, 90, 4 * 120, 60, DRUM_CHANNEL), 1),  # the main stroke: the loudest
        (Note(36, 80, 0, 60, DRUM_CHANNEL), 0),
    ]
    grace, main, kick = groove_notes(flam, PPQ, vel, off)
    assert main.start == 4 * 120 + 30 and main.velocity == 100
    assert main.start - grace.start == 12 and grace.velocity == 70  # same shift, same accent gap
    assert kick.start == 30 and kick.velocity == 100
