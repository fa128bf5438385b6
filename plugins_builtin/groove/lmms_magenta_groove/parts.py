"""A drum part: the notes the model grooves as one performance, and the way back.

Whatever the input (a MIDI file's drum tracks, a Beat+Bassline pattern, an instrument
track of a project), the features see one :class:`DrumPart`: its notes at GM drum
pitches the 9-class drum map understands (the instrument's class where the pitch
says nothing, as in an LMMS kit), in a fixed order, plus a ``write`` callback that
puts the moved notes back into the input, note by note in the same order. The
checks every input shares live here too: 4/4 only, a 16th-note grid, some drums.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lmms_magenta.errors import UserError
from lmms_magenta.music import Clip, Meter, Note, drum_class
from lmms_magenta.music.grid import STEPS_PER_BAR

__all__ = ["DrumPart", "check_meter", "check_resolution"]

_FOUR_FOUR = Meter(4, 4)


def check_meter(meters: Sequence[Meter], source: str | os.PathLike[str]) -> None:
    """UserError naming the file unless every meter is 4/4."""
    for meter in meters:
        if meter != _FOUR_FOUR:
            raise UserError(f"{meter} meter: the groove model knows 4/4 only", path=source)


def check_resolution(ppq: int, source: str | os.PathLike[str]) -> None:
    """UserError naming the file when its grid cannot hold 16th notes."""
    if ppq <= 0 or ppq % 4:
        raise UserError(
            f"a resolution of {ppq} ticks per quarter note cannot hold 16th notes",
            path=source,
        )


@dataclass
class DrumPart:
    """Drum notes to groove as one performance.

    ``notes`` are at ``ppq`` ticks from the part's start, every one with a drum class
    by pitch; ``length`` is whole 4/4 bars; ``write(moved)`` takes the same notes moved
    (same order) and returns how many of them changed in the input.
    """

    notes: list[Note]
    ppq: int
    length: int
    tempo: float
    write: Callable[[list[Note]], int]
    label: str

    @property
    def n_bars(self) -> int:
        """Length in bars (at least one)."""
        return max(1, -(-self.length // (self.ppq * 4)))

    @property
    def classes(self) -> list[int]:
        """The drum class of each note, in order."""
        out = []
        for note in self.notes:
            cls = drum_class(note.pitch)
            if cls is None:  # builders only hand over notes with a class
                raise ValueError(f"note {note} has no drum class")
            out.append(int(cls))
        return out

    def clip(self) -> Clip:
        """The notes as a 4/4 drum clip of whole bars (for the drum grid)."""
        return Clip(
            self.notes,
            ppq=self.ppq,
            meter=_FOUR_FOUR,
            tempo=self.tempo,
            length=self.n_bars * STEPS_PER_BAR * (self.ppq // 4),
            is_drum=True,
            name=self.label,
        )
