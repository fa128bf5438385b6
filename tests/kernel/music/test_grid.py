"""Drum clip <-> 16th-step grid: round trips, nearest-step assignment, merging, windows."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmms_magenta.music import Clip, Meter, Note, canonical_pitch
from lmms_magenta.music.grid import (
    N_CLASSES,
    STEPS_PER_BAR,
    decode_drums,
    encode_drums,
    grid_windows,
    nearest_step,
    step_ticks,
)
from lmms_magenta.music.notes import DRUM_CHANNEL

PPQ = 480
STEP = PPQ // 4
STEPS = 2 * STEPS_PER_BAR


def _clip(notes: list[Note], bars: int = 2) -> Clip:
    return Clip(notes, ppq=PPQ, is_drum=True, length=bars * 4 * PPQ)


hit_cells = st.dictionaries(
    st.tuples(st.integers(0, STEPS - 1), st.integers(0, N_CLASSES - 1)),
    st.tuples(st.integers(1, 127), st.integers(-STEP // 2, STEP // 2 - 1)),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(hit_cells)
def test_round_trip_keeps_every_note(cells: dict[tuple[int, int], tuple[int, int]]) -> None:
    notes = [
        Note(canonical_pitch(cls), vel, max(0, step * STEP + off), 60, DRUM_CHANNEL)
        for (step, cls), (vel, off) in cells.items()
    ]
    grid = encode_drums(_clip(notes))
    assert grid.steps == STEPS and grid.dropped == 0
    assert np.all(np.abs(grid.offsets) <= 0.5)
    back = decode_drums(grid.hits, grid.velocities, grid.offsets, ppq=PPQ, note_steps=0.5)
    assert sorted((n.pitch, n.velocity, n.start) for n in back.notes) == sorted(
        (n.pitch, n.velocity, n.start) for n in notes
    )


def test_a_note_belongs_to_the_nearest_step_even_across_the_bar_line() -> None:
    early_downbeat = Note(38, 100, 4 * PPQ - 10, 60, DRUM_CHANNEL)  # 10 ticks before bar 2
    grid = encode_drums(_clip([early_downbeat]))
    assert grid.hits[16, 1] == 1
    assert grid.offsets[16, 1] == pytest.approx(-10 / STEP)


def test_half_way_goes_to_the_later_step() -> None:
    assert nearest_step(STEP // 2 - 1, PPQ) == 0
    assert nearest_step(STEP // 2, PPQ) == 1
    assert nearest_step(0, 48) == 0 and nearest_step(6, 48) == 1


def test_double_hits_keep_the_loudest_and_are_counted() -> None:
    notes = [Note(36, 40, 0, 60, DRUM_CHANNEL), Note(35, 90, 5, 60, DRUM_CHANNEL)]
    grid = encode_drums(_clip(notes))
    assert grid.dropped == 1
    assert grid.velocities[0, 0] == pytest.approx(90 / 127)
    assert grid.offsets[0, 0] == pytest.approx(5 / STEP)


def test_unmapped_pitches_and_notes_past_the_grid_are_dropped() -> None:
    notes = [Note(21, 100, 0, 60, DRUM_CHANNEL), Note(36, 100, 8 * PPQ - 30, 60, DRUM_CHANNEL)]
    grid = encode_drums(_clip(notes))  # the kick rounds to step 32, outside 2 bars
    assert grid.dropped == 2 and not grid.hits.any()


def test_only_4_4_drum_clips_on_a_16th_resolution_are_encoded() -> None:
    with pytest.raises(ValueError, match="4/4"):
        encode_drums(Clip([], ppq=PPQ, is_drum=True, meter=Meter(3, 4)))
    with pytest.raises(ValueError, match="drum"):
        encode_drums(Clip([], ppq=PPQ))
    with pytest.raises(ValueError, match="16th"):
        step_ticks(90)


def test_n_steps_pads_the_grid() -> None:
    grid = encode_drums(_clip([Note(36, 100, 0, 60, DRUM_CHANNEL)], bars=1), n_steps=STEPS)
    assert grid.hits.shape == (STEPS, N_CLASSES) and grid.hits[0, 0] == 1
    assert not grid.hits[1:].any()


@pytest.mark.parametrize("bars", [1, 2, 4])
def test_windows_are_whole_n_bar_slices(bars: int) -> None:
    notes = [Note(36, 100, b * 4 * PPQ, 60, DRUM_CHANNEL) for b in range(5)]
    grid = encode_drums(_clip(notes, bars=5))
    assert [s for s, _ in grid_windows(grid, bars, hop_bars=1)] == list(range(6 - bars))
    assert [s for s, _ in grid_windows(grid, bars, hop_bars=2)] == list(range(0, 6 - bars, 2))
    for start, w in grid_windows(grid, bars):
        assert w.hits.shape == (bars * STEPS_PER_BAR, N_CLASSES)
        assert all(w.hits[b * STEPS_PER_BAR, 0] == 1 for b in range(bars)), start
    with pytest.raises(ValueError, match="hop_bars"):
        grid_windows(grid, 2, hop_bars=0)


def test_decode_keeps_notes_inside_the_clip() -> None:
    hits = np.zeros((STEPS, N_CLASSES), np.float32)
    vel = np.full_like(hits, 0.5)
    off = np.zeros_like(hits)
    hits[0, 0] = hits[STEPS - 1, 1] = 1
    off[0, 0], off[STEPS - 1, 1] = -0.5, 0.9  # early first note, late last note
    clip = decode_drums(hits, vel, off, ppq=48)
    assert clip.length == 2 * 4 * 48 and clip.meter == Meter(4, 4) and clip.is_drum
    assert [n.start for n in clip.notes] == [0, 2 * 4 * 48 - 12 + 6]
    assert {n.velocity for n in clip.notes} == {64}
