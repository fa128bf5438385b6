"""Open a feature's input (MIDI file or LMMS project) and decide where the result goes.

The kind of file decides everything: a MIDI file is written as a MIDI file (by
default next to the input, ``song.humanized.mid`` / ``song.drums.mid``); a project is
written back as a project (by default *in place*, the previous version kept as
``song.mmpz.bak``; ``-o other.mmpz`` leaves the input untouched).
"""

from __future__ import annotations

import os
from pathlib import Path

from lmms_magenta.errors import UserError

from .midi_io import MidiInput
from .project_io import ProjectInput

__all__ = [
    "MIDI_SUFFIXES",
    "PROJECT_SUFFIXES",
    "SUFFIXES",
    "is_project",
    "open_input",
    "output_path",
]

MIDI_SUFFIXES = (".mid", ".midi")
PROJECT_SUFFIXES = (".mmp", ".mmpz")
SUFFIXES = MIDI_SUFFIXES + PROJECT_SUFFIXES


def is_project(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names an LMMS project (by its suffix)."""
    return Path(path).name.lower().endswith(PROJECT_SUFFIXES)


def open_input(path: Path, track: str | None) -> MidiInput | ProjectInput:
    """The input, opened and checked (UserError naming the file for every problem)."""
    if is_project(path):
        return ProjectInput.open(path, track)
    return MidiInput.open(path, track)


def output_path(source: Path, output: Path | None, midi_suffix: str) -> Path:
    """Where to write: ``output``, or the default for the input's kind.

    UserError when the output is not the input's kind (a project's track is written
    back into a project; a MIDI file becomes a MIDI file).
    """
    if is_project(source):
        if output is None:
            return source
        if not is_project(output):
            raise UserError(
                "a project's track is written back into a project: give -o FILE.mmpz "
                "(or no -o to update the project in place, keeping a .bak backup)",
                path=output,
            )
        return output
    if output is None:
        return source.with_name(source.stem + midi_suffix)
    if is_project(output):
        raise UserError(
            "a MIDI file is written as a MIDI file: give -o FILE.mid (to put a clip into "
            "a project use 'lmms-magenta lmms import-midi', or give the project as input "
            "with --track)",
            path=output,
        )
    return output
