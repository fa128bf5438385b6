"""Monophonic 2-bar melodies <-> the melody VAE's token sequence (numpy only).

One token per 16th step (MusicVAE's melody encoding, over the full MIDI range so the
token is the pitch itself): ``0-127`` note-on of that pitch (ends any sounding note),
:data:`NOTE_OFF` ends the sounding note, :data:`NO_EVENT` changes nothing (the note
holds, or the rest goes on). Notes are ``(step, length, pitch)`` tuples in 16th steps.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

__all__ = [
    "NOTE_OFF",
    "NO_EVENT",
    "PITCH_MAX",
    "PITCH_MIN",
    "STEPS",
    "STEPS_PER_BAR",
    "VOCAB",
    "fit_range",
    "notes_to_tokens",
    "tokens_to_notes",
]

STEPS_PER_BAR = 16
STEPS = 2 * STEPS_PER_BAR
NOTE_OFF = 128
NO_EVENT = 129
VOCAB = 130
#: Pitch range the model was trained on (C3-C6); other pitches are octave-folded in.
PITCH_MIN = 48
PITCH_MAX = 84

MelodyNote = tuple[int, int, int]


def notes_to_tokens(notes: Iterable[MelodyNote], steps: int = STEPS) -> np.ndarray:
    """Tokens ``[steps]`` int64 for notes ``(step, length, pitch)``.

    Notes starting outside ``[0, steps)`` or with length < 1 are dropped; of two notes
    on one step the higher wins (a chord becomes its top voice, as in a soprano line);
    a note that overlaps the next one is cut by it (monophony).
    """
    by_step: dict[int, MelodyNote] = {}
    for step, length, pitch in notes:
        if 0 <= step < steps and length >= 1 and 0 <= pitch <= 127:
            old = by_step.get(step)
            if old is None or pitch > old[2]:
                by_step[step] = (step, length, pitch)
    tokens = np.full(steps, NO_EVENT, dtype=np.int64)
    ordered = sorted(by_step.values())
    for i, (step, length, pitch) in enumerate(ordered):
        tokens[step] = pitch
        end = step + length
        next_on = ordered[i + 1][0] if i + 1 < len(ordered) else steps
        if end < next_on:
            tokens[end] = NOTE_OFF
    return tokens


def tokens_to_notes(tokens: np.ndarray) -> list[MelodyNote]:
    """Notes ``(step, length, pitch)`` of a token sequence; a note still sounding at the
    end lasts to the end. Inverse of :func:`notes_to_tokens` for monophonic input."""
    notes: list[MelodyNote] = []
    start, pitch = -1, -1
    seq = [int(t) for t in np.asarray(tokens).reshape(-1)]
    for step, tok in enumerate(seq):
        if tok == NO_EVENT:
            continue
        if start >= 0:
            notes.append((start, step - start, pitch))
            start = -1
        if tok < NOTE_OFF:
            start, pitch = step, tok
    if start >= 0:
        notes.append((start, len(seq) - start, pitch))
    return notes


def fit_range(notes: list[MelodyNote], lo: int = PITCH_MIN, hi: int = PITCH_MAX) -> int | None:
    """Octave shift (a multiple of 12) that puts every pitch in ``[lo, hi]``, the
    smallest in size; None when the notes span more than the range."""
    if not notes:
        return 0
    low = min(p for _, _, p in notes)
    high = max(p for _, _, p in notes)
    if high - low > hi - lo:
        return None
    for k in sorted(range(-6, 7), key=abs):
        if lo <= low + 12 * k and high + 12 * k <= hi:
            return 12 * k
    return None
