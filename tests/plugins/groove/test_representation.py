"""Clip <-> groove arrays: round trips, merging of double hits, the two input transforms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lmms_magenta_groove.representation import (
    N_CLASSES,
    STEPS,
    decode,
    encode,
    quantized,
    tap,
    windows,
)

from lmms_magenta.music import Clip, Meter, Note, canonical_pitch, read_midi, reduce_to_classes
from lmms_magenta.music.notes import DRUM_CHANNEL

PPQ = 480
STEP = PPQ // 4


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
    grid = encode(_clip(notes))
    assert grid.steps == STEPS and grid.dropped == 0
    assert np.all(np.abs(grid.offsets) <= 0.5)
    back = decode(grid.hits, grid.velocities, grid.offsets, ppq=PPQ, note_steps=0.5)
    assert sorted((n.pitch, n.velocity, n.start) for n in back.notes) == sorted(
        (n.pitch, n.velocity, n.start) for n in notes
    )


def test_a_note_belongs_to_the_nearest_step_even_across_the_bar_line() -> None:
    early_downbeat = Note(38, 100, 4 * PPQ - 10, 60, DRUM_CHANNEL)  # 10 ticks before bar 2
    grid = encode(_clip([early_downbeat]))
    assert grid.hits[16, 1] == 1
    assert grid.offsets[16, 1] == pytest.approx(-10 / STEP)


def test_double_hits_keep_the_loudest_and_are_counted() -> None:
    notes = [Note(36, 40, 0, 60, DRUM_CHANNEL), Note(35, 90, 5, 60, DRUM_CHANNEL)]
    grid = encode(_clip(notes))
    assert grid.dropped == 1
    assert grid.velocities[0, 0] == pytest.approx(90 / 127)
    assert grid.offsets[0, 0] == pytest.approx(5 / STEP)


def test_unmapped_pitches_and_notes_past_the_grid_are_dropped() -> None:
    notes = [Note(21, 100, 0, 60, DRUM_CHANNEL), Note(36, 100, 8 * PPQ - 30, 60, DRUM_CHANNEL)]
    grid = encode(_clip(notes))  # the kick rounds to step 32, outside 2 bars
    assert grid.dropped == 2 and not grid.hits.any()


def test_only_4_4_drum_clips_are_encoded() -> None:
    with pytest.raises(ValueError, match="4/4"):
        encode(Clip([], ppq=PPQ, is_drum=True, meter=Meter(3, 4)))
    with pytest.raises(ValueError, match="drum"):
        encode(Clip([], ppq=PPQ))


def test_windows_are_whole_two_bar_slices() -> None:
    notes = [Note(36, 100, b * 4 * PPQ, 60, DRUM_CHANNEL) for b in range(5)]
    grid = encode(_clip(notes, bars=5))
    assert [s for s, _ in windows(grid, hop_bars=1)] == [0, 1, 2, 3]
    assert [s for s, _ in windows(grid, hop_bars=2)] == [0, 2]
    for start, w in windows(grid, hop_bars=1):
        assert w.hits.shape == (STEPS, N_CLASSES)
        assert w.hits[0, 0] == 1 and w.hits[16, 0] == 1, start


def test_quantized_input_is_the_hits_without_dynamics() -> None:
    hits = np.zeros((STEPS, N_CLASSES), np.float32)
    hits[0, 0] = hits[4, 1] = 1
    q = quantized(hits)
    assert np.array_equal(q, hits) and q is not hits


def test_tap_collapses_onto_one_voice_keeping_the_loudest_hit() -> None:
    hits = np.zeros((STEPS, N_CLASSES), np.float32)
    vel = np.zeros_like(hits)
    off = np.zeros_like(hits)
    hits[0, [0, 2]] = 1
    vel[0, 0], vel[0, 2] = 0.9, 0.3
    off[0, 0], off[0, 2] = -0.1, 0.2
    t = tap(hits, vel, off)
    assert t.shape == (STEPS, 3)
    assert t[0].tolist() == pytest.approx([1.0, 0.9, -0.1])
    assert not t[1:].any()


def test_a_real_performance_survives_the_round_trip(groove_data: Path) -> None:
    song = read_midi(groove_data / "drummer1/session1/145_latin-brazilian-baiao_95_beat_4-4.mid")
    clip = song.drum_clips[0]
    grid = encode(clip)
    back = decode(grid.hits, grid.velocities, grid.offsets, ppq=clip.ppq)
    assert len(back.notes) + grid.dropped == len(clip.notes)
    # every decoded note is an original note (at its class's canonical pitch), to the tick
    canon = {(n.pitch, n.start, n.velocity) for n in reduce_to_classes(clip).notes}
    missing = [n for n in back.notes if (n.pitch, n.start, n.velocity) not in canon]
    assert missing == []
