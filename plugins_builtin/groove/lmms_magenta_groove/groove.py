"""Chunk a clip of any length into the model's 2-bar windows and put the groove back on
its own notes (numpy only; no model here).

Chunking: the model sees 2 bars at a time. A clip of ``B`` bars is cut into
``max(1, B - 1)`` windows that start on every bar (a 1-bar hop), so every bar but the
first and the last is predicted twice: once as the second bar of one window, once as
the first bar of the next. The predictions are overlap-added with a triangular
("tent") weight that is highest in the middle of a window and falls towards its
edges; at a 1-bar hop the tents of two neighbours sum to exactly 1. Every bar line
inside the clip is therefore the *middle* of a window, and the steps on both sides
of it come mostly (97 %) from that same window: there is no seam where one window
hands over to the next, only a gradual crossfade across each bar. A 1-bar clip is
padded with an empty bar.

Applying: :func:`groove_notes` moves each note to the predicted groove of its own
(step, drum class) cell: only the onset and the velocity change; pitch, length and
channel stay. Notes without a drum class, or outside the grid, are left alone.
``intensity`` scales the whole change and ``timing`` / ``velocity`` weight its two
parts (the timing/velocity balance); with ``intensity=0`` every note is returned
unchanged, bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from lmms_magenta.music import Clip, Note, drum_class
from lmms_magenta.music.grid import FloatArray, nearest_step, step_ticks

from .representation import BARS, N_CLASSES, STEPS, STEPS_PER_BAR

__all__ = [
    "apply_groove",
    "blend_windows",
    "groove_notes",
    "split_windows",
    "tent_weights",
    "window_count",
]


def window_count(n_bars: int) -> int:
    """How many overlapping 2-bar windows cover ``n_bars`` bars (a 1-bar hop)."""
    return max(1, n_bars - BARS + 1)


def split_windows(steps: npt.ArrayLike, n_bars: int) -> FloatArray:
    """Per-step arrays ``[n_bars * 16, C]`` -> overlapping windows ``[N, 32, C]``.

    Window ``w`` covers bars ``w`` and ``w + 1``; missing steps (a 1-bar clip) are 0.
    """
    arr = np.asarray(steps, np.float32)
    n = window_count(n_bars)
    padded = np.zeros(((n + BARS - 1) * STEPS_PER_BAR, arr.shape[1]), np.float32)
    used = min(arr.shape[0], padded.shape[0])
    padded[:used] = arr[:used]
    starts = np.arange(n)[:, None] * STEPS_PER_BAR + np.arange(STEPS)[None, :]
    return padded[starts]


def tent_weights() -> FloatArray:
    """The crossfade weight of each of a window's 32 steps (peak at the bar line)."""
    s = np.arange(STEPS, dtype=np.float32)
    return np.minimum(s + 0.5, STEPS - s - 0.5) / STEPS_PER_BAR


def blend_windows(windows: npt.ArrayLike, n_bars: int) -> FloatArray:
    """Overlap-add per-window predictions ``[N, 32, C]`` back to ``[n_bars * 16, C]``."""
    arr = np.asarray(windows, np.float32)
    n = arr.shape[0]
    if n != window_count(n_bars):
        raise ValueError(f"{n} windows do not cover {n_bars} bars")
    total = (n + BARS - 1) * STEPS_PER_BAR
    acc = np.zeros((total, arr.shape[2]), np.float32)
    weight = np.zeros((total, 1), np.float32)
    tent = tent_weights()[:, None]
    for w in range(n):
        sl = slice(w * STEPS_PER_BAR, w * STEPS_PER_BAR + STEPS)
        acc[sl] += arr[w] * tent
        weight[sl] += tent
    return (acc / weight)[: n_bars * STEPS_PER_BAR]


def _check_weight(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be 0-1, got {value}")


def groove_notes(
    notes: Sequence[tuple[Note, int | None]],
    ppq: int,
    velocities: npt.ArrayLike,
    offsets: npt.ArrayLike,
    *,
    intensity: float = 1.0,
    timing: float = 1.0,
    velocity: float = 1.0,
) -> list[Note]:
    """Move ``(note, drum class)`` pairs to the groove ``[steps, 9]``, in the same order.

    A note on step s of class c goes towards ``s + offsets[s, c]`` steps by
    ``intensity * timing`` and towards velocity ``velocities[s, c] * 127`` by
    ``intensity * velocity`` (rounded to ticks / whole velocities 1-127, never before
    tick 0). ValueError for weights outside 0-1.
    """
    for name, value in (("intensity", intensity), ("timing", timing), ("velocity", velocity)):
        _check_weight(name, value)
    vel = np.asarray(velocities, np.float32).reshape(-1, N_CLASSES)
    off = np.asarray(offsets, np.float32).reshape(-1, N_CLASSES)
    st = step_ticks(ppq)
    t_amount, v_amount = intensity * timing, intensity * velocity
    out = []
    for note, cls in notes:
        step = nearest_step(note.start, ppq)
        if cls is None or step >= vel.shape[0] or (t_amount == 0 and v_amount == 0):
            out.append(note)
            continue
        target = step * st + float(off[step, cls]) * st
        start = max(0, round(note.start + (target - note.start) * t_amount))
        new_vel = note.velocity + (float(vel[step, cls]) * 127.0 - note.velocity) * v_amount
        out.append(replace(note, start=start, velocity=int(np.clip(round(new_vel), 1, 127))))
    return out


def apply_groove(
    clip: Clip,
    velocities: npt.ArrayLike,
    offsets: npt.ArrayLike,
    *,
    intensity: float = 1.0,
    timing: float = 1.0,
    velocity: float = 1.0,
) -> Clip:
    """:func:`groove_notes` for a drum clip (classes from the GM pitches); same length
    unless a note moved past the end (then grown to whole bars)."""
    pairs = [(n, _class_of(n.pitch)) for n in clip.notes]
    notes = groove_notes(
        pairs,
        clip.ppq,
        velocities,
        offsets,
        intensity=intensity,
        timing=timing,
        velocity=velocity,
    )
    length = clip.length
    last = max((n.start for n in notes), default=-1)
    if last >= length:
        length = (last // clip.ticks_per_bar + 1) * clip.ticks_per_bar
    return replace(clip, notes=tuple(notes), length=length)


def _class_of(pitch: int) -> int | None:
    cls = drum_class(pitch)
    return None if cls is None else int(cls)
