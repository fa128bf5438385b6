"""``generate.drums`` and ``generate.melody``: new patterns from the latent space.

For ``count`` alternatives of ``bars`` bars: draw a start point per alternative around
the style (:func:`.latent.start_points`), add the complexity and syncopation vectors,
and decode all alternatives in one decoder call; longer patterns continue window by
window along a smooth latent path (:mod:`.longform`). Melodies are then put in the
key, scale and range asked for (:mod:`.melody_fit`).

Alternatives are distinct and never empty: an alternative that came out empty or equal
to an earlier one is drawn again (up to :data:`REDRAWS` rounds; what is still missing
then is reported as a warning, e.g. at complexity -1 with temperature 0 few patterns
exist). Everything random comes from one numpy generator seeded with ``seed``, so the
same parameters and seed give the same patterns on every run and backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from lmms_magenta.errors import ParameterError
from lmms_magenta.music import Clip, Note
from lmms_magenta.params import pick_seed, scale_intervals
from lmms_magenta.tonal import pitch_class, pitch_name

from .clips import drum_clip, melody_clip, melody_notes, windows_for
from .inference import PatternModel
from .longform import decode_patterns
from .melody_fit import fit_melody
from .output import finish
from .styles import ANY

if TYPE_CHECKING:
    from lmms_magenta.kernel import Kernel

    from .features import PatternResult
    from .melody_codec import MelodyNote

__all__ = ["REDRAWS", "Generator", "generate"]

#: Rounds of redrawing empty or duplicate alternatives.
REDRAWS = 8


class Generator:
    """Draws and decodes patterns of one kind with fixed settings (reused by the
    benchmark, so that it times exactly what the feature runs)."""

    def __init__(self, model: PatternModel, params: Mapping[str, Any]) -> None:
        self.model = model
        self.style: str = params.get("style", ANY)
        self.bars: int = params["bars"]
        self.windows = windows_for(self.bars)
        self.temperature: float = params.get("temperature", 1.0)
        self.complexity: float = params.get("complexity", 0.0)
        self.syncopation: float = params.get("syncopation", 0.0)
        self.tempo: float = params.get("tempo", 120.0)
        self.fit: tuple[int, tuple[int, ...], int, int] | None = None
        if model.kind == "melody":
            self.fit = (
                pitch_class(params.get("key", "C")),
                scale_intervals(params.get("scale", "major")),
                params.get("low", 60),
                params.get("high", 84),
            )
        if self.style != ANY and self.style not in model.latents.styles:
            known = ", ".join(model.latents.styles)
            raise ParameterError(f"the {model.kind} model knows no style {self.style!r} ({known})")

    def decode(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Step sequences ``[n, windows, 32]`` of ``n`` new patterns."""
        return decode_patterns(
            self.model,
            n,
            self.windows,
            self.style,
            (self.complexity, self.syncopation),
            self.temperature,
            rng,
        )

    def clip(self, seq: np.ndarray, name: str) -> Clip:
        """The clip of one pattern's step sequence ``[windows, 32]``."""
        if self.model.kind == "drums":
            return drum_clip(seq, self.bars, tempo=self.tempo, name=name)
        notes: list[MelodyNote] = melody_notes(seq, self.bars)
        if self.fit is not None:
            notes = fit_melody(notes, *self.fit)
        return melody_clip(notes, self.bars, tempo=self.tempo, name=name)

    def clips(self, count: int, rng: np.random.Generator, label: str) -> tuple[list[Clip], int]:
        """``count`` distinct non-empty clips named ``label 1``, ``label 2`` ... (fewer
        only if redrawing failed), and how many are missing."""
        kept: list[Clip] = []
        seen: set[tuple[Note, ...]] = set()
        need = count
        for _ in range(REDRAWS + 1):
            for seq in self.decode(need, rng):
                clip = self.clip(seq, f"{label} {len(kept) + 1}")
                if clip.notes and clip.notes not in seen and len(kept) < count:
                    seen.add(clip.notes)
                    kept.append(clip)
            need = count - len(kept)
            if need == 0:
                break
        return kept, need


def generate(kernel: Kernel, kind: str, params: Mapping[str, Any]) -> PatternResult:
    """Run ``generate.drums`` or ``generate.melody`` with validated ``params``."""
    if kind == "melody" and params["low"] > params["high"]:
        low, high = params["low"], params["high"]
        raise ParameterError(
            f"--low {pitch_name(low)} ({low}) is above --high {pitch_name(high)} ({high}): "
            "no note fits the range"
        )
    seed = pick_seed(params.get("seed"))
    rng = np.random.default_rng(seed)
    gen = Generator(PatternModel.from_kernel(kernel, kind), params)
    style: str = params.get("style", ANY)
    label = kind if style == ANY else f"{style} {kind}"
    clips, missing = gen.clips(params["count"], rng, label)
    warnings = (f"only {len(clips)} distinct patterns found at these settings",) if missing else ()
    return finish(
        kernel,
        kind,
        clips,
        params,
        seed=seed,
        bars=gen.bars,
        stem=kind,
        style=style,
        title=f"{label}, {gen.bars} bars",
        warnings=warnings,
    )
