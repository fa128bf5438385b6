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
looped to fill its window.

Applying: :func:`groove_notes` moves each note to the predicted groove of its own
(step, drum class) cell: only the onset and the velocity change; pitch, length and
channel stay. Where one cell holds several notes (a flam, kick 35 and 36 together),
the loudest goes to the groove and the others move with it, keeping their spacing.
Notes without a drum class, or outside the grid, are left alone.
``intensity`` scales the whole change and ``timing`` / ``velocity`` weight its two
parts (the timing/velocity balance); with ``intensity=0`` every note is returned
unchanged, bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

from lmms_magenta.music import Clip, Note, drum_class
from lmms_magenta.music.grid import FloatArray, step_ticks

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

    Window ``w`` covers bars ``w`` and ``w + 1``. A 1-bar clip is played twice (a
    one-bar pattern is a loop: the model hears it as one, not as a bar and silence).
    """
    arr = np.asarray(steps, np.float32)[: n_bars * STEPS_PER_BAR]
    n = window_count(n_bars)
    padded = np.zeros(((n + BARS - 1) * STEPS_PER_BAR, arr.shape[1]), np.float32)
    if arr.shape[0]:
        reps = -(-padded.shape[0] // arr.shape[0])
        padded[:] = np.tile(arr, (reps, 1))[: padded.shape[0]]
    starts = np.arange(n)[:, None] * STEPS_PER_BAR + np.arange(STEPS)[None, :]
    windows: FloatArray = padded[starts]
    return windows


def tent_weights() -> FloatArray:
    """The crossfade weight of each of a window's 32 steps (peak at the bar line)."""
    s = np.arange(STEPS, dtype=np.float32)
    weights: FloatArray = (np.minimum(s + 0.5, STEPS - s - 0.5) / STEPS_PER_BAR).astype(np.float32)
    return weights


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
    blended: FloatArray = (acc / weight)[: n_bars * STEPS_PER_BAR].astype(np.float32)
    return blended


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
    if not notes or (t_amount == 0 and v_amount == 0):
        return [note for note, _ in notes]
    # vectorized over all notes (a 120-bar track has thousands); only the Note objects
    # are made one by one, and only for notes that change
    start = np.fromiter((n.start for n, _ in notes), np.int64, len(notes))
    old_vel = np.fromiter((n.velocity for n, _ in notes), np.int64, len(notes))
    cls = np.fromiter((-1 if c is None else c for _, c in notes), np.int64, len(notes))
    step = (2 * start + st) // (2 * st)  # nearest_step, for every note at once
    ok = (cls >= 0) & (step < vel.shape[0])
    s_idx, c_idx = np.where(ok, step, 0), np.where(ok, cls, 0)
    # several notes in one cell (a flam, kick 35 + 36): the loudest - the one the grid
    # kept - goes to the groove, the others move by the same amount, keeping the flam
    lead = _loudest_in_cell(
        np.where(ok, step * N_CLASSES + cls, -1 - np.arange(len(notes))), old_vel
    )
    target = step * st + off[s_idx, c_idx].astype(np.float64) * st
    wanted = vel[s_idx, c_idx].astype(np.float64) * 127.0
    shift = (target - start[lead]) * t_amount
    new_start = np.maximum(0, np.round(start + shift)).astype(np.int64)
    louder = (wanted - old_vel[lead]) * v_amount
    new_vel = np.clip(np.round(old_vel + louder), 1, 127).astype(np.int64)
    new_start = np.where(ok, new_start, start)
    new_vel = np.where(ok, new_vel, old_vel)
    out = []
    for (note, _), s_new, v_new in zip(notes, new_start.tolist(), new_vel.tolist(), strict=True):
        if s_new == note.start and v_new == note.velocity:
            out.append(note)
        else:
            out.append(Note(note.pitch, v_new, s_new, note.length, note.channel))
    return out


def _loudest_in_cell(cell: npt.NDArray[np.int64], velocity: npt.NDArray[np.int64]) -> Any:
    """For each note, the index of the loudest note of its cell (the first one on ties)."""
    order = np.lexsort((np.arange(len(cell)), -velocity, cell))  # by cell, loudest first
    first = np.ones(len(cell), bool)
    first[1:] = cell[order][1:] != cell[order][:-1]
    leader_sorted = order[np.maximum.accumulate(np.where(first, np.arange(len(cell)), 0))]
    lead = np.empty(len(cell), np.int64)
    lead[order] = leader_sorted
    return lead


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
