"""Drum map: General MIDI drum notes <-> the 9 drum classes Magenta's drum models use.

MusicVAE / GrooVAE reduce a kit to 9 classes. Which pitch belongs to which class
follows Magenta's ``ROLAND_DRUM_PITCH_CLASSES`` (the mapping used to train on the
Groove MIDI Dataset, recorded on a Roland TD-11), extended to every other GM
percussion note with Magenta's ``DEFAULT_DRUM_TYPE_PITCHES`` where the Roland table is
silent. Where the two disagree the Roland table wins, because our models are trained
on Groove data (e.g. 45 is the TD-11's tom 2 rim: *mid* tom).

======  ==============  ===========  =========================================
class   name            canonical    all pitches mapped to it
======  ==============  ===========  =========================================
0       kick            36           36 35
1       snare           38           38 37 40 27 28 31 32 33 34 39 56 65 66 75 85
2       closed hi-hat   42           42 22 44 54 68 69 70 71 73 78 80
3       open hi-hat     46           46 26 67 72 74 79 81
4       low tom         43           43 58 29 41 61 64 84
5       mid tom         47           47 45 60 63 77 86 87
6       high tom        50           50 48 30 62 76 83
7       crash           49           49 52 55 57
8       ride            51           51 53 59 82
======  ==============  ===========  =========================================

The canonical pitch is the first pitch of the class (what Magenta writes back), so
``drum_class(canonical_pitch(c)) == c`` for every class. Other pitches (e.g. 21, or
88 and above) map to ``None``.
"""

from __future__ import annotations

from dataclasses import replace
from enum import IntEnum

from .clip import Clip

__all__ = [
    "DRUM_CLASS_PITCHES",
    "DrumClass",
    "canonical_pitch",
    "drum_class",
    "reduce_to_classes",
]


class DrumClass(IntEnum):
    """The 9 drum classes, numbered in Magenta's order (the index in model tensors)."""

    KICK = 0
    SNARE = 1
    CLOSED_HIHAT = 2
    OPEN_HIHAT = 3
    LOW_TOM = 4
    MID_TOM = 5
    HIGH_TOM = 6
    CRASH = 7
    RIDE = 8

    @property
    def label(self) -> str:
        """Musician's name of the class ("closed hi-hat")."""
        return _LABELS[self]


_LABELS = {
    DrumClass.KICK: "kick",
    DrumClass.SNARE: "snare",
    DrumClass.CLOSED_HIHAT: "closed hi-hat",
    DrumClass.OPEN_HIHAT: "open hi-hat",
    DrumClass.LOW_TOM: "low tom",
    DrumClass.MID_TOM: "mid tom",
    DrumClass.HIGH_TOM: "high tom",
    DrumClass.CRASH: "crash",
    DrumClass.RIDE: "ride",
}

# Magenta's ROLAND_DRUM_PITCH_CLASSES (first pitch = canonical output pitch), plus 35.
_ROLAND: dict[DrumClass, tuple[int, ...]] = {
    DrumClass.KICK: (36, 35),
    DrumClass.SNARE: (38, 37, 40),
    DrumClass.CLOSED_HIHAT: (42, 22, 44),
    DrumClass.OPEN_HIHAT: (46, 26),
    DrumClass.LOW_TOM: (43, 58),
    DrumClass.MID_TOM: (47, 45),
    DrumClass.HIGH_TOM: (50, 48),
    DrumClass.CRASH: (49, 52, 55, 57),
    DrumClass.RIDE: (51, 53, 59),
}
# Magenta's DEFAULT_DRUM_TYPE_PITCHES: fills in the GM notes the Roland table lacks.
_GENERAL_MIDI: dict[DrumClass, tuple[int, ...]] = {
    DrumClass.KICK: (36, 35),
    DrumClass.SNARE: (38, 27, 28, 31, 32, 33, 34, 37, 39, 40, 56, 65, 66, 75, 85),
    DrumClass.CLOSED_HIHAT: (42, 44, 54, 68, 69, 70, 71, 73, 78, 80, 22),
    DrumClass.OPEN_HIHAT: (46, 67, 72, 74, 79, 81, 26),
    DrumClass.LOW_TOM: (45, 29, 41, 43, 61, 64, 84),
    DrumClass.MID_TOM: (48, 47, 60, 63, 77, 86, 87),
    DrumClass.HIGH_TOM: (50, 30, 62, 76, 83),
    DrumClass.CRASH: (49, 52, 55, 57, 58),
    DrumClass.RIDE: (51, 53, 59, 82),
}


def _build() -> tuple[dict[int, DrumClass], dict[DrumClass, tuple[int, ...]]]:
    by_pitch: dict[int, DrumClass] = {}
    for table in (_ROLAND, _GENERAL_MIDI):
        for cls, pitches in table.items():
            for p in pitches:
                by_pitch.setdefault(p, cls)
    by_class: dict[DrumClass, tuple[int, ...]] = {}
    for cls in DrumClass:
        extra = tuple(p for p in _GENERAL_MIDI[cls] if by_pitch[p] is cls and p not in _ROLAND[cls])
        by_class[cls] = _ROLAND[cls] + extra
    return by_pitch, by_class


_CLASS_OF_PITCH, _PITCHES = _build()

#: Every GM pitch mapped to each class; the first is the canonical output pitch.
DRUM_CLASS_PITCHES: dict[DrumClass, tuple[int, ...]] = _PITCHES


def drum_class(pitch: int) -> DrumClass | None:
    """The drum class of a General MIDI drum note, or None if it has none."""
    return _CLASS_OF_PITCH.get(pitch)


def canonical_pitch(cls: DrumClass | int) -> int:
    """The pitch written for a class (kick 36, snare 38, closed hi-hat 42 ...)."""
    return _PITCHES[DrumClass(cls)][0]


def reduce_to_classes(clip: Clip, *, drop_unmapped: bool = True) -> Clip:
    """A drum clip with every note moved to its class's canonical pitch.

    Notes whose pitch has no class are dropped (``drop_unmapped``) or kept as they
    are. ValueError for a melodic clip.
    """
    if not clip.is_drum:
        raise ValueError("reduce_to_classes needs a drum clip")
    notes = []
    for n in clip.notes:
        cls = drum_class(n.pitch)
        if cls is None:
            if not drop_unmapped:
                notes.append(n)
        else:
            notes.append(replace(n, pitch=canonical_pitch(cls)))
    return replace(clip, notes=tuple(notes))
