"""GrooVAE's own inputs on the kernel's drum grid: 2-bar windows, the two input transforms,
and a real Groove MIDI Dataset performance surviving the round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from lmms_magenta_groove.representation import (
    N_CLASSES,
    STEPS,
    decode_drums,
    encode_drums,
    quantized,
    tap,
    windows,
)

from lmms_magenta.music import Clip, Note, read_midi, reduce_to_classes
from lmms_magenta.music.notes import DRUM_CHANNEL

PPQ = 480


def test_model_windows_are_two_bars() -> None:
    notes = [Note(36, 100, b * 4 * PPQ, 60, DRUM_CHANNEL) for b in range(5)]
    grid = encode_drums(Clip(notes, ppq=PPQ, is_drum=True, length=5 * 4 * PPQ))
    assert [s for s, _ in windows(grid, hop_bars=1)] == [0, 1, 2, 3]
    assert [s for s, _ in windows(grid, hop_bars=2)] == [0, 2]
    assert all(w.hits.shape == (STEPS, N_CLASSES) for _, w in windows(grid))


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
    grid = encode_drums(clip)
    back = decode_drums(grid.hits, grid.velocities, grid.offsets, ppq=clip.ppq)
    assert len(back.notes) + grid.dropped == len(clip.notes)
    # every decoded note is an original note (at its class's canonical pitch), to the tick
    canon = {(n.pitch, n.start, n.velocity) for n in reduce_to_classes(clip).notes}
    missing = [n for n in back.notes if (n.pitch, n.start, n.velocity) not in canon]
    assert missing == []
