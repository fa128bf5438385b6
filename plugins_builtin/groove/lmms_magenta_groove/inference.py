"""Run the groove model on a whole clip: windows in, one batched call, windows blended out.

The model (``groove-vae-2bar``, task ``groove-vae-2bar``) is opened through the model
repository (``lmms_magenta_models``), which verifies its sha256 and runs it on the
device of the kernel's hardware profile with CPU fallback. One call processes every
window of a clip (a 120-bar song is 119 windows).

Randomness is an input of the graph, drawn here from a seeded numpy generator, so the
same seed gives the same groove on every backend:

* ``z_noise``: the latent is ``mu + sigma * z_noise``; we draw ``z_noise`` from
  N(0, (temperature * LATENT_SPREAD)^2), one per window. At the prior's own spread
  (``LATENT_SPREAD = 1``) grooves differ by only ~2 velocity steps and ~1 ms per hit
  (the model card), too little to hear, so temperature 1 draws with three times that
  spread: ~6 velocity steps and ~2.5 ms per hit, per window (measured on a funk
  pattern; velocities stay in the model's usual range up to temperature 2).
* ``hit_noise`` (drumify only): a drum is played where ``sigmoid(logit) > hit_noise``.
  At temperature 0 it is :data:`HIT_THRESHOLD` (0.4) everywhere; temperature t draws
  it uniformly from ``0.4 +- t / 4``. Why 0.4 and not 0.5: on the validation split
  0.5 writes 13 % fewer hits than the drummers played and leaves 5.8 % of the tapped
  steps without any drum; 0.4 writes the drummers' density (1.03 x), leaves 1.9 %
  empty, and scores the same (hit F1 0.565 vs 0.561; docs/groove.md).

Temperature 0 is fully deterministic (the most likely groove); the seed then does not
matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from lmms_magenta.errors import ModelError
from lmms_magenta.music.grid import FloatArray

from .groove import blend_windows, split_windows
from .representation import N_CLASSES, STEPS
from .styles import STYLES

if TYPE_CHECKING:
    from lmms_magenta.hardware import Session
    from lmms_magenta.kernel import Kernel

__all__ = [
    "HIT_THRESHOLD",
    "LATENT_SPREAD",
    "MODEL",
    "REFILL_ROUNDS",
    "REFILL_STEP",
    "TASK",
    "GrooveModel",
]

#: Model name and task in the model repository.
MODEL = "groove-vae-2bar"
TASK = "groove-vae-2bar"
#: Spread of the latent noise at temperature 1 (in units of the prior's).
LATENT_SPREAD = 5.0
#: Drumify's hit threshold at temperature 0 (see the module docstring).
HIT_THRESHOLD = 0.4
#: Drumify: how much a silent tapped step's threshold drops per retry, and how often.
REFILL_STEP = 0.1
REFILL_ROUNDS = 4


@dataclass
class GrooveModel:
    """The groove model's session plus what the feature needs to feed it."""

    session: Session
    z_dim: int

    @classmethod
    def from_kernel(cls, kernel: Kernel) -> GrooveModel:
        """Resolve the model in the kernel's repository (ModelError if absent or foreign)."""
        from lmms_magenta_models import ModelRepository

        repo = ModelRepository.from_kernel(kernel)
        model = repo.resolve(MODEL, task=TASK)
        extra: dict[str, Any] = dict(model.manifest.extra or {})
        styles = tuple(extra.get("styles", ()))
        if styles != STYLES:
            raise ModelError(
                f"model {MODEL} was trained with other styles than this plugin knows "
                f"({', '.join(styles) or 'none listed'}); reinstall lmms-magenta-groove"
            )
        try:
            z_dim = int(extra["config"]["z_dim"])
        except (KeyError, TypeError, ValueError):
            raise ModelError(f"model {MODEL}: manifest 'extra.config.z_dim' is missing") from None
        return cls(repo.session(MODEL, task=TASK), z_dim)

    def _noise(
        self, n: int, temperature: float, rng: np.random.Generator
    ) -> tuple[FloatArray, FloatArray]:
        """``z_noise`` and ``hit_noise`` for ``n`` windows (see the module docstring)."""
        z = rng.standard_normal((n, self.z_dim)).astype(np.float32)
        jitter = rng.uniform(-0.25, 0.25, (n, STEPS, N_CLASSES)).astype(np.float32)
        hit_noise = np.clip(HIT_THRESHOLD + jitter * np.float32(temperature), 0.0, 1.0)
        return z * np.float32(temperature * LATENT_SPREAD), hit_noise.astype(np.float32)

    def _run(
        self,
        hits: FloatArray,
        tap: FloatArray,
        keep: float,
        style: str,
        z_noise: FloatArray,
        hit_noise: FloatArray,
    ) -> dict[str, npt.NDArray[Any]]:
        n = hits.shape[0]
        feeds: dict[str, npt.NDArray[Any]] = {
            "hits": hits,
            "tap": tap,
            "keep_hits": np.full((n, 1), keep, np.float32),
            "style": np.full(n, STYLES.index(style), np.int64),
            "z_noise": z_noise,
            "hit_noise": hit_noise,
        }
        return self.session.run(feeds)

    def humanize(
        self,
        hits: npt.ArrayLike,
        n_bars: int,
        *,
        style: str = "any",
        temperature: float = 0.0,
        rng: np.random.Generator | None = None,
    ) -> tuple[FloatArray, FloatArray]:
        """Velocities and offsets ``[n_bars * 16, 9]`` for the hits ``[n_bars * 16, 9]``."""
        windows = split_windows(hits, n_bars)
        tap = np.zeros((windows.shape[0], STEPS, 3), np.float32)
        z, hit_noise = self._noise(windows.shape[0], temperature, rng or np.random.default_rng(0))
        out = self._run(windows, tap, 1.0, style, z, hit_noise)
        return (
            blend_windows(out["velocities"], n_bars),
            blend_windows(out["offsets"], n_bars),
        )

    def drumify(
        self,
        tap: npt.ArrayLike,
        n_bars: int,
        *,
        style: str = "any",
        temperature: float = 0.0,
        rng: np.random.Generator | None = None,
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Hits (0/1), velocities and offsets ``[n_bars * 16, 9]`` for a tap ``[steps, 3]``.

        Every tapped step gets a drum: the model learned from taps that are the
        drummer's hits collapsed, so a tap always stood for at least one drum; where
        sampling left a tapped step empty (the model was unsure which drum), the hit
        threshold of that step alone is lowered by :data:`REFILL_STEP` and the windows are
        run again, at most :data:`REFILL_ROUNDS` times. Overlapping windows then vote on
        each hit with their crossfade weight (a hit where the blend is above one half).
        """
        windows = split_windows(tap, n_bars)
        empty = np.zeros((windows.shape[0], STEPS, N_CLASSES), np.float32)
        z, hit_noise = self._noise(windows.shape[0], temperature, rng or np.random.default_rng(0))
        tapped = windows[..., 0] > 0
        for _ in range(REFILL_ROUNDS + 1):
            out = self._run(empty, windows, 0.0, style, z, hit_noise)
            silent = tapped & (out["out_hits"].max(axis=-1) < 0.5)
            if not silent.any():
                break
            hit_noise[silent] = np.maximum(hit_noise[silent] - REFILL_STEP, 0.0)
        hits = (blend_windows(out["out_hits"], n_bars) > 0.5).astype(np.float32)
        return (
            hits,
            blend_windows(out["velocities"], n_bars),
            blend_windows(out["offsets"], n_bars),
        )
