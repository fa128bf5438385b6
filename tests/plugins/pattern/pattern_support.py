"""Helpers for the pattern feature tests (fixtures are in conftest)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from lmms_magenta_pattern.plugin import MODELS_DIR

from lmms_magenta.music import Clip, drum_class
from lmms_magenta.testing import MidiNote

#: Plugins the feature tests enable: the pattern feature, the model repository, the CPU backend.
PLUGINS = ("pattern", "models", "cpu")
DRUMS = 9  # MIDI channel 10
SIXTEENTH = Fraction(1, 4)  # in beats


def drum_notes(bars: int = 4, *, busy: bool = True) -> list[MidiNote]:
    """A quantized rock beat (8th hats, kick 1 and 3, snare 2 and 4), or a sparse one."""
    notes = []
    for bar in range(bars):
        at = bar * 16
        if busy:
            notes += [
                MidiNote(42, (at + s) * SIXTEENTH, SIXTEENTH, 90, DRUMS) for s in range(0, 16, 2)
            ]
            notes += [MidiNote(36, (at + s) * SIXTEENTH, SIXTEENTH, 100, DRUMS) for s in (0, 8, 10)]
            notes += [MidiNote(38, (at + s) * SIXTEENTH, SIXTEENTH, 110, DRUMS) for s in (4, 12)]
        else:
            notes += [MidiNote(36, at * SIXTEENTH, SIXTEENTH, 100, DRUMS)]
            notes += [MidiNote(38, (at + 8) * SIXTEENTH, SIXTEENTH, 100, DRUMS)]
            if bar % 2 == 0:
                notes += [MidiNote(49, at * SIXTEENTH, SIXTEENTH, 100, DRUMS)]
    return notes


def melody_notes() -> list[MidiNote]:
    """Four bars of a G major tune in eighths and quarters (pitches G4-D5)."""
    line = [
        (67, 2), (71, 2), (74, 2), (71, 2), (72, 4), (69, 4),
        (67, 2), (69, 2), (71, 2), (72, 2), (74, 8),
        (72, 2), (71, 2), (69, 2), (67, 2), (66, 4), (69, 4),
        (67, 4), (71, 4), (67, 8),
    ]  # fmt: skip
    notes, at = [], 0
    for pitch, steps in line:
        notes.append(MidiNote(pitch, at * SIXTEENTH, steps * SIXTEENTH, 100, 0))
        at += steps
    return notes


def hits_per_step(clip: Clip) -> float:
    """Drum hits (or melody note-ons) per 16th step of a clip."""
    steps = clip.bar_count * 16
    return len(clip.notes) / steps


def drum_grid(clip: Clip) -> np.ndarray:
    """0/1 hits ``[steps, 9]`` of a drum clip made by the feature (on the 16th grid)."""
    st = clip.ppq // 4
    grid = np.zeros((clip.bar_count * 16, 9), np.int8)
    for n in clip.notes:
        cls = drum_class(n.pitch)
        assert cls is not None and n.start % st == 0
        grid[n.start // st, int(cls)] = 1
    return grid


def shipped_session(name: str) -> Any:
    """A plain onnxruntime session (one thread) on the shipped model ``name``."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    return ort.InferenceSession(
        str(MODELS_DIR / name / "model.onnx"), so, providers=["CPUExecutionProvider"]
    )
