"""The three baselines the groove model is judged against (numpy only).

* **straight**: every note on the grid (offset 0) at the training set's mean velocity
  — what a quantized pattern sounds like.
* **template**: a groove template, the mean offset and velocity of each drum class on
  each 16th of the bar, per style, learned from the train split (the classic "groove
  quantize" of a DAW, made as well as the data allows). Cells the style never plays
  fall back to the all-styles mean, then to the global mean.
* **jitter**: what a DAW's "humanize" does — uniform random timing (±10 ms) and
  velocity (±10) around the straight pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..representation import N_CLASSES, STEPS, STEPS_PER_BAR
from ..styles import STYLES

__all__ = ["GrooveTemplate", "jitter", "straight"]

JITTER_MS = 10.0
JITTER_VELOCITY = 10.0


@dataclass(frozen=True)
class GrooveTemplate:
    """Mean offset (steps) and velocity (0-1) ``[n_styles, 16, 9]``; style 0 = all styles."""

    offsets: np.ndarray
    velocities: np.ndarray
    mean_velocity: float

    @classmethod
    def fit(
        cls, hits: np.ndarray, velocities: np.ndarray, offsets: np.ndarray, style: np.ndarray
    ) -> GrooveTemplate:
        """Learn the template from windows ``[N, 32, 9]`` and their style indices ``[N]``."""
        n_styles = len(STYLES)
        shape = (n_styles, STEPS_PER_BAR, N_CLASSES)
        cnt, vsum, osum = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        bars = hits.reshape(-1, STEPS_PER_BAR, N_CLASSES)
        vb = velocities.reshape(bars.shape)
        ob = offsets.reshape(bars.shape)
        sb = np.repeat(style, STEPS // STEPS_PER_BAR)
        for s in range(n_styles):
            m = sb == s
            cnt[s], vsum[s], osum[s] = bars[m].sum(0), (vb[m] * bars[m]).sum(0), (ob[m]).sum(0)
        cnt[0], vsum[0], osum[0] = cnt.sum(0), vsum.sum(0), osum.sum(0)
        mean_vel = float(vsum[0].sum() / cnt[0].sum())
        mean_off = float(osum[0].sum() / cnt[0].sum())
        with np.errstate(invalid="ignore", divide="ignore"):
            vel = vsum / cnt
            off = osum / cnt
        vel[0] = np.where(cnt[0] > 0, vel[0], mean_vel)
        off[0] = np.where(cnt[0] > 0, off[0], mean_off)
        vel = np.where(cnt > 0, vel, vel[0][None])
        off = np.where(cnt > 0, off, off[0][None])
        return cls(off.astype(np.float32), vel.astype(np.float32), mean_vel)

    def predict(self, hits: np.ndarray, style: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Velocities and offsets ``[N, 32, 9]`` for windows of ``hits`` in ``style``."""
        reps = STEPS // STEPS_PER_BAR
        vel = np.tile(self.velocities[style], (1, reps, 1)) * hits
        off = np.tile(self.offsets[style], (1, reps, 1)) * hits
        return vel.astype(np.float32), off.astype(np.float32)

    def save(self, path: Path) -> None:
        """Write as ``.npz`` (shipped next to the model, used by the tests)."""
        np.savez(
            path,
            offsets=self.offsets,
            velocities=self.velocities,
            mean_velocity=np.float32(self.mean_velocity),
            styles=np.array(STYLES),
        )

    @classmethod
    def load(cls, path: Path) -> GrooveTemplate:
        """Read a template written by :meth:`save`."""
        with np.load(path) as z:
            return cls(z["offsets"], z["velocities"], float(z["mean_velocity"]))


def straight(hits: np.ndarray, mean_velocity: float) -> tuple[np.ndarray, np.ndarray]:
    """Offset 0 and the mean velocity on every hit."""
    return (hits * mean_velocity).astype(np.float32), np.zeros_like(hits, np.float32)


def jitter(
    hits: np.ndarray, step_ms: np.ndarray, mean_velocity: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Uniform ±10 ms timing and ±10 velocity jitter around the straight pattern."""
    ms = rng.uniform(-JITTER_MS, JITTER_MS, hits.shape) / step_ms[:, None, None]
    dv = rng.uniform(-JITTER_VELOCITY, JITTER_VELOCITY, hits.shape) / 127.0
    vel = np.clip(mean_velocity + dv, 1 / 127, 1.0) * hits
    off = np.clip(ms, -0.5, 0.5) * hits
    return vel.astype(np.float32), off.astype(np.float32)
