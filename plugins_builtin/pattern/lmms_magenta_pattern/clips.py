"""Model step sequences <-> the kernel's clips, for patterns of any number of bars.

A pattern of ``bars`` bars is ``ceil(bars / 2)`` consecutive 2-bar windows; the last
window's spare bar is cut. Clips are 480 ppq, 4/4, at the given tempo.

* Drums come out at the General MIDI pitches of the 9 classes (kick 36, snare 38,
  closed hat 42 ...) on channel 10, one 16th long, with a plain accent pattern (the
  model has no dynamics): :data:`ACCENTS` by position in the beat. The groove
  feature humanizes them afterwards if wanted.
* A melody window that begins with "no event" begins with a rest (that is what it
  means inside a window), so a note of the previous window does not run on into it.

Going in, a drum clip is put on the 16th grid with :func:`lmms_magenta.music.grid.encode_drums`
and a melodic clip with :func:`.melody_clip.clip_to_tokens`; a melody is moved by
octaves into the model's range (C3-C6) and the move is undone on the way out.
"""

from __future__ import annotations

import numpy as np

from lmms_magenta.music import DRUM_CHANNEL, Clip, Meter, Note, canonical_pitch

from .drum_codec import N_DRUM_CLASSES, classes_to_hits
from .melody_codec import (
    NO_EVENT,
    NOTE_OFF,
    PITCH_MAX,
    PITCH_MIN,
    STEPS,
    STEPS_PER_BAR,
    MelodyNote,
    fit_range,
    notes_to_tokens,
    tokens_to_notes,
)

__all__ = [
    "ACCENTS",
    "MELODY_VELOCITY",
    "PPQ",
    "drum_clip",
    "drum_windows",
    "melody_clip",
    "melody_notes",
    "melody_windows",
    "windows_for",
]

PPQ = 480
_STEP = PPQ // 4
_FOUR_FOUR = Meter(4, 4)
#: Velocity of a drum hit by its 16th position in the beat (on, e, and, a).
ACCENTS = (110, 80, 95, 80)
MELODY_VELOCITY = 100


def windows_for(bars: int) -> int:
    """2-bar windows needed for ``bars`` bars."""
    return -(-bars // 2)


def drum_clip(classes: np.ndarray, bars: int, *, tempo: float, name: str) -> Clip:
    """A drum clip of ``bars`` bars from window class sequences ``[windows, 32]``."""
    hits = classes_to_hits(np.asarray(classes).reshape(-1))[: bars * STEPS_PER_BAR]
    notes = [
        Note(
            canonical_pitch(int(cls)),
            ACCENTS[int(step) % 4],
            int(step) * _STEP,
            _STEP // 2,
            DRUM_CHANNEL,
        )
        for step, cls in zip(*np.nonzero(hits > 0.5), strict=True)
    ]
    return Clip(
        notes,
        ppq=PPQ,
        meter=_FOUR_FOUR,
        tempo=tempo,
        length=bars * STEPS_PER_BAR * _STEP,
        is_drum=True,
        name=name,
    )


def melody_notes(tokens: np.ndarray, bars: int) -> list[MelodyNote]:
    """Notes ``(step, length, pitch)`` of window token sequences ``[windows, 32]``,
    cut to ``bars`` bars."""
    seq = np.array(tokens, dtype=np.int64).reshape(-1, STEPS)
    first = seq[:, 0] == NO_EVENT
    first[0] = False
    seq[first, 0] = NOTE_OFF
    end = bars * STEPS_PER_BAR
    out = []
    for step, length, pitch in tokens_to_notes(seq.reshape(-1)):
        if step < end:
            out.append((step, min(length, end - step), pitch))
    return out


def melody_clip(
    notes: list[MelodyNote], bars: int, *, tempo: float, name: str, program: int = 0
) -> Clip:
    """A melodic clip of ``bars`` bars from notes ``(step, length, pitch)``."""
    return Clip(
        [Note(p, MELODY_VELOCITY, s * _STEP, ln * _STEP) for s, ln, p in notes],
        ppq=PPQ,
        meter=_FOUR_FOUR,
        tempo=tempo,
        length=bars * STEPS_PER_BAR * _STEP,
        name=name,
        program=program,
    )


def drum_windows(clip: Clip, windows: int) -> np.ndarray:
    """Hits ``[windows, 32, 9]`` of the first ``windows * 2`` bars of a 4/4 drum clip
    (ValueError for another meter or a non-drum clip)."""
    from lmms_magenta.music.grid import encode_drums

    grid = encode_drums(clip, n_steps=windows * STEPS)
    return grid.hits.reshape(windows, STEPS, N_DRUM_CLASSES).astype(np.float32)


def melody_windows(clip: Clip, windows: int) -> tuple[np.ndarray, np.ndarray]:
    """Tokens ``[windows, 32]`` of the first ``windows * 2`` bars of a melodic 4/4 clip,
    and the octave move per window that put it in the model's range (undo it with
    ``-shift`` on the way out)."""
    from .melody_clip import clip_to_tokens

    tokens = np.stack([clip_to_tokens(clip, 2 * k) for k in range(windows)])
    shifts = np.zeros(windows, np.int64)
    for k in range(windows):
        notes = tokens_to_notes(tokens[k])
        shift = fit_range(notes)
        if shift is None:  # wider than the model's range: fold each note
            folded = [(s, ln, _fold(p)) for s, ln, p in notes]
            tokens[k] = notes_to_tokens(folded)
        elif shift:
            tokens[k] = notes_to_tokens([(s, ln, p + shift) for s, ln, p in notes])
            shifts[k] = shift
    return tokens, shifts


def _fold(pitch: int) -> int:
    while pitch < PITCH_MIN:
        pitch += 12
    while pitch > PITCH_MAX:
        pitch -= 12
    return pitch
