"""Notes: pitch, velocity, and exact position on a tick grid.

A :class:`Note` does not know its resolution; the :class:`~lmms_magenta.music.Clip`
holding it does (``clip.ppq``). That keeps notes tiny and hashable and lets a clip
change resolution in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

__all__ = ["DRUM_CHANNEL", "Note", "note_sort_key"]

#: MIDI channel index of General MIDI percussion ("channel 10" counted from 1).
DRUM_CHANNEL = 9


@dataclass(frozen=True, slots=True)
class Note:
    """One note: MIDI ``pitch`` 0-127, ``velocity`` 1-127, ``start`` >= 0 and ``length`` > 0
    in ticks of the enclosing clip's grid, and the MIDI ``channel`` 0-15 it came from.

    Invalid values raise ValueError (a programmer error: input files are checked by
    the readers, which raise :class:`~lmms_magenta.errors.FileFormatError`).
    """

    pitch: int
    velocity: int
    start: int
    length: int
    channel: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.pitch <= 127:
            raise ValueError(f"note pitch must be 0-127, got {self.pitch}")
        if not 1 <= self.velocity <= 127:
            raise ValueError(f"note velocity must be 1-127, got {self.velocity}")
        if self.start < 0:
            raise ValueError(f"note start must be >= 0 ticks, got {self.start}")
        if self.length <= 0:
            raise ValueError(f"note length must be > 0 ticks, got {self.length}")
        if not 0 <= self.channel <= 15:
            raise ValueError(f"note channel must be 0-15, got {self.channel}")

    @property
    def end(self) -> int:
        """Tick just after the note (``start + length``)."""
        return self.start + self.length

    def start_beats(self, ppq: int) -> Fraction:
        """Onset in quarter notes from the clip start."""
        return Fraction(self.start, ppq)

    def length_beats(self, ppq: int) -> Fraction:
        """Duration in quarter notes."""
        return Fraction(self.length, ppq)

    def shifted(self, ticks: int) -> Note:
        """The same note ``ticks`` later (earlier if negative)."""
        return replace(self, start=self.start + ticks)

    @classmethod
    def from_beats(
        cls,
        pitch: int,
        velocity: int,
        start: Fraction | int,
        length: Fraction | int,
        ppq: int,
        channel: int = 0,
    ) -> Note:
        """Build a note from positions in quarter notes; ValueError if not on the ppq grid."""
        start_t = Fraction(start) * ppq
        length_t = Fraction(length) * ppq
        if start_t.denominator != 1 or length_t.denominator != 1:
            raise ValueError(f"start {start} / length {length} beats are not on the {ppq} ppq grid")
        return cls(pitch, velocity, int(start_t), int(length_t), channel)


def note_sort_key(note: Note) -> tuple[int, int, int, int, int]:
    """Total order used for the notes of a clip: time first, then pitch.

    Because it covers every field, two clips holding the same multiset of notes hold
    the same sorted tuple (so ``merge`` is commutative and equality is meaningful).
    """
    return (note.start, note.pitch, note.channel, note.length, note.velocity)
