"""Drum clips <-> a 16th-note step grid of the 9 drum classes (numpy arrays).

The representation of Magenta's drum models (GrooVAE, drum VAEs for pattern
generation): every 16th-note *step* of a 4/4 bar holds, for each of the 9 drum
classes (:class:`~lmms_magenta.music.DrumClass`),

* ``hits``       1 if the class is played on that step, else 0;
* ``velocities`` the MIDI velocity / 127 (0 where there is no hit);
* ``offsets``    how early (< 0) or late (> 0) the note is against the step, in steps,
  within [-0.5, 0.5] (0 where there is no hit).

A note belongs to the step *nearest* to its onset (:func:`nearest_step`), so a snare
played 20 ms ahead of bar 3 belongs to bar 3 (step 0, negative offset), not to the
end of bar 2. That is why a whole performance is put on one grid first
(:func:`encode_drums`) and cut into N-bar windows afterwards (:func:`grid_windows`),
rather than cutting the clip by ticks first.

When one class is hit twice on one step (a flam, or two pitches of one class such as
kick 35 and 36) only the loudest note is kept, as Magenta does; the count of dropped
notes is reported so data builders can log it.

This module imports numpy, so :mod:`lmms_magenta.music` does not import it: use
``from lmms_magenta.music.grid import DrumGrid, encode_drums, ...``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .clip import Clip
from .drums import DrumClass, canonical_pitch, drum_class
from .notes import DRUM_CHANNEL, Note
from .timebase import Meter

__all__ = [
    "N_CLASSES",
    "STEPS_PER_BAR",
    "DrumGrid",
    "FloatArray",
    "decode_drums",
    "encode_drums",
    "grid_windows",
    "nearest_step",
    "step_ticks",
]

#: Float arrays of the grid (``[steps, 9]`` or batches ``[..., steps, 9]``).
FloatArray = npt.NDArray[np.float32]

#: Drum classes (kick, snare, closed hi-hat, open hi-hat, low/mid/high tom, crash, ride).
N_CLASSES = len(DrumClass)
#: 16th-note steps in a 4/4 bar.
STEPS_PER_BAR = 16

_FOUR_FOUR = Meter(4, 4)


def step_ticks(ppq: int) -> int:
    """Ticks in one 16th-note step; ValueError if the resolution cannot hold 16ths."""
    if ppq <= 0 or ppq % 4:
        raise ValueError(f"a {ppq} ppq grid cannot hold 16th notes")
    return ppq // 4


def nearest_step(tick: int, ppq: int) -> int:
    """The 16th step nearest to ``tick`` (a tick exactly half-way goes to the later step)."""
    st = step_ticks(ppq)
    return (2 * tick + st) // (2 * st)


@dataclass(frozen=True, slots=True)
class DrumGrid:
    """Arrays ``[steps, 9]`` for a drum clip (or a window of one), plus what was lost.

    ``hits`` is float32 0/1, ``velocities`` float32 in [0, 1], ``offsets`` float32
    steps in [-0.5, 0.5]. ``dropped`` counts notes merged away (same class and step),
    without a drum class, or outside the grid.
    """

    hits: FloatArray
    velocities: FloatArray
    offsets: FloatArray
    dropped: int = 0

    @property
    def steps(self) -> int:
        """Length of the grid in steps."""
        return int(self.hits.shape[0])

    def window(self, start_bar: int, bars: int) -> DrumGrid:
        """The ``bars`` bars from ``start_bar`` on (views, not copies; ``dropped`` is 0)."""
        sl = slice(start_bar * STEPS_PER_BAR, (start_bar + bars) * STEPS_PER_BAR)
        return DrumGrid(self.hits[sl], self.velocities[sl], self.offsets[sl])


def encode_drums(clip: Clip, *, n_steps: int | None = None) -> DrumGrid:
    """Put a 4/4 drum clip on the 16th grid (nearest step, loudest note wins).

    ``n_steps`` defaults to the clip's whole bars; notes whose nearest step falls
    outside ``[0, n_steps)`` are dropped (and counted). ValueError if the clip is not
    a drum clip in 4/4 or its resolution cannot hold 16th notes.
    """
    if not clip.is_drum:
        raise ValueError("a drum grid needs a drum clip")
    if clip.meter != _FOUR_FOUR:
        raise ValueError(f"a drum grid needs a 4/4 clip, got {clip.meter}")
    st = step_ticks(clip.ppq)
    steps = clip.bar_count * STEPS_PER_BAR if n_steps is None else n_steps
    hits = np.zeros((steps, N_CLASSES), np.float32)
    vels = np.zeros((steps, N_CLASSES), np.float32)
    offs = np.zeros((steps, N_CLASSES), np.float32)
    dropped = 0
    for note in clip.notes:
        cls = drum_class(note.pitch)
        step = nearest_step(note.start, clip.ppq)
        if cls is None or not 0 <= step < steps:
            dropped += 1
            continue
        if hits[step, cls]:
            dropped += 1
            if note.velocity / 127.0 <= vels[step, cls]:
                continue
        hits[step, cls] = 1.0
        vels[step, cls] = note.velocity / 127.0
        offs[step, cls] = (note.start - step * st) / st
    return DrumGrid(hits, vels, offs, dropped)


def grid_windows(grid: DrumGrid, bars: int, *, hop_bars: int = 1) -> list[tuple[int, DrumGrid]]:
    """Whole ``bars``-bar windows of a grid, every ``hop_bars`` bars, as ``(start_bar, window)``.

    A last window shorter than ``bars`` bars is not returned (pad with
    ``encode_drums(clip, n_steps=...)`` to keep it).
    """
    if bars < 1 or hop_bars < 1:
        raise ValueError(f"bars and hop_bars must be >= 1, got {bars} and {hop_bars}")
    size = bars * STEPS_PER_BAR
    hop = hop_bars * STEPS_PER_BAR
    return [
        (start // STEPS_PER_BAR, grid.window(start // STEPS_PER_BAR, bars))
        for start in range(0, grid.steps - size + 1, hop)
    ]


def decode_drums(
    hits: npt.ArrayLike,
    velocities: npt.ArrayLike,
    offsets: npt.ArrayLike,
    *,
    ppq: int = 480,
    tempo: float = 120.0,
    note_steps: float = 0.5,
    name: str = "",
) -> Clip:
    """Turn arrays ``[steps, 9]`` back into a 4/4 drum clip at canonical GM pitches.

    A cell is a hit where ``hits > 0.5``. Velocities are scaled to 1-127, offsets
    clamped to [-0.5, 0.5] and rounded to the nearest tick (a note never starts
    before tick 0 or after the clip's end), and each note lasts ``note_steps`` steps.
    The clip is as long as the grid, in whole bars (at least one).
    """
    st = step_ticks(ppq)
    hit = np.asarray(hits)
    vel = np.asarray(velocities, np.float64)
    off = np.asarray(offsets, np.float64)
    n_steps = int(hit.shape[0])
    bars = max(1, -(-n_steps // STEPS_PER_BAR))
    length = bars * STEPS_PER_BAR * st
    length_ticks = max(1, round(note_steps * st))
    notes = []
    for step, cls in zip(*np.nonzero(hit > 0.5), strict=True):
        velocity = int(np.clip(round(float(vel[step, cls]) * 127.0), 1, 127))
        shift = round(float(np.clip(off[step, cls], -0.5, 0.5)) * st)
        start = min(length - 1, max(0, int(step) * st + shift))
        notes.append(Note(canonical_pitch(int(cls)), velocity, start, length_ticks, DRUM_CHANNEL))
    return Clip(
        notes, ppq=ppq, meter=_FOUR_FOUR, tempo=tempo, length=length, is_drum=True, name=name
    )
