"""``generate.interpolate`` (and ``lmms-magenta interpolate``): clip A into clip B.

Both clips are encoded window by window; step ``i`` of ``steps`` decodes the spherical
interpolation ``slerp(z_A, z_B, i / (steps - 1))`` of each window (MusicVAE's
interpolation), so the first clip is A and the last B as the model hears them. Both
clips must be of one kind (drums or melody); the longer one is cut to the shorter's
length. One noise draw is shared by every step, so at a temperature above 0 the steps
still change smoothly; the default temperature 0 decodes the most likely pattern.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from lmms_magenta.errors import UserError
from lmms_magenta.params import pick_seed

from .latent import interpolation_points, pattern_noise
from .output import finish
from .variations import load_encoded

if TYPE_CHECKING:
    from lmms_magenta.kernel import Kernel

    from .features import PatternResult

__all__ = ["interpolate"]


def interpolate(kernel: Kernel, params: Mapping[str, Any]) -> PatternResult:
    """Run ``generate.interpolate`` with validated ``params``."""
    seed = pick_seed(params.get("seed"))
    rng = np.random.default_rng(seed)
    model, enc_a, clip_a = load_encoded(kernel, params["start"], params)
    _, enc_b, clip_b = load_encoded(kernel, params["end"], params, kind=model.kind)
    if enc_b.kind != enc_a.kind:
        raise UserError(
            f"the start clip is {enc_a.kind}, this one {enc_b.kind}", path=params["end"]
        )
    windows = min(enc_a.mu.shape[0], enc_b.mu.shape[0])
    if enc_b.bars < enc_a.bars:
        enc_a.bars = enc_b.bars
    steps: int = params["steps"]
    temperature: float = params["temperature"]
    z = interpolation_points(enc_a.mu[:windows], enc_b.mu[:windows], steps)
    noise = pattern_noise(rng, 1, windows, model.vocab, temperature)
    seqs = model.decode(
        z.reshape(steps * windows, -1), np.tile(noise, (steps, 1, 1)), temperature
    ).reshape(steps, windows, -1)
    tempo = params.get("tempo") or clip_a.tempo
    a = clip_a.name or params["start"].stem
    b = clip_b.name or params["end"].stem
    clips = [
        # a melody's register moves from A's to B's half-way
        enc_a.to_clip(
            seq,
            f"{a} to {b} {i + 1}/{steps}",
            tempo,
            shifts=(enc_a if 2 * i < steps - 1 else enc_b).shifts[:windows],
        )
        for i, seq in enumerate(seqs)
    ]
    return finish(
        kernel,
        model.kind,
        clips,
        params,
        seed=seed,
        bars=enc_a.bars,
        stem="step",
        title=f"{a} to {b}",
    )
