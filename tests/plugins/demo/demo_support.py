"""Helpers for the demo tests: hand-written parts, the repository, LMMS and audio checks.

:func:`written_parts` are plain 2-bar clips written here note by note, used to test the
demo's arranging, MIDI and picture code on its own; the demo itself never makes notes
(its parts come from the pattern plugin's features, checked end to end in
``test_readme_command.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from lmms_magenta_demo.parts import Parts

from lmms_magenta.music import Clip, Note

REPO = Path(__file__).resolve().parents[3]
LMMS = shutil.which("lmms")
STEP = 120  # a 16th at 480 ppq
TWO_BARS = 32 * STEP


def needs_lmms() -> str:
    if LMMS is None:
        pytest.skip("the lmms program is not installed (apt-get install lmms); CI runs this")
    return LMMS


def _drums(hits: dict[int, list[int]]) -> Clip:
    notes = [Note(pitch, 100, s * STEP, STEP, 9) for pitch, steps in hits.items() for s in steps]
    return Clip(notes, ppq=480, is_drum=True, length=TWO_BARS)


def _tune(pitches: list[int], every: int, name: str) -> Clip:
    notes = [Note(p, 90, i * every * STEP, every * STEP) for i, p in enumerate(pitches)]
    return Clip(notes, ppq=480, length=TWO_BARS, name=name)


def written_parts() -> Parts:
    """A rock beat, a tom fill with a crash, two bass riffs and two melody phrases."""
    beat = _drums({36: [0, 10, 16, 26], 38: [4, 12, 20, 28], 42: list(range(0, 32, 2))})
    fill = _drums({36: [0, 16], 38: [4, 12], 45: [24, 25, 26], 43: [28, 29, 30], 49: [0]})
    bass = (_tune([45, 45, 48, 43], 8, "Bass A"), _tune([41, 41, 43, 43], 8, "Bass B"))
    melody = (
        _tune([69, 72, 74, 76, 74, 72, 69, 67], 4, "Lead A"),
        _tune([76, 74, 72, 74, 76, 79, 76, 72], 4, "Lead B"),
    )
    return Parts(beat, fill, bass, melody)


def rms_db(samples: np.ndarray) -> float:
    """RMS level in dBFS (-inf for silence)."""
    mean_square = float(np.mean(np.square(samples, dtype=np.float64)))
    return 10 * np.log10(mean_square) if mean_square > 0 else -np.inf
