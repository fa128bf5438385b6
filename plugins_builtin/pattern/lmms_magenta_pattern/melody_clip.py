"""Kernel clips <-> melody tokens (numpy only; the feature's MIDI / LMMS side).

A melodic clip in 4/4 is put on the 16th grid (each onset to its nearest step, as the
training data was), cut to 2 bars from ``start_bar`` and made monophonic (the top
voice wins); tokens become a clip with one velocity. Drums use the kernel's
:mod:`lmms_magenta.music.grid` with :mod:`lmms_magenta_pattern.drum_codec`.
"""

from __future__ import annotations

import numpy as np

from lmms_magenta.music import Clip, Meter, Note

from .melody_codec import STEPS, STEPS_PER_BAR, notes_to_tokens, tokens_to_notes

__all__ = ["clip_to_tokens", "tokens_to_clip"]

_FOUR_FOUR = Meter(4, 4)


def clip_to_tokens(clip: Clip, start_bar: int = 0) -> np.ndarray:
    """Tokens ``[32]`` of the 2 bars from ``start_bar`` of a melodic 4/4 clip.

    ValueError for a drum clip, another meter, or a resolution without 16ths.
    """
    if clip.is_drum:
        raise ValueError("a melody needs a melodic clip, not drums")
    if clip.meter != _FOUR_FOUR:
        raise ValueError(f"a 2-bar melody needs a 4/4 clip, got {clip.meter}")
    if clip.ppq % 4:
        raise ValueError(f"a {clip.ppq} ppq clip cannot hold 16th notes")
    st = clip.ppq // 4
    origin = start_bar * STEPS_PER_BAR
    notes = []
    for n in clip.notes:
        on = (2 * n.start + st) // (2 * st) - origin  # nearest step, halves go later
        off = (2 * n.end + st) // (2 * st) - origin
        notes.append((on, max(1, off - on), n.pitch))
    return notes_to_tokens(notes, STEPS)


def tokens_to_clip(
    tokens: np.ndarray, *, ppq: int = 480, tempo: float = 120.0, velocity: int = 100, name: str = ""
) -> Clip:
    """A 2-bar 4/4 clip of the notes of ``tokens``."""
    st = ppq // 4
    notes = [Note(p, velocity, s * st, ln * st) for s, ln, p in tokens_to_notes(tokens)]
    length = len(np.asarray(tokens).reshape(-1)) * st
    return Clip(notes, ppq=ppq, meter=_FOUR_FOUR, tempo=tempo, length=length, name=name)
