"""GrooVAE's model inputs on the kernel's 16th-note drum grid (numpy only).

The generic clip <-> grid code (hits / velocities / offsets per step and drum class,
nearest-step assignment, loudest-wins merge, N-bar windows) lives in the kernel,
:mod:`lmms_magenta.music.grid`; this module adds what is GrooVAE's own: the 2-bar
window and the two input transforms the model is trained on,

* :func:`quantized` (humanize): the hits only, every velocity and offset flattened;
* :func:`tap` (drumify): every hit collapsed onto one voice; :func:`tap_steps` builds
  the same from any notes (taps on one key, a bass line, a whole MIDI file).

It imports nothing heavy (numpy and the kernel's music model), so the runtime plugin
can use it; the torch training code builds on it too.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from lmms_magenta.music.grid import (
    N_CLASSES,
    STEPS_PER_BAR,
    DrumGrid,
    FloatArray,
    decode_drums,
    encode_drums,
    grid_windows,
    nearest_step,
    step_ticks,
)
from lmms_magenta.music.notes import Note

__all__ = [
    "BARS",
    "N_CLASSES",
    "STEPS",
    "STEPS_PER_BAR",
    "DrumGrid",
    "decode_drums",
    "encode_drums",
    "quantized",
    "step_ticks",
    "tap",
    "tap_steps",
    "windows",
]

#: Bars in one model window.
BARS = 2
#: Steps in one model window (the model's time axis, T).
STEPS = BARS * STEPS_PER_BAR


def windows(grid: DrumGrid, *, hop_bars: int = 1) -> list[tuple[int, DrumGrid]]:
    """Whole 2-bar model windows of a grid, every ``hop_bars`` bars, as ``(start_bar, window)``."""
    return grid_windows(grid, BARS, hop_bars=hop_bars)


def quantized(hits: npt.ArrayLike) -> FloatArray:
    """Humanize input: the hits only (on the grid, every velocity flattened away).

    Returns a float32 copy of ``hits`` ``[..., steps, 9]``: the model sees *which*
    drums play on which step, never how loud or how early.
    """
    return np.array(hits, np.float32, copy=True)


def tap(hits: npt.ArrayLike, velocities: npt.ArrayLike, offsets: npt.ArrayLike) -> FloatArray:
    """Drumify input: every hit collapsed onto one voice, ``[..., steps, 3]``.

    Per step: (1 if anything is played, velocity of the loudest hit, that hit's
    offset) — what a drummer tapping the groove on one pad would play.
    """
    hit = np.asarray(hits, np.float32)
    vels = np.asarray(velocities, np.float32)
    offs = np.asarray(offsets, np.float32)
    loudest = np.argmax(np.where(hit > 0, vels, -1.0), axis=-1)[..., None]
    any_hit = hit.max(axis=-1)
    v = np.take_along_axis(vels, loudest, -1)[..., 0]
    o = np.take_along_axis(offs, loudest, -1)[..., 0]
    return np.stack([any_hit, v * any_hit, o * any_hit], axis=-1).astype(np.float32)


def tap_steps(notes: Iterable[Note], ppq: int, n_steps: int) -> FloatArray:
    """Drumify input from any notes, ``[n_steps, 3]``: pitch and channel are ignored.

    Each note goes to its nearest 16th step; per step the loudest note gives the
    velocity and the offset, as :func:`tap` does for a drum grid. Notes whose step
    falls outside the grid are ignored.
    """
    st = step_ticks(ppq)
    out = np.zeros((n_steps, 3), np.float32)
    for note in notes:
        step = nearest_step(note.start, ppq)
        vel = note.velocity / 127.0
        if not 0 <= step < n_steps or (out[step, 0] and vel <= out[step, 1]):
            continue
        out[step] = (1.0, vel, (note.start - step * st) / st)
    return out
