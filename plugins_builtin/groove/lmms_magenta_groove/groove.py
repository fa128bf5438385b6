"""Apply a predicted groove to a whole drum clip (numpy only; for the humanize feature).

The model works on 2-bar windows; a clip of any length is padded to whole windows
(:func:`clip_windows`), the model predicts a velocity and an offset for every
(step, drum class) cell, and :func:`apply_groove` moves the clip's *own* notes: each
keeps its pitch, length and channel, and only its onset and velocity change. Notes
without a drum class are left alone. ``intensity`` scales the whole change, and
``timing`` / ``velocity`` weight its two parts (the "timing/velocity balance").
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from lmms_magenta.music import Clip, drum_class

from .representation import N_CLASSES, STEPS, encode, step_ticks

__all__ = ["apply_groove", "clip_windows"]


def clip_windows(clip: Clip) -> tuple[np.ndarray, int]:
    """Hits of a 4/4 drum clip as windows ``[N, 32, 9]`` (zero-padded) and the step count."""
    steps = -(-max(1, clip.bar_count * 16) // STEPS) * STEPS
    grid = encode(clip, n_steps=steps)
    return grid.hits.reshape(-1, STEPS, N_CLASSES), clip.bar_count * 16


def apply_groove(
    clip: Clip,
    velocities: np.ndarray,
    offsets: np.ndarray,
    *,
    intensity: float = 1.0,
    timing: float = 1.0,
    velocity: float = 1.0,
) -> Clip:
    """Move the clip's notes to the predicted groove.

    ``velocities``/``offsets`` are ``[N, 32, 9]`` (or ``[steps, 9]``) as the model
    returns them. A note on step s of class c goes to ``s + offsets[s, c]`` steps
    (scaled by ``intensity * timing``) and towards velocity ``velocities[s, c]``
    (by ``intensity * velocity``). ValueError for weights outside 0-1.
    """
    for name, value in (("intensity", intensity), ("timing", timing), ("velocity", velocity)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be 0-1, got {value}")
    vel = np.asarray(velocities, np.float32).reshape(-1, N_CLASSES)
    off = np.asarray(offsets, np.float32).reshape(-1, N_CLASSES)
    st = step_ticks(clip.ppq)
    t_amount, v_amount = intensity * timing, intensity * velocity
    notes = []
    for note in clip.notes:
        cls = drum_class(note.pitch)
        step = (2 * note.start + st) // (2 * st)
        if cls is None or step >= vel.shape[0]:
            notes.append(note)
            continue
        target = step * st + float(off[step, cls]) * st
        start = max(0, round(note.start + (target - note.start) * t_amount))
        new_vel = note.velocity + (float(vel[step, cls]) * 127.0 - note.velocity) * v_amount
        notes.append(replace(note, start=start, velocity=int(np.clip(round(new_vel), 1, 127))))
    length = clip.length
    last = max((n.start for n in notes), default=-1)
    if last >= length:
        length = (last // clip.ticks_per_bar + 1) * clip.ticks_per_bar
    return replace(clip, notes=tuple(notes), length=length)
