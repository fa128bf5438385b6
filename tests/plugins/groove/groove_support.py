"""Helpers for the groove feature tests (imported by the tests; fixtures are in conftest)."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import pytest

from lmms_magenta.testing import MidiNote

#: Plugins the feature tests enable: the groove feature, the model repository, the CPU backend.
PLUGINS = ("groove", "models", "cpu")
DRUMS = 9  # MIDI channel 10
SIXTEENTH = Fraction(1, 4)  # in beats


def funk_notes(bars: int = 4) -> list[MidiNote]:
    """A quantized funk beat: 16th hi-hats, syncopated kick, backbeat snare, two ghosts."""
    notes = []
    for bar in range(bars):
        at = bar * 16
        notes += [MidiNote(42, (at + s) * SIXTEENTH, SIXTEENTH, 90, DRUMS) for s in range(16)]
        notes += [MidiNote(36, (at + s) * SIXTEENTH, SIXTEENTH, 100, DRUMS) for s in (0, 3, 10)]
        notes += [MidiNote(38, (at + s) * SIXTEENTH, SIXTEENTH, 110, DRUMS) for s in (4, 12)]
        notes += [MidiNote(38, (at + s) * SIXTEENTH, SIXTEENTH, 40, DRUMS) for s in (7, 9)]
    return notes


def pitch_counts(notes: list[MidiNote]) -> dict[int, int]:
    """How many notes of each pitch."""
    counts: dict[int, int] = {}
    for note in notes:
        counts[note.pitch] = counts.get(note.pitch, 0) + 1
    return counts


def demo_project(name: str) -> Path:
    """A demo project shipped with LMMS; skips when LMMS's demos are not installed."""
    base = Path(os.environ.get("LMMS_PROJECTS", "/usr/share/lmms/projects"))
    found = sorted(base.rglob(name)) if base.is_dir() else []
    if not found:
        pytest.skip(f"LMMS demo project {name} not found under {base} (LMMS not installed)")
    return found[0]
