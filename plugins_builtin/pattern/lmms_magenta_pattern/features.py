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

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_magenta.features import Feature
from lmms_magenta.params import (
    Choice,
    File,
    Integer,
    Key,
    Number,
    Param,
    Pitch,
    Scale,
    Schema,
    Seed,
    Text,
)

from .styles import ANY, DRUM_STYLES, MELODY_STYLES

if TYPE_CHECKING:
    from lmms_magenta.kernel import Kernel
    from lmms_magenta.music import Clip

__all__ = [
    "DRUMS",
    "INTERPOLATE",
    "MELODY",
    "MODELS",
    "VARIATIONS",
    "PatternResult",
    "SavedPatterns",
    "features",
]

#: Model names (in the model repository) of each kind: (encoder, decoder).
MODELS: dict[str, tuple[str, str]] = {
    "drums": ("drums-vae-2bar-encoder", "drums-vae-2bar-decoder"),
    "melody": ("melody-vae-2bar-encoder", "melody-vae-2bar-decoder"),
}
_MIDI = (".mid", ".midi")
_PROJECTS = (".mmp", ".mmpz")
_MAX_NAME = 200
MAX_BARS = 64
MAX_COUNT = 16


@dataclass(frozen=True)
class PatternResult:
    """What a pattern feature made.

    ``clips``: one kernel :class:`~lmms_magenta.music.Clip` per alternative (or step),
    at the clip tempo, ``is_drum`` set for drums, named. ``paths``: every file written,
    MIDI files first, then the project, then the preview.
    """

    kind: str
    clips: list[Clip]
    paths: list[Path]
    seed: int
    style: str = ANY
    project: Path | None = None
    preview: Path | None = None
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class SavedPatterns(PatternResult):
    """A :class:`PatternResult` that wrote something; ``os.fspath`` gives the main file
    (the project, else the first MIDI file's folder for several files, else the file)."""

    def __fspath__(self) -> str:
        if self.project is not None:
            return os.fspath(self.project)
        midi = [p for p in self.paths if p.suffix.lower() in _MIDI]
        if len(midi) > 1:
            return os.fspath(midi[0].parent)
        return os.fspath(midi[0] if midi else self.paths[0])


# --- shared parameters -----------------------------------------------------------------


def _project_params(what: str) -> tuple[Param, ...]:
    return (
        File(
            "into",
            suffixes=_PROJECTS,
            positional=False,
            is_required=False,
            help="An LMMS project (.mmp/.mmpz) to write the clips into instead of (or as "
            "well as) a MIDI file; it is saved in place, the old file kept as .bak",
        ),
        Text(
            "track",
            non_empty=True,
            max_length=_MAX_NAME,
            metavar="NAME",
            help=f"With --into: the {what} to write to (made if missing; "
            "default: a new one named after the pattern)",
        ),
        Integer(
            "at",
            default=1,
            min=1,
            max=9999,
            help="With --into: the bar where the first clip starts (1 = the song's start); "
            "further clips follow one after another",
        ),
    )


def _count(default: int, what: str = "alternatives") -> Integer:
    return Integer("count", default=default, min=1, max=MAX_COUNT, help=f"How many {what} to make")


def _layout() -> Choice:
    return Choice(
        "layout",
        default="files",
        choices=("files", "sequence", "tracks"),
        choice_help=(
            ("files", "one MIDI file per clip (OUT-1.mid, OUT-2.mid ... or DIR/NAME-01.mid)"),
            ("sequence", "one MIDI file, the clips one after another"),
            ("tracks", "one MIDI file, one track per clip"),
        ),
        help="How several clips go into MIDI",
    )


def _temperature(default: float) -> Number:
    return Number(
        "temperature",
        default=default,
        min=0.0,
        max=2.0,
        step=0.1,
        help="Randomness: 0 always plays the most likely pattern (the seed does not "
        "matter), 1 samples as the model learnt, higher is wilder",
    )


def _seed() -> Seed:
    return Seed("seed", help="Random seed; the same seed gives the same patterns")


def _tempo() -> Number:
    return Number(
        "tempo",
        default=120.0,
        min=20.0,
        max=300.0,
        unit="bpm",
        step=1.0,
        help="Tempo of the written MIDI file (a project keeps its own tempo)",
    )


def _preview() -> File:
    return File(
        "preview",
        role="output",
        suffixes=(".png",),
        is_required=False,
        help="Also draw the clips as a piano roll into this PNG image",
    )


def _output_file(what: str) -> File:
    return File(
        "output",
        role="output",
        suffixes=_MIDI,
        is_required=False,
        help=f"MIDI file to write the {what} to (several clips: see --layout); "
        "nothing is written without it unless --into is given",
    )


def _output_folder() -> File:
    # A folder cannot be a File(role="output") (the kernel refuses folders there), so this
    # is a name the feature interprets: an existing folder or a name without .mid is a
    # folder (made if missing), a .mid name is one file (see --layout).
    return File(
        "output",
        role="input",
        must_exist=False,
        positional=False,
        is_required=False,
        help="Folder to write one MIDI file per clip into (made if missing), or a .mid "
        "file for all clips in one file (see --layout); nothing is written without it "
        "unless --into is given",
    )


def _style(choices: tuple[str, ...], what: str) -> Choice:
    return Choice(
        "style",
        default=ANY,
        choices=choices,
        help=f"Style to play in ({what}; any = no preference)",
    )


def _complexity() -> tuple[Param, ...]:
    return (
        Number(
            "complexity",
            default=0.0,
            min=-1.0,
            max=1.0,
            step=0.1,
            help="Busier or sparser: -1 sparse, 0 as the model plays, 1 busy "
            "(moves along the note-density direction of the latent space)",
        ),
        Number(
            "syncopation",
            default=0.0,
            min=-1.0,
            max=1.0,
            step=0.1,
            help="-1 on the beat, 0 as the model plays, 1 more off-beat notes",
        ),
    )


def _melody_params() -> tuple[Param, ...]:
    return (
        Key("key", default="C", help="Key of the melody (its tonic)"),
        Scale(
            "scale",
            default="major",
            help="Scale the notes are snapped into (chromatic = no snapping)",
        ),
        Pitch("low", default=60, help="Lowest note the instrument should play"),
        Pitch("high", default=84, help="Highest note the instrument should play"),
    )


def _input_params() -> tuple[Param, ...]:
    return (
        Choice(
            "kind",
            default="auto",
            choices=("auto", "drums", "melody"),
            help="Drums or melody; auto: drums when the clip is a drum track",
        ),
        Text(
            "clip_track",
            non_empty=True,
            max_length=_MAX_NAME,
            metavar="NAME",
            help="The track to read in the MIDI file or project (default: the first "
            "drum track for drums, else the first track with notes)",
        ),
        Integer(
            "from_bar",
            default=1,
            min=1,
            max=9999,
            help="The bar of the clip to start reading at (1 = its start)",
        ),
        Integer(
            "bars",
            default=16,
            min=1,
            max=MAX_BARS,
            help="How many bars of the clip to use at most (from --from-bar; the clip's "
            "end stops it earlier)",
        ),
    )


_CLIP_IN = (*_MIDI, *_PROJECTS)

DRUM_PARAMS = Schema(
    _output_file("drum pattern"),
    Integer("bars", default=2, min=1, max=MAX_BARS, help="Length of each pattern in bars"),
    _style(DRUM_STYLES, "the Groove MIDI Dataset's styles"),
    *_complexity(),
    _count(1),
    _layout(),
    _temperature(1.0),
    _seed(),
    _tempo(),
    *_project_params("Beat+Bassline track"),
    _preview(),
)

MELODY_PARAMS = Schema(
    _output_file("melody"),
    Integer("bars", default=4, min=1, max=MAX_BARS, help="Length of each melody in bars"),
    _style(MELODY_STYLES, "dance types of the folk tunes, or chorale"),
    *_complexity(),
    *_melody_params(),
    _count(1),
    _layout(),
    _temperature(1.0),
    _seed(),
    _tempo(),
    *_project_params("instrument track"),
    _preview(),
)

VARIATIONS_PARAMS = Schema(
    File("clip", suffixes=_CLIP_IN, help="The clip to vary: a MIDI file or an LMMS project"),
    _output_folder(),
    Number(
        "radius",
        default=0.3,
        min=0.0,
        max=1.0,
        step=0.05,
        help="How far from the clip: 0 the clip itself, 1 an unrelated new pattern",
    ),
    _count(4, "variations"),
    *_input_params(),
    _layout(),
    _temperature(0.5),
    _seed(),
    Number(
        "tempo",
        default=0.0,
        min=0.0,
        max=300.0,
        unit="bpm",
        help="Tempo of the written MIDI (0 = the clip's own)",
    ),
    *_project_params("track"),
    _preview(),
)

INTERPOLATE_PARAMS = Schema(
    File("start", suffixes=_CLIP_IN, help="The clip to start from (MIDI or LMMS project)"),
    File("end", suffixes=_CLIP_IN, help="The clip to arrive at (MIDI or LMMS project)"),
    _output_folder(),
    Integer(
        "steps",
        default=5,
        min=2,
        max=MAX_COUNT,
        help="How many clips from start to end, both ends included",
    ),
    *_input_params(),
    _layout(),
    _temperature(0.0),
    _seed(),
    Number(
        "tempo",
        default=0.0,
        min=0.0,
        max=300.0,
        unit="bpm",
        help="Tempo of the written MIDI (0 = the start clip's own)",
    ),
    *_project_params("track"),
    _preview(),
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
