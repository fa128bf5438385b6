"""What a pattern feature returns (cheap to import: no numpy).

See the contract in :mod:`.features`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .styles import ANY

if TYPE_CHECKING:
    from lmms_magenta.music import Clip

__all__ = ["PatternResult", "SavedPatterns"]

_MIDI = (".mid", ".midi")


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
            return os.fspath(midi[0].absolute().parent)
        return os.fspath(midi[0] if midi else self.paths[0])
