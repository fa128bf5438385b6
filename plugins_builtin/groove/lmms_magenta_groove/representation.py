"""Drum clips <-> groove arrays on a 16th-note grid (numpy only; shared by training and inference).

GrooVAE's representation: every 16th-note *step* of a 4/4 bar holds, for each of the
9 drum classes (:class:`lmms_magenta.music.DrumClass`),

* ``hits``       1 if the class is played on that step, else 0;
* ``velocities`` the MIDI velocity / 127 (0 where there is no hit);
* ``offsets``    how early (< 0) or late (> 0) the note is against the step, in steps,
  within [-0.5, 0.5) (0 where there is no hit).

A note belongs to the step *nearest* to its onset, so a snare played 20 ms ahead of
bar 3 belongs to bar 3 (step 0, negative offset), not to the end of bar 2. That is
why a whole performance is put on one step grid first and cut into windows
afterwards, rather than cutting the clip by ticks first.

When one class is hit twice on one step (a flam, or two pitches of one class such as
kick 35 and 36) only the loudest note is kept, as Magenta does; the count of dropped
notes is reported so data builders can log it.

The module imports nothing heavy (numpy only, and only the kernel's music model), so
the runtime plugin can use it; the torch training code builds on it too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from lmms_magenta.music import Clip, Meter, Note, canonical_pitch, drum_class
from lmms_magenta.music.notes import DRUM_CHANNEL

__all__ = [
    "BARS",
    "N_CLASSES",
    "STEPS",
    "STEPS_PER_BAR",
    "GrooveGrid",
    "decode",
    "encode",
    "quantized",
    "step_ticks",
    "tap",
    "windows",
]

#: Drum classes (kick, snare, closed hi-hat, open hi-hat, low/mid/high tom, crash, ride).
N_CLASSES = 9
#: 16th-note steps in a 4/4 bar.
STEPS_PER_BAR = 16
#: Bars in one model window.
BARS = 2
#: Steps in one model window (the model's time axis, T).
STEPS = BARS * STEPS_PER_BAR

_FOUR_FOUR = Meter(4, 4)


def step_ticks(ppq: int) -> int:
    """Ticks in one 16th-note step; ValueError if the resolution cannot hold 16ths."""
    if ppq % 4:
        raise ValueError(f"a {ppq} ppq grid cannot hold 16th notes")
    return ppq // 4


@dataclass(frozen=True, slots=True)
class GrooveGrid:
    """Arrays ``[steps, 9]`` for a clip (or a window of one), plus what was lost.

    ``hits`` is float32 0/1, ``velocities`` float32 in [0, 1], ``offsets`` float32
    steps in [-0.5, 0.5). ``dropped`` counts notes merged away (same class and step)
    or without a drum class.
    """

    hits: np.ndarray
    velocities: np.ndarray
    offsets: np.ndarray
    dropped: int = 0

    @property
    def steps(self) -> int:
        """Length of the grid in steps."""
        return int(self.hits.shape[0])


def encode(clip: Clip, *, n_steps: int | None = None) -> GrooveGrid:
    """Put a 4/4 drum clip on the 16th grid.

    ``n_steps`` defaults to the clip's whole bars; notes whose nearest step falls
    outside ``[0, n_steps)`` are dropped (and counted). ValueError if the clip is not
    a drum clip in 4/4 or its resolution cannot hold 16th notes.
    """
    if not clip.is_drum:
        raise ValueError("groove encoding needs a drum clip")
    if clip.meter != _FOUR_FOUR:
        raise ValueError(f"groove encoding needs a 4/4 clip, got {clip.meter}")
    st = step_ticks(clip.ppq)
    steps = clip.bar_count * STEPS_PER_BAR if n_steps is None else n_steps
    hits = np.zeros((steps, N_CLASSES), np.float32)
    vels = np.zeros((steps, N_CLASSES), np.float32)
    offs = np.zeros((steps, N_CLASSES), np.float32)
    dropped = 0
    for note in clip.notes:
        cls = drum_class(note.pitch)
        step = (2 * note.start + st) // (2 * st)  # nearest step, halves go later
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
    return GrooveGrid(hits, vels, offs, dropped)


def windows(grid: GrooveGrid, *, hop_bars: int = 1) -> list[tuple[int, GrooveGrid]]:
    """Whole 2-bar windows of a grid, every ``hop_bars`` bars, as ``(start_bar, window)``.

    A last window shorter than 2 bars is not returned.
    """
    out = []
    hop = hop_bars * STEPS_PER_BAR
    for start in range(0, grid.steps - STEPS + 1, hop):
        sl = slice(start, start + STEPS)
        out.append(
            (
                start // STEPS_PER_BAR,
                GrooveGrid(grid.hits[sl], grid.velocities[sl], grid.offsets[sl]),
            )
        )
    return out


def quantized(hits: np.ndarray) -> np.ndarray:
    """Humanize input: the hits only (on the grid, every velocity flattened away).

    Returns a float32 copy of ``hits`` ``[..., steps, 9]``: the model sees *which*
    drums play on which step, never how loud or how early.
    """
    return np.asarray(hits, np.float32).copy()


def tap(hits: np.ndarray, velocities: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Drumify input: every hit collapsed onto one voice, ``[..., steps, 3]``.

    Per step: (1 if anything is played, velocity of the loudest hit, that hit's
    offset) — what a drummer tapping the groove on one pad would play.
    """
    hits = np.asarray(hits, np.float32)
    vel = np.where(hits > 0, velocities, -1.0)
    loudest = np.argmax(vel, axis=-1)[..., None]
    any_hit = hits.max(axis=-1)
    v = np.take_along_axis(np.asarray(velocities, np.float32), loudest, -1)[..., 0]
    o = np.take_along_axis(np.asarray(offsets, np.float32), loudest, -1)[..., 0]
    return np.stack([any_hit, v * any_hit, o * any_hit], axis=-1).astype(np.float32)


def decode(
    hits: np.ndarray,
    velocities: np.ndarray,
    offsets: np.ndarray,
    *,
    ppq: int = 480,
    tempo: float = 120.0,
    note_steps: float = 0.5,
    name: str = "",
) -> Clip:
    """Turn arrays ``[steps, 9]`` back into a 4/4 drum clip at canonical GM pitches.

    Velocities are scaled to 1-127, offsets rounded to the nearest tick (clamped so a
    note never starts before tick 0), and each note lasts ``note_steps`` steps. The
    clip is as long as the grid (whole bars).
    """
    st = step_ticks(ppq)
    hits = np.asarray(hits)
    n_steps = int(hits.shape[0])
    length_ticks = max(1, round(note_steps * st))
    notes = []
    for step, cls in zip(*np.nonzero(hits > 0.5), strict=True):
        vel = int(np.clip(round(float(velocities[step, cls]) * 127.0), 1, 127))
        off = float(np.clip(offsets[step, cls], -0.5, 0.5))
        start = max(0, int(step) * st + round(off * st))
        notes.append(Note(canonical_pitch(int(cls)), vel, start, length_ticks, DRUM_CHANNEL))
    bars = max(1, -(-n_steps // STEPS_PER_BAR))
    length = bars * STEPS_PER_BAR * st
    notes = [n if n.start < length else replace(n, start=length - 1) for n in notes]
    return Clip(
        tuple(notes), ppq=ppq, meter=_FOUR_FOUR, tempo=tempo, length=length, is_drum=True, name=name
    )
