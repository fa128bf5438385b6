"""``groove.humanize``: play a quantized drum part like a drummer, keeping every note.

Steps: open the input (:mod:`.inputs`), take its drum part (:mod:`.parts`), put it on
the 16th grid (hits only: the model sees *which* drums play where), predict a velocity
and a timing offset for every cell over overlapping 2-bar windows
(:mod:`.inference`, :mod:`.groove`), move each note toward its cell's groove by the
intensity and the timing/velocity balance, write the notes back where they came
from, save atomically with a backup. Notes are never added, dropped or re-pitched.
Intensity 0 does not even open the model: every note stays exactly as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from lmms_magenta.music.grid import N_CLASSES, STEPS_PER_BAR, encode_drums
from lmms_magenta.params import pick_seed

from .features import GrooveResult
from .groove import groove_notes
from .inference import GrooveModel
from .inputs import open_input, output_path
from .parts import DrumPart

if TYPE_CHECKING:
    from lmms_magenta.kernel import Kernel

__all__ = ["balance_weights", "humanize", "humanize_part"]


def balance_weights(balance: float) -> tuple[float, float]:
    """``balance`` -1..1 -> (timing weight, velocity weight): -1 (1, 0), 0 (1, 1), 1 (0, 1)."""
    return min(1.0, 1.0 - balance), min(1.0, 1.0 + balance)


def humanize_part(
    part: DrumPart,
    model: GrooveModel | None,
    *,
    intensity: float,
    balance: float,
    style: str,
    temperature: float,
    seed: int,
) -> int:
    """Humanize ``part`` in place (through its ``write``); returns how many notes changed.

    ``model`` may be None only when ``intensity`` is 0.
    """
    timing, velocity = balance_weights(balance)
    steps = part.n_bars * STEPS_PER_BAR
    if intensity == 0 or model is None:
        if intensity != 0:
            raise ValueError("a model is needed for intensity > 0")
        vel = off = np.zeros((steps, N_CLASSES), np.float32)
    else:
        grid = encode_drums(part.clip(), n_steps=steps)
        vel, off = model.humanize(
            grid.hits,
            part.n_bars,
            style=style,
            temperature=temperature,
            rng=np.random.default_rng(seed),
        )
    moved = groove_notes(
        list(zip(part.notes, part.classes, strict=True)),
        part.ppq,
        vel,
        off,
        intensity=intensity,
        timing=timing,
        velocity=velocity,
    )
    return part.write(moved)


def humanize(kernel: Kernel, params: Mapping[str, Any]) -> GrooveResult:
    """Run the feature with validated ``params`` (see :data:`.features.HUMANIZE_PARAMS`)."""
    source = open_input(params["input"], params["track"])
    target = output_path(params["input"], params["output"], ".humanized.mid")
    part = source.drum_part()
    seed = pick_seed(params["seed"])
    intensity = float(params["intensity"])
    model = GrooveModel.from_kernel(kernel) if intensity > 0 else None
    changed = humanize_part(
        part,
        model,
        intensity=intensity,
        balance=float(params["balance"]),
        style=params["style"],
        temperature=float(params["temperature"]),
        seed=seed,
    )
    warnings = tuple(
        f"{name!r} is not recognised as a drum; left as it is"
        for name in getattr(source, "skipped", [])
    )
    for warning in warnings:
        kernel.warn(f"{params['input']}: {warning}")
    written = source.save(target)
    return GrooveResult(written, len(part.notes), changed, seed, params["style"], warnings)
