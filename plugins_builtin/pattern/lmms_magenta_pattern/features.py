"""The pattern features and their parameters (cheap to import: no numpy, no model).

CONTRACT (for callers from Python, e.g. the demo plugin)::

    result = kernel.feature("generate.drums")(kernel, bars=4, style="funk", count=8, seed=1)
    result.clips   # list[lmms_magenta.music.Clip]: 480 ppq, 4/4, at ``tempo``,
                   # is_drum set for drums, named ("funk drums 1" ...), one per alternative
    result.paths   # list[Path] of every file written (MIDI files, the project, the preview);
                   # empty when no ``output`` / ``into`` / ``preview`` was given
    result.seed    # the seed actually used (a random one when ``seed`` was None)

Features: ``generate.drums``, ``generate.melody`` (new patterns), ``generate.variations``
(new patterns near a given clip), ``generate.interpolate`` (N steps from clip A to clip
B); the CLI also has the top-level ``lmms-magenta interpolate`` for the last one. Every
parameter is optional except the input clips; ``output`` is optional (nothing is
written without it). The returned object is :class:`PatternResult` (or its subclass
:class:`SavedPatterns` when something was written, so the CLI prints the main path).

The CLI the kernel generates::

    lmms-magenta generate drums  [-o OUT.mid] [--bars N] [--style S] [--complexity -1..1]
        [--syncopation -1..1] [--count N] [--layout files|sequence|tracks]
        [--temperature T] [--seed N] [--tempo BPM] [--into PROJECT --track NAME --at BAR]
        [--preview OUT.png]
    lmms-magenta generate melody ... [--key C] [--scale major] [--low C4] [--high C6]
    lmms-magenta generate variations CLIP [-o DIR|OUT.mid] [--radius 0-1] [--count N] ...
    lmms-magenta generate interpolate A B [--steps N] [-o DIR|OUT.mid] ...
    lmms-magenta interpolate A B --steps N -o DIR          (the same feature)

The work happens in :mod:`.generate`, :mod:`.variations` and :mod:`.interpolate`,
imported only when a feature runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lmms_magenta.features import Feature
from lmms_magenta.params import File, Integer, Number, Schema

from .parameters import (
    CLIP_SUFFIXES,
    MAX_BARS,
    MAX_COUNT,
    attribute_params,
    count_param,
    input_params,
    layout_param,
    melody_params,
    output_file,
    output_folder,
    preview_param,
    project_params,
    seed_param,
    style_param,
    temperature_param,
    tempo_param,
)
from .result import PatternResult, SavedPatterns
from .styles import DRUM_STYLES, MELODY_STYLES

if TYPE_CHECKING:
    from lmms_magenta.kernel import Kernel

__all__ = [
    "DRUMS",
    "DRUM_PARAMS",
    "INTERPOLATE",
    "INTERPOLATE_PARAMS",
    "MAX_BARS",
    "MAX_COUNT",
    "MELODY",
    "MELODY_PARAMS",
    "MODELS",
    "VARIATIONS",
    "VARIATIONS_PARAMS",
    "PatternResult",
    "SavedPatterns",
    "features",
]

#: Model names (in the model repository) of each kind: (encoder, decoder).
MODELS: dict[str, tuple[str, str]] = {
    "drums": ("drums-vae-2bar-encoder", "drums-vae-2bar-decoder"),
    "melody": ("melody-vae-2bar-encoder", "melody-vae-2bar-decoder"),
}


DRUM_PARAMS = Schema(
    output_file("drum pattern"),
    Integer("bars", default=2, min=1, max=MAX_BARS, help="Length of each pattern in bars"),
    style_param(DRUM_STYLES, "the Groove MIDI Dataset's styles"),
    *attribute_params(),
    count_param(1),
    layout_param(),
    temperature_param(1.0, "for each idea (the seed still picks the ideas)"),
    seed_param(),
    tempo_param(),
    *project_params("Beat+Bassline track"),
    preview_param(),
)

MELODY_PARAMS = Schema(
    output_file("melody"),
    Integer("bars", default=4, min=1, max=MAX_BARS, help="Length of each melody in bars"),
    style_param(MELODY_STYLES, "dance types of the folk tunes, or chorale"),
    *attribute_params(),
    *melody_params(),
    count_param(1),
    layout_param(),
    temperature_param(1.0, "for each idea (the seed still picks the ideas)"),
    seed_param(),
    tempo_param(),
    *project_params("instrument track"),
    preview_param(),
)

VARIATIONS_PARAMS = Schema(
    File("clip", suffixes=CLIP_SUFFIXES, help="The clip to vary: a MIDI file or an LMMS project"),
    output_folder(),
    Number(
        "radius",
        default=0.3,
        min=0.0,
        max=1.0,
        step=0.05,
        help="How far from the clip: 0 the clip itself, 1 an unrelated new pattern",
    ),
    count_param(4, "variations"),
    *input_params(),
    layout_param(),
    temperature_param(0.5, "for each variation"),
    seed_param(),
    Number(
        "tempo",
        default=0.0,
        min=0.0,
        max=300.0,
        unit="bpm",
        help="Tempo of the written MIDI (0 = the clip's own)",
    ),
    *project_params("track"),
    preview_param(),
)

INTERPOLATE_PARAMS = Schema(
    File("start", suffixes=CLIP_SUFFIXES, help="The clip to start from (MIDI or LMMS project)"),
    File("end", suffixes=CLIP_SUFFIXES, help="The clip to arrive at (MIDI or LMMS project)"),
    output_folder(),
    Integer(
        "steps",
        default=5,
        min=2,
        max=MAX_COUNT,
        help="How many clips from start to end, both ends included",
    ),
    *input_params(),
    layout_param(),
    temperature_param(0.0, "at each step (the seed then does not matter)"),
    seed_param(),
    Number(
        "tempo",
        default=0.0,
        min=0.0,
        max=300.0,
        unit="bpm",
        help="Tempo of the written MIDI (0 = the start clip's own)",
    ),
    *project_params("track"),
    preview_param(),
)


def _run_drums(kernel: Kernel, params: Mapping[str, Any]) -> PatternResult:
    from .generate import generate

    return generate(kernel, "drums", params)


def _run_melody(kernel: Kernel, params: Mapping[str, Any]) -> PatternResult:
    from .generate import generate

    return generate(kernel, "melody", params)


def _run_variations(kernel: Kernel, params: Mapping[str, Any]) -> PatternResult:
    from .variations import variations

    return variations(kernel, params)


def _run_interpolate(kernel: Kernel, params: Mapping[str, Any]) -> PatternResult:
    from .interpolate import interpolate

    return interpolate(kernel, params)


DRUMS = Feature(
    name="generate.drums",
    title="Generate drum patterns",
    summary="New drum patterns from the drum VAE: style, length, complexity, "
    "several alternatives; to MIDI (GM drums) or a Beat+Bassline track.",
    params=DRUM_PARAMS,
    run=_run_drums,
    models=MODELS["drums"],
)

MELODY = Feature(
    name="generate.melody",
    title="Generate melodies",
    summary="New melodies from the melody VAE: style, length, complexity, key, scale "
    "and range; to MIDI or an instrument track.",
    params=MELODY_PARAMS,
    run=_run_melody,
    models=MODELS["melody"],
)

VARIATIONS = Feature(
    name="generate.variations",
    title="Variations of a clip",
    summary="New patterns near a drum or melody clip: encode it, move a little in "
    "latent space, decode.",
    params=VARIATIONS_PARAMS,
    run=_run_variations,
    models=(*MODELS["drums"], *MODELS["melody"]),
)

INTERPOLATE = Feature(
    name="generate.interpolate",
    title="Blend two clips",
    summary="N clips morphing from one clip into another (spherical interpolation in "
    "latent space).",
    params=INTERPOLATE_PARAMS,
    run=_run_interpolate,
    models=(*MODELS["drums"], *MODELS["melody"]),
)


def features() -> list[Feature]:
    """All four pattern features."""
    return [DRUMS, MELODY, VARIATIONS, INTERPOLATE]
