"""``generate.variations``: new patterns near a given clip (encode, perturb, decode).

The clip's 2-bar windows are encoded to their latent points; each variation moves all
of them spherically by ``radius`` toward one random point of the training region
(:func:`.latent.perturb`: 0 gives the clip back as the model hears it, 1 an unrelated
pattern) and decodes them with one shared noise draw. Variations are distinct: one
equal to an earlier one (likely at a small radius and temperature 0) is drawn again,
up to :data:`.generate.REDRAWS` rounds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from lmms_magenta.errors import UserError
from lmms_magenta.music import Clip, Note
from lmms_magenta.params import pick_seed

from .encode import EncodedClip, encode_clip, kind_of
from .generate import REDRAWS
from .inference import PatternModel
from .inputs import read_clip
from .latent import pattern_noise, perturb
from .output import finish

if TYPE_CHECKING:
    from pathlib import Path

    from lmms_magenta.kernel import Kernel

    from .features import PatternResult

__all__ = ["load_encoded", "variations"]


def load_encoded(
    kernel: Kernel, path: Path, params: Mapping[str, Any], kind: str | None = None
) -> tuple[PatternModel, EncodedClip, Clip]:
    """Read the clip at ``path`` (``kind`` forces drums/melody), open the model of its
    kind and encode it."""
    clip = read_clip(
        path, kind or params["kind"], params.get("clip_track"), params["from_bar"], params["bars"]
    )
    model = PatternModel.from_kernel(kernel, kind_of(clip, kind or params["kind"]))
    try:
        return model, encode_clip(model, clip), clip
    except ValueError as err:
        raise UserError(f"cannot read track {clip.name!r} as a pattern: {err}", path=path) from None


def variations(kernel: Kernel, params: Mapping[str, Any]) -> PatternResult:
    """Run ``generate.variations`` with validated ``params``."""
    seed = pick_seed(params.get("seed"))
    rng = np.random.default_rng(seed)
    model, enc, source = load_encoded(kernel, params["clip"], params)
    temperature: float = params["temperature"]
    tempo = params.get("tempo") or source.tempo
    windows = enc.mu.shape[0]
    base = source.name or params["clip"].stem
    clips: list[Clip] = []
    seen: set[tuple[Note, ...]] = set()
    for _ in range(REDRAWS + 1):
        need = params["count"] - len(clips)
        if need == 0:
            break
        z = np.concatenate(
            [perturb(enc.mu, params["radius"], model.latents, rng) for _ in range(need)]
        )
        noise = pattern_noise(rng, need, windows, model.vocab, temperature)
        seqs = model.decode(z, noise, temperature).reshape(need, windows, -1)
        for seq in seqs:
            clip = enc.to_clip(seq, f"{base} variation {len(clips) + 1}", tempo)
            if clip.notes and clip.notes not in seen:
                seen.add(clip.notes)
                clips.append(clip)
    warnings: tuple[str, ...] = ()
    if len(clips) < params["count"]:
        warnings = (
            f"only {len(clips)} distinct variations at radius {params['radius']}; "
            "raise --radius or --temperature for more",
        )
    return finish(
        kernel,
        model.kind,
        clips,
        params,
        seed=seed,
        bars=enc.bars,
        stem="variation",
        title=f"variations of {base} (radius {params['radius']:g})",
        warnings=warnings,
    )
