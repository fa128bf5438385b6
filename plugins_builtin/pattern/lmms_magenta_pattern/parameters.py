"""The parameters the pattern features share, built once here (cheap to import).

Each function returns a kernel schema parameter (:mod:`lmms_magenta.params`) or a tuple
of them; :mod:`.features` assembles the four schemas from these.
"""

from __future__ import annotations

from lmms_magenta.params import (
    Choice,
    File,
    Integer,
    Key,
    Number,
    Param,
    Pitch,
    Scale,
    Seed,
    Text,
)

from .styles import ANY

__all__ = [
    "CLIP_SUFFIXES",
    "MAX_BARS",
    "MAX_COUNT",
    "attribute_params",
    "count_param",
    "input_params",
    "layout_param",
    "melody_params",
    "output_file",
    "output_folder",
    "preview_param",
    "project_params",
    "seed_param",
    "style_param",
    "temperature_param",
    "tempo_param",
]

_MIDI = (".mid", ".midi")
_PROJECTS = (".mmp", ".mmpz")
#: Files a clip can be read from.
CLIP_SUFFIXES = (*_MIDI, *_PROJECTS)
_MAX_NAME = 200
MAX_BARS = 64
MAX_COUNT = 16


def project_params(what: str) -> tuple[Param, ...]:
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


def count_param(default: int, what: str = "alternatives") -> Integer:
    return Integer("count", default=default, min=1, max=MAX_COUNT, help=f"How many {what} to make")


def layout_param() -> Choice:
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


def temperature_param(default: float, zero: str) -> Number:
    return Number(
        "temperature",
        default=default,
        min=0.0,
        max=2.0,
        step=0.1,
        help=f"Randomness of each step: 0 plays the most likely pattern {zero}, "
        "1 samples as the model learnt, higher is wilder",
    )


def seed_param() -> Seed:
    return Seed("seed", help="Random seed; the same seed gives the same patterns")


def tempo_param() -> Number:
    return Number(
        "tempo",
        default=120.0,
        min=20.0,
        max=300.0,
        unit="bpm",
        step=1.0,
        help="Tempo of the written MIDI file (a project keeps its own tempo)",
    )


def preview_param() -> File:
    return File(
        "preview",
        role="output",
        suffixes=(".png",),
        is_required=False,
        help="Also draw the clips as a piano roll into this PNG image",
    )


def output_file(what: str) -> File:
    return File(
        "output",
        role="output",
        suffixes=_MIDI,
        is_required=False,
        help=f"MIDI file to write the {what} to (several clips: see --layout); "
        "nothing is written without it unless --into is given",
    )


def output_folder() -> File:
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


def style_param(choices: tuple[str, ...], what: str) -> Choice:
    return Choice(
        "style",
        default=ANY,
        choices=choices,
        help=f"Style to play in ({what}; any = no preference)",
    )


def attribute_params() -> tuple[Param, ...]:
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


def melody_params() -> tuple[Param, ...]:
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


def input_params() -> tuple[Param, ...]:
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
