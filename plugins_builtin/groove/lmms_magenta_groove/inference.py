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
* ``hit_noise`` (drumify only): a hit is played where ``sigmoid(logit) > hit_noise``;
  0.5 everywhere picks the most likely drums, and temperature t draws it uniformly
  from ``0.5 +- t / 4`` (t = 2: full Bernoulli sampling).

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

__all__ = ["LATENT_SPREAD", "MODEL", "TASK", "GrooveModel"]

#: Model name and task in the model repository.
MODEL = "groove-vae-2bar"
TASK = "groove-vae-2bar"
#: Spread of the latent noise at temperature 1 (in units of the prior's).
LATENT_SPREAD = 3.0


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

    def _run(
        self,
        hits: FloatArray,
        tap: FloatArray,
        keep: float,
        style: str,
        temperature: float,
        rng: np.random.Generator,
    ) -> dict[str, npt.NDArray[Any]]:
        n = hits.shape[0]
        z_noise = rng.standard_normal((n, self.z_dim)).astype(np.float32)
        hit_noise = rng.uniform(-0.25, 0.25, (n, STEPS, N_CLASSES)).astype(np.float32)
        feeds = {
            "hits": hits,
            "tap": tap,
            "keep_hits": np.full((n, 1), keep, np.float32),
            "style": np.full(n, STYLES.index(style), np.int64),
            "z_noise": z_noise * np.float32(temperature * LATENT_SPREAD),
            "hit_noise": np.float32(0.5) + hit_noise * np.float32(temperature),
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
        out = self._run(windows, tap, 1.0, style, temperature, rng or np.random.default_rng(0))
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

        Overlapping windows vote on each hit with their crossfade weight (a hit where
        the blend is above one half).
        """
        windows = split_windows(tap, n_bars)
        empty = np.zeros((windows.shape[0], STEPS, N_CLASSES), np.float32)
        out = self._run(empty, windows, 0.0, style, temperature, rng or np.random.default_rng(0))
        hits = (blend_windows(out["out_hits"], n_bars) > 0.5).astype(np.float32)
        return (
            hits,
            blend_windows(out["velocities"], n_bars),
            blend_windows(out["offsets"], n_bars),
        )
